import type { Pool, PoolClient } from '@earshot/db';
import { z } from 'zod';
import { ITEM_VERSION_SQL } from './item-view.js';
import { checkNotificationRequest, NotificationRequestError, type NotificationRequest } from './payload.js';

export interface EnqueueResult {
  /** Dedupe keys of the requests that made a new row; a key enqueued before (a redelivered message, a restart, another replica) is not here. */
  queued: string[];
  /** Malformed requests, each with the error naming the field; nothing was written for them. */
  refused: Array<{ request: NotificationRequest; error: NotificationRequestError }>;
}

/**
 * Adds notifications to the outbox in one statement; pass the transaction's
 * client to make them part of the change that causes them. INSERT … ON
 * CONFLICT (dedupe_key) DO NOTHING, in the order given (the outbox sends
 * oldest first): a key already there, or repeated within `requests`, makes
 * one row. A malformed request is refused rather than thrown, so it never
 * holds back the others.
 */
export async function enqueueNotifications(client: Pool | PoolClient, requests: readonly NotificationRequest[]): Promise<EnqueueResult> {
  const valid: NotificationRequest[] = [];
  const refused: EnqueueResult['refused'] = [];
  for (const request of requests) {
    try {
      valid.push(checkNotificationRequest(request));
    } catch (error) {
      if (!(error instanceof NotificationRequestError)) throw error;
      refused.push({ request, error });
    }
  }
  if (valid.length === 0) return { queued: [], refused };
  const { rows } = await client.query<{ dedupe_key: string }>(
    `INSERT INTO notification_outbox (dedupe_key, item_id, kind, channel, recipient, payload, next_attempt_at)
     SELECT r.dedupe_key, r.item_id, r.kind, r.channel, r.recipient, r.payload, coalesce(r.not_before, now())
     FROM unnest($1::text[], $2::uuid[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::timestamptz[])
          WITH ORDINALITY AS r(dedupe_key, item_id, kind, channel, recipient, payload, not_before, position)
     ORDER BY r.position
     ON CONFLICT (dedupe_key) DO NOTHING
     RETURNING dedupe_key`,
    [
      valid.map((request) => request.dedupeKey),
      valid.map((request) => request.itemId),
      valid.map((request) => request.kind),
      valid.map((request) => request.channel),
      valid.map((request) => request.recipient),
      valid.map((request) => JSON.stringify(request.payload)),
      valid.map((request) => request.notBefore ?? null),
    ],
  );
  return { queued: rows.map((row) => row.dedupe_key), refused };
}

/**
 * Adds one notification to the outbox (see enqueueNotifications): true when
 * the row is new, false when its key was enqueued before. Throws a
 * NotificationRequestError naming the field for a malformed request.
 */
export async function enqueueNotification(client: Pool | PoolClient, request: NotificationRequest): Promise<boolean> {
  const { queued, refused } = await enqueueNotifications(client, [request]);
  if (refused[0] !== undefined) throw refused[0].error;
  return queued.length === 1;
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
  return requestAlertUpdates(client, [itemId]);
}

/** requestAlertUpdate for several items in one statement, in the order given. */
export async function requestAlertUpdates(client: Pool | PoolClient, itemIds: readonly string[]): Promise<number> {
  const malformed = itemIds.find((itemId) => !z.uuid().safeParse(itemId).success);
  if (malformed !== undefined) throw new NotificationRequestError(`itemId: "${malformed}" is not an item id (a UUID)`);
  if (itemIds.length === 0) return 0;
  const { rowCount } = await client.query(
    `INSERT INTO notification_outbox (dedupe_key, item_id, kind, channel, recipient, payload)
     SELECT 'update:' || m.id || ':' || v.version, m.item_id, 'update', 'slack', m.channel,
            jsonb_build_object('type', 'item-update', 'itemId', m.item_id, 'slackMessageId', m.id)
     FROM unnest($1::uuid[]) WITH ORDINALITY AS asked(item_id, position)
     JOIN LATERAL (SELECT ${ITEM_VERSION_SQL} AS version FROM items i WHERE i.id = asked.item_id) v ON true
     JOIN slack_messages m ON m.item_id = asked.item_id AND m.role = 'alert'
     ORDER BY asked.position, m.id
     ON CONFLICT (dedupe_key) DO NOTHING`,
    [itemIds],
  );
  return rowCount ?? 0;
}
