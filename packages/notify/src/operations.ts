import type { Pool, PoolClient } from '@earshot/db';

export interface DeadNotification {
  id: string;
  itemId: string | null;
  kind: string;
  channel: string;
  recipient: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  deadAt: string | null;
}

/** Notifications given up on, newest first (at most `limit`, 1 … 500), optionally for one item: for the API and operators. */
export async function listDeadNotifications(db: Pool | PoolClient, options: { itemId?: string; limit?: number } = {}): Promise<DeadNotification[]> {
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 100), 1), 500);
  const { rows } = await db.query<{
    id: string;
    item_id: string | null;
    kind: string;
    channel: string;
    recipient: string;
    attempts: number;
    last_error: string | null;
    created_at: Date;
    dead_at: Date | null;
  }>(
    `SELECT id::text, item_id, kind, channel, recipient, attempts, last_error, created_at, dead_at
     FROM notification_outbox WHERE status = 'dead' AND ($1::uuid IS NULL OR item_id = $1)
     ORDER BY dead_at DESC NULLS LAST, id DESC LIMIT $2`,
    [options.itemId ?? null, limit],
  );
  return rows.map((row) => ({
    id: row.id,
    itemId: row.item_id,
    kind: row.kind,
    channel: row.channel,
    recipient: row.recipient,
    attempts: row.attempts,
    lastError: row.last_error,
    createdAt: row.created_at.toISOString(),
    deadAt: row.dead_at?.toISOString() ?? null,
  }));
}

/**
 * Gives dead notifications a fresh set of attempts (after an outage longer
 * than the retry budget, or once a channel was fixed). Only dead rows are
 * touched; returns how many were requeued.
 */
export async function requeueDeadNotifications(db: Pool | PoolClient, ids: readonly string[]): Promise<number> {
  const { rowCount } = await db.query(
    `UPDATE notification_outbox SET status = 'pending', attempts = 0, next_attempt_at = now(), dead_at = NULL
     WHERE status = 'dead' AND id = ANY($1::bigint[])`,
    [ids],
  );
  return rowCount ?? 0;
}
