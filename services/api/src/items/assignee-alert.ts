import type { EarshotConfig } from '@earshot/config';
import type { PoolClient } from '@earshot/db';
import { enqueueNotification } from '@earshot/notify';
import { buildDirectory, queueAssignmentAlerts } from '@earshot/routing';

/** Tells the responder an item was just handed to, inside the reassignment's transaction. */
export type AssigneeAlerter = (client: PoolClient, change: { itemId: string; teamId: string; assigneeId: string; eventId: string }) => Promise<void>;

/**
 * The channel alert is edited to show the new assignee, but they may not
 * watch that channel: like the router when it assigns from the queue, send
 * them the item directly (Slack DM, else email). One per reassignment: the
 * timeline event's id is in the dedupe key.
 */
export function alertNewAssignees(config: Pick<EarshotConfig, 'teams' | 'responders'>): AssigneeAlerter {
  const directory = buildDirectory(config);
  return async (client, { itemId, teamId, assigneeId, eventId }) => {
    const contact = directory.contactsFor({ teamId, assigneeId }).assignee;
    for (const delivery of contact ? queueAssignmentAlerts(contact) : []) {
      await enqueueNotification(client, {
        dedupeKey: `reassigned:${itemId}:${eventId}:${delivery.recipient}`,
        itemId,
        kind: 'alert',
        channel: delivery.channel,
        recipient: delivery.recipient,
        payload: { type: 'item-alert', itemId },
      });
    }
  };
}
