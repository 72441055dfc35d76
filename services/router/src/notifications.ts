import type { PoolClient } from '@earshot/db';
import type { SpikeAlert } from '@earshot/domain';
import { enqueueNotifications, type NotificationRequest } from '@earshot/notify';
import type { Delivery } from '@earshot/routing';

/**
 * The notifications the router queues, with their dedupe keys: one row per
 * (item, step, recipient), so neither a redelivered message nor a replica
 * firing the same step can queue a second one.
 */

/** The alert about an item, to a channel or a person. */
export function itemAlert(itemId: string, delivery: Delivery): NotificationRequest {
  return {
    dedupeKey: `alert:${itemId}:${delivery.recipient}`,
    itemId,
    kind: 'alert',
    channel: delivery.channel,
    recipient: delivery.recipient,
    payload: { type: 'item-alert', itemId },
  };
}

/** One escalation step of an item, to one recipient; channel messages may @mention someone. `label` names the step in the message. */
export function escalationNotice(itemId: string, stepIndex: number, label: string, delivery: Delivery): NotificationRequest {
  return {
    dedupeKey: `step:${itemId}:${stepIndex}:${delivery.recipient}`,
    itemId,
    kind: 'escalation',
    channel: delivery.channel,
    recipient: delivery.recipient,
    payload: { type: 'item-escalation', itemId, stepIndex, label, ...(delivery.mention === undefined ? {} : { mention: delivery.mention }) },
  };
}

/** A spike (possible crisis), once per spike id and recipient. */
export function spikeNotice(spike: SpikeAlert, delivery: Delivery): NotificationRequest {
  return {
    dedupeKey: `spike:${spike.id}:${delivery.recipient}`,
    itemId: null,
    kind: 'spike',
    channel: delivery.channel,
    recipient: delivery.recipient,
    payload: { type: 'spike', spike, ...(delivery.mention === undefined ? {} : { mention: delivery.mention }) },
  };
}

export interface EnqueueOutcome {
  /** Requests that were new (a redelivery finds them queued already). */
  queued: number;
  /** Requests the outbox refused, e.g. for a `slack:` target in the config that is not a channel: `<channel> <recipient>: <reason>`. */
  refused: Array<{ request: NotificationRequest; reason: string }>;
}

/**
 * Queues the requests in the caller's transaction, in one statement. A
 * request the outbox refuses as malformed is reported rather than thrown:
 * one bad target in the config must not hold back an item's other
 * notifications, nor the clock behind it. Database errors still throw,
 * rolling the change back.
 */
export async function enqueueAll(client: PoolClient, requests: readonly NotificationRequest[]): Promise<EnqueueOutcome> {
  const { queued, refused } = await enqueueNotifications(client, requests);
  return {
    queued: queued.length,
    refused: refused.map(({ request, error }) => ({ request, reason: `${request.channel} ${request.recipient}: ${error.message}` })),
  };
}

/** Refusals grouped by the item they were about, for one log line per item. */
export function reasonsByItem(refused: EnqueueOutcome['refused']): Map<string | null, string[]> {
  const byItem = new Map<string | null, string[]>();
  for (const { request, reason } of refused) byItem.set(request.itemId, [...(byItem.get(request.itemId) ?? []), reason]);
  return byItem;
}
