import type { Pool } from '@earshot/db';
import type { LockSession } from './lock-session.js';

export interface StoredCursor {
  cursor: unknown;
  /** When the platform allows the next poll (ms since the epoch): pacing and rate-limit waits survive a restart or a takeover. */
  nextPollAt: number | null;
  failures: number;
}

/** `source_cursors`: one row per source. Reads use the pool; writes go through the lock session (see LockSession). */
export async function readCursor(pool: Pool, sourceId: string): Promise<StoredCursor | null> {
  const { rows } = await pool.query<{ cursor: unknown; next_poll_at: Date | null; failures: number }>(
    'SELECT cursor, next_poll_at, failures FROM source_cursors WHERE source_id = $1',
    [sourceId],
  );
  const row = rows[0];
  return row ? { cursor: row.cursor, nextPollAt: row.next_poll_at?.getTime() ?? null, failures: row.failures } : null;
}

/** Moves the cursor: call only once the bus has accepted the poll's mentions. */
export async function saveCursor(session: LockSession, sourceId: string, cursor: unknown, nextPollAt: number): Promise<void> {
  await session.query(
    `INSERT INTO source_cursors (source_id, cursor, updated_at, last_polled_at, next_poll_at, last_error, failures)
     VALUES ($1, $2, now(), now(), to_timestamp($3 / 1000.0), NULL, 0)
     ON CONFLICT (source_id) DO UPDATE
       SET cursor = EXCLUDED.cursor, updated_at = now(), last_polled_at = now(),
           next_poll_at = EXCLUDED.next_poll_at, last_error = NULL, failures = 0`,
    [sourceId, JSON.stringify(cursor), nextPollAt],
  );
}

/**
 * Records a poll that published nothing, without touching the cursor. A rate
 * limit stores when the platform allows the next request, so a restarted or
 * new owner honours it too; a failure counts in `failures` and clears
 * `next_poll_at`, so a restart (say, after fixing a credential) tries at once.
 */
export async function recordFailure(
  session: LockSession,
  sourceId: string,
  outcome: { error: string; rateLimitedUntil: number | null },
): Promise<void> {
  const failed = outcome.rateLimitedUntil === null ? 1 : 0;
  await session.query(
    `INSERT INTO source_cursors (source_id, last_polled_at, next_poll_at, last_error, failures)
     VALUES ($1, now(), to_timestamp($2 / 1000.0), $3, $4)
     ON CONFLICT (source_id) DO UPDATE
       SET last_polled_at = now(), next_poll_at = EXCLUDED.next_poll_at, last_error = EXCLUDED.last_error,
           failures = source_cursors.failures + EXCLUDED.failures`,
    [sourceId, outcome.rateLimitedUntil, outcome.error.slice(0, 1_000), failed],
  );
}
