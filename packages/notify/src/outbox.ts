import { withTransaction, type Pool, type PoolClient } from '@earshot/db';
import type { NotificationChannel, NotificationKind } from './payload.js';
import { isChannelReady, takeChannel, type BurstState, type ChannelPace, type SlackPacingPolicy } from './slack/pacing.js';

/** One claimed outbox row, leased to this worker until `leaseUntil`. */
export interface ClaimedRow {
  id: string;
  dedupeKey: string;
  itemId: string | null;
  kind: NotificationKind;
  channel: NotificationChannel;
  recipient: string;
  payload: unknown;
  /** Tries so far, this one included (rate-limit waits excluded). */
  attempts: number;
  createdAt: Date;
  /** The row was `sending` under a lease that ran out: a worker died mid-send, so this may be a second delivery. */
  recovered: boolean;
  /** When the row's first attempt began (this one, on the first): no earlier attempt can have delivered before it. */
  firstAttemptAt: Date;
  /** An earlier attempt may have delivered: it was cut short (`recovered`) or failed in a way that left the outcome unknown. */
  mayHaveBeenDelivered: boolean;
  /** Slack rows: the pace this claim set on the row's channel, which the worker releases after its call. */
  pace?: ChannelPace;
}

interface ClaimedDbRow {
  id: string;
  dedupe_key: string;
  item_id: string | null;
  kind: NotificationKind;
  channel: NotificationChannel;
  recipient: string;
  payload: unknown;
  attempts: number;
  created_at: Date;
  recovered: boolean;
  first_attempt_at: Date;
  may_have_been_delivered: boolean;
}

const toClaimed = (row: ClaimedDbRow): ClaimedRow => ({
  id: row.id,
  dedupeKey: row.dedupe_key,
  itemId: row.item_id,
  kind: row.kind,
  channel: row.channel,
  recipient: row.recipient,
  payload: row.payload,
  attempts: row.attempts,
  createdAt: row.created_at,
  recovered: row.recovered,
  firstAttemptAt: row.first_attempt_at,
  mayHaveBeenDelivered: row.may_have_been_delivered,
});

/** Due: pending and its time has come, or `sending` under a lease that ran out. */
const DUE = `((o.status = 'pending' AND o.next_attempt_at <= $1) OR (o.status = 'sending' AND o.lease_until <= $1))`;

interface ClaimOptions {
  now: Date;
  leaseMs: number;
  workerId: string;
  limit: number;
}

async function leaseRows(client: PoolClient, ids: string[], options: ClaimOptions): Promise<ClaimedRow[]> {
  if (ids.length === 0) return [];
  const { rows } = await client.query<ClaimedDbRow>(
    `UPDATE notification_outbox o
     SET status = 'sending', attempts = o.attempts + 1, lease_until = $2, claimed_by = $3, last_attempt_at = $1,
         first_attempt_at = coalesce(o.first_attempt_at, $1)
     FROM (SELECT id, status = 'sending' AS recovered, delivery_uncertain
           FROM notification_outbox WHERE id = ANY($4::bigint[])) previous
     WHERE o.id = previous.id
     RETURNING o.id::text, o.dedupe_key, o.item_id, o.kind, o.channel, o.recipient, o.payload, o.attempts, o.created_at,
               o.first_attempt_at, previous.recovered, previous.recovered OR previous.delivery_uncertain AS may_have_been_delivered`,
    [options.now, new Date(options.now.getTime() + options.leaseMs), options.workerId, ids],
  );
  return rows.map(toClaimed);
}

/**
 * Claims due email rows. FOR UPDATE SKIP LOCKED: concurrent workers claim
 * disjoint rows, and the lease keeps a claimed row away from them until this
 * worker finishes it or dies.
 */
export async function claimEmailRows(pool: Pool, options: ClaimOptions): Promise<ClaimedRow[]> {
  if (options.limit <= 0) return [];
  return withTransaction(pool, async (client) => {
    const { rows } = await client.query<{ id: string }>(
      `SELECT o.id::text FROM notification_outbox o
       WHERE o.channel = 'email' AND ${DUE}
       ORDER BY o.next_attempt_at, o.id LIMIT $2 FOR UPDATE SKIP LOCKED`,
      [options.now, options.limit],
    );
    return leaseRows(client, rows.map((row) => row.id), options);
  });
}

/**
 * Claims at most one due row per ready Slack channel: the oldest. A channel
 * is ready when its pace allows and no worker is calling Slack for it
 * (`slack_channel_state`, locked with SKIP LOCKED, so replicas share one
 * pace per channel). Taking a channel marks it busy for the lease and pushes
 * its next call one interval out.
 */
export async function claimSlackRows(pool: Pool, options: ClaimOptions & { pacing: SlackPacingPolicy }): Promise<ClaimedRow[]> {
  if (options.limit <= 0) return [];
  return withTransaction(pool, async (client) => {
    // Per channel with due rows (a hash aggregate: no sort of the whole backlog), the ready ones, most overdue
    // first; then each one's oldest due row through the (recipient, next_attempt_at) index.
    const { rows: candidates } = await client.query<{ id: string; recipient: string }>(
      `SELECT oldest.id, due.recipient
       FROM (
         SELECT o.recipient, min(o.next_attempt_at) AS first_due
         FROM notification_outbox o WHERE o.channel IN ('slack', 'slack-dm') AND ${DUE} GROUP BY o.recipient
       ) due
       LEFT JOIN slack_channel_state s ON s.channel_key = due.recipient
       CROSS JOIN LATERAL (
         SELECT o.id::text AS id FROM notification_outbox o
         WHERE o.recipient = due.recipient AND o.channel IN ('slack', 'slack-dm') AND ${DUE}
         ORDER BY o.next_attempt_at, o.id LIMIT 1
       ) oldest
       WHERE s.channel_key IS NULL OR (s.next_post_at <= $1 AND (s.busy_until IS NULL OR s.busy_until <= $1))
       ORDER BY due.first_due LIMIT $2`,
      [options.now, options.limit],
    );
    if (candidates.length === 0) return [];
    const keys = candidates.map((candidate) => candidate.recipient);
    await client.query('INSERT INTO slack_channel_state (channel_key) SELECT unnest($1::text[]) ON CONFLICT (channel_key) DO NOTHING', [keys]);
    const { rows: channels } = await client.query<{ channel_key: string; next_post_at: Date; busy_until: Date | null }>(
      'SELECT channel_key, next_post_at, busy_until FROM slack_channel_state WHERE channel_key = ANY($1::text[]) FOR UPDATE SKIP LOCKED',
      [keys],
    );
    // Another replica may have taken a channel between the two reads: the locked row is the truth.
    const ready = new Set(
      channels.filter((channel) => isChannelReady({ nextPostAt: channel.next_post_at, busyUntil: channel.busy_until }, options.now)).map((c) => c.channel_key),
    );
    const { rows: lockable } = await client.query<{ id: string }>(
      `SELECT o.id::text FROM notification_outbox o WHERE o.id = ANY($2::bigint[]) AND ${DUE} FOR UPDATE SKIP LOCKED`,
      [options.now, candidates.filter((candidate) => ready.has(candidate.recipient)).map((candidate) => candidate.id)],
    );
    const claimedIds = new Set(lockable.map((row) => row.id));
    const claimed = candidates.filter((candidate) => claimedIds.has(candidate.id));
    const pace = takeChannel(options.now, options.leaseMs, options.pacing);
    await client.query(
      `UPDATE slack_channel_state s SET next_post_at = $3, busy_until = $4, busy_outbox_id = taken.id, updated_at = $5
       FROM unnest($1::text[], $2::bigint[]) AS taken(channel_key, id) WHERE s.channel_key = taken.channel_key`,
      [claimed.map((candidate) => candidate.recipient), claimed.map((candidate) => candidate.id), pace.nextPostAt, pace.busyUntil, options.now],
    );
    const leased = await leaseRows(client, [...claimedIds], options);
    return leased.map((row) => ({ ...row, pace }));
  });
}

export type Db = Pool | PoolClient;

export async function markSent(db: Db, rowId: string, providerRef: string, now: Date): Promise<void> {
  // Whatever the lease: if it ran out and another worker also sent the row, it is sent all the same.
  await db.query(
    `UPDATE notification_outbox SET status = 'sent', provider_ref = $2, sent_at = $3, lease_until = NULL, last_error = NULL
     WHERE id = $1 AND status <> 'sent'`,
    [rowId, providerRef, now],
  );
}

/**
 * Back to pending for a later attempt. A rate-limit wait gives back the
 * attempt its claim counted. `mayHaveDelivered` (this attempt's request may
 * have been acted on) stays set on the row until it is sent.
 */
export async function markRetry(
  db: Db,
  rowId: string,
  options: { at: Date; error: string; countsAsAttempt: boolean; mayHaveDelivered: boolean },
): Promise<void> {
  await db.query(
    `UPDATE notification_outbox SET status = 'pending', next_attempt_at = $2, last_error = $3, lease_until = NULL,
       attempts = CASE WHEN $4 THEN attempts ELSE greatest(attempts - 1, 0) END,
       delivery_uncertain = delivery_uncertain OR $5
     WHERE id = $1 AND status = 'sending'`,
    [rowId, options.at, options.error, options.countsAsAttempt, options.mayHaveDelivered],
  );
}

export async function markDead(db: Db, rowId: string, error: string, now: Date): Promise<void> {
  await db.query(
    `UPDATE notification_outbox SET status = 'dead', last_error = $2, dead_at = $3, lease_until = NULL WHERE id = $1 AND status = 'sending'`,
    [rowId, error, now],
  );
}

/** Frees a Slack channel after a call; `pace` comes from releaseChannel. */
export async function saveChannelPace(db: Db, channelKey: string, rowId: string, pace: ChannelPace, now: Date): Promise<void> {
  await db.query(
    `UPDATE slack_channel_state SET next_post_at = $3, busy_until = $4, busy_outbox_id = NULL, updated_at = $5
     WHERE channel_key = $1 AND busy_outbox_id = $2`,
    [channelKey, rowId, pace.nextPostAt, pace.busyUntil, now],
  );
}

export async function readChannelState(db: Db, channelKey: string): Promise<{ pace: ChannelPace; burst: BurstState | null }> {
  const { rows } = await db.query<{
    next_post_at: Date;
    busy_until: Date | null;
    burst_channel: string | null;
    burst_ts: string | null;
    burst_last_at: Date | null;
  }>('SELECT next_post_at, busy_until, burst_channel, burst_ts, burst_last_at FROM slack_channel_state WHERE channel_key = $1', [channelKey]);
  const row = rows[0];
  if (!row) return { pace: { nextPostAt: new Date(0), busyUntil: null }, burst: null };
  return {
    pace: { nextPostAt: row.next_post_at, busyUntil: row.busy_until },
    burst: row.burst_channel && row.burst_ts && row.burst_last_at ? { channel: row.burst_channel, ts: row.burst_ts, lastAt: row.burst_last_at } : null,
  };
}

/** Alerts for a channel: posted at the top within the window, and due now (each count capped just past the threshold). */
export async function countChannelAlerts(db: Db, channelKey: string, now: Date, policy: SlackPacingPolicy): Promise<{ recentTopLevel: number; waiting: number }> {
  const cap = policy.burstThreshold + 1;
  const { rows } = await db.query<{ recent: number; waiting: number }>(
    `SELECT
       (SELECT count(*)::int FROM (SELECT 1 FROM slack_messages
          WHERE channel_key = $1 AND thread_ts IS NULL AND role = 'alert' AND posted_at > $2 LIMIT $4) r) AS recent,
       (SELECT count(*)::int FROM (SELECT 1 FROM notification_outbox
          WHERE recipient = $1 AND status = 'pending' AND kind = 'alert' AND next_attempt_at <= $3 LIMIT $4) w) AS waiting`,
    [channelKey, new Date(now.getTime() - policy.burstWindowMs), now, cap],
  );
  return { recentTopLevel: rows[0]!.recent, waiting: rows[0]!.waiting };
}

export async function outboxDepth(pool: Pool): Promise<Record<string, number>> {
  const { rows } = await pool.query<{ status: string; count: number }>(
    `SELECT status, count(*)::int AS count FROM notification_outbox WHERE status IN ('pending', 'sending', 'dead') GROUP BY status`,
  );
  return Object.fromEntries(rows.map((row) => [row.status, row.count]));
}
