import type { Pool, PoolClient } from '@earshot/db';
import { z } from 'zod';
import { ITEM_VERSION_SQL } from './item-view.js';
import { checkNotificationRequest, NotificationRequestError, type NotificationRequest } from './payload.js';

/**
 * Adds a notification to the outbox; pass the transaction's client to make it
 * part of the change that causes it. INSERT … ON CONFLICT (dedupe_key) DO
 * NOTHING: true when the row is new, false when that key was enqueued before
 * (a redelivered message, a restart, another replica). Throws a
 * NotificationRequestError naming the field for a malformed request.
 */
export async function enqueueNotification(client: Pool | PoolClient, request: NotificationRequest): Promise<boolean> {
  const valid = checkNotificationRequest(request);
  const { rowCount } = await client.query(
    `INSERT INTO notification_outbox (dedupe_key, item_id, kind, channel, recipient, payload, next_attempt_at)
     VALUES ($1, $2, $3, $4, $5, $6, coalesce($7, now()))
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [valid.dedupeKey, valid.itemId, valid.kind, valid.channel, valid.recipient, JSON.stringify(valid.payload), valid.notBefore ?? null],
  );
  return rowCount === 1;
}

/**
 * Call in the same transaction as an item's state change (acknowledged,
 * handled, snoozed, unsnoozed, reassigned), after the change: enqueues a
 * chat.update of every Slack message already posted about the item, so each
 * is edited in place to show the new state. Dedupes per message and item
 * state version, so calling it twice for one change updates once.
 * Alerts not posted yet need nothing: they render the state when they are
 * sent, and a message posted while the state changed is corrected by the
 * worker itself. Returns how many updates were enqueued.
 */
export async function requestAlertUpdate(client: Pool | PoolClient, itemId: string): Promise<number> {
  if (!z.uuid().safeParse(itemId).success) throw new NotificationRequestError(`itemId: "${itemId}" is not an item id (a UUID)`);
  const { rowCount } = await client.query(
    `INSERT INTO notification_outbox (dedupe_key, item_id, kind, channel, recipient, payload)
     SELECT 'update:' || m.id || ':' || v.version, m.item_id, 'update', 'slack', m.channel,
            jsonb_build_object('type', 'item-update', 'itemId', m.item_id, 'slackMessageId', m.id)
     FROM slack_messages m
     CROSS JOIN (SELECT ${ITEM_VERSION_SQL} AS version FROM items i WHERE i.id = $1) v
     WHERE m.item_id = $1 AND m.role = 'alert'
     ORDER BY m.id
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [itemId],
  );
  return rowCount ?? 0;
}
