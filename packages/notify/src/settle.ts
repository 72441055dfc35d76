import { withTransaction, type Pool, type PoolClient } from '@earshot/db';
import type { Logger } from '@earshot/logging';
import type { NotifyMetrics } from './metrics.js';
import { markDead, markRetry, type ClaimedRow } from './outbox.js';
import { decideRetry, DeliveryError, type RetryPolicy } from './retry.js';
import type { RenderContext } from './slack/blocks.js';

/** What delivering one row needs, whatever the channel. */
export interface DeliveryDeps {
  pool: Pool;
  logger: Logger;
  metrics: NotifyMetrics;
  now(): Date;
  random(): number;
  retry: RetryPolicy;
  render: Omit<RenderContext, 'now'>;
}

export function renderContext(deps: DeliveryDeps): RenderContext {
  return { ...deps.render, now: deps.now() };
}

/** A failure no retry can fix: the row is dead at once. */
export function permanent(message: string, code = 'invalid'): DeliveryError {
  return new DeliveryError(message, { retriable: false, code });
}

export function asDeliveryError(error: unknown): DeliveryError {
  if (error instanceof DeliveryError) return error;
  // Our own failure (database, rendering): retried with backoff like an outage.
  return new DeliveryError(error instanceof Error ? error.message : String(error), { retriable: true, code: 'internal', cause: error });
}

/**
 * Retries a database write a few times before giving up. Used for recording
 * what a provider already accepted: losing that write means the row is sent
 * again once its lease runs out.
 */
export async function persistently<T>(work: () => Promise<T>, attempts = 5): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, 200 * 2 ** attempt));
    }
  }
}

/** The provider accepted the message but the database did not take the record of it. */
export class UnrecordedDeliveryError extends Error {
  constructor(cause: unknown) {
    super(`delivered, but the delivery could not be recorded: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'UnrecordedDeliveryError';
  }
}

/**
 * Records what a provider accepted. If the database keeps refusing, the row
 * must not be settled as a failure (that would send it again at once): it
 * stays `sending` and is sent again only when its lease runs out — the one
 * window where a message can go out twice.
 */
export async function recordDelivered(work: () => Promise<void>): Promise<void> {
  try {
    await persistently(work);
  } catch (error) {
    throw new UnrecordedDeliveryError(error);
  }
}

/** Frees what a row held besides itself (a Slack channel), in the transaction that settles the row. */
export type ReleaseHeld = (client: PoolClient, now: Date, retryAfterMs?: number) => Promise<void>;

/**
 * Applies a failed attempt to its row: wait out a rate limit, retry later
 * with backoff, or give up (dead: logged, counted, on the item's timeline).
 */
export async function settleFailure(row: ClaimedRow, error: DeliveryError, deps: DeliveryDeps, release?: ReleaseHeld): Promise<void> {
  const now = deps.now();
  const decision = decideRetry(error, row.attempts, now, deps.retry, deps.random);
  const log = deps.logger.child({ outboxId: row.id, channel: row.channel, kind: row.kind, itemId: row.itemId, code: error.code });
  // Once an attempt may have delivered, every later one checks first, until the row is sent.
  const mayHaveDelivered = error.mayHaveDelivered || row.mayHaveBeenDelivered;
  await persistently(() =>
    withTransaction(deps.pool, async (client) => {
      switch (decision.action) {
        case 'wait':
          await markRetry(client, row.id, { at: decision.at, error: error.message, countsAsAttempt: false, mayHaveDelivered });
          break;
        case 'retry':
          await markRetry(client, row.id, { at: decision.at, error: error.message, countsAsAttempt: true, mayHaveDelivered });
          break;
        case 'dead':
          await markDead(client, row.id, error.message, now);
          if (row.itemId !== null) {
            await client.query(
              `INSERT INTO timeline_events (item_id, at, type, actor_kind, via, message, data)
               VALUES ($1, $2, 'notification_failed', 'system', 'system', $3, $4)`,
              [
                row.itemId,
                now,
                `${row.kind} by ${row.channel} to ${row.recipient} failed for good: ${error.message}`,
                JSON.stringify({ outboxId: row.id, channel: row.channel, recipient: row.recipient, code: error.code, attempts: row.attempts }),
              ],
            );
          }
          break;
      }
      await release?.(client, now, decision.action === 'wait' ? error.retryAfterMs : undefined);
    }),
  );
  switch (decision.action) {
    case 'wait':
      deps.metrics.rateLimited.inc({ channel: row.channel });
      deps.metrics.rateLimitWaitSeconds.inc({ channel: row.channel }, (error.retryAfterMs ?? 0) / 1000);
      log.info({ retryAt: decision.at }, 'rate limited; waiting as asked');
      break;
    case 'retry':
      deps.metrics.failed.inc({ channel: row.channel, retriable: 'true' });
      log.warn({ err: error, attempts: row.attempts, retryAt: decision.at }, 'notification failed; will retry');
      break;
    case 'dead':
      deps.metrics.failed.inc({ channel: row.channel, retriable: 'false' });
      deps.metrics.dead.inc({ channel: row.channel });
      log.error({ err: error, attempts: row.attempts, reason: decision.reason }, 'notification dead: giving up');
      break;
  }
}

/**
 * Counts a delivery and its latency; warns when it may have been a second one
 * (`resent`: by default, when the row's earlier attempt was cut short).
 */
export function countDelivery(row: ClaimedRow, deps: DeliveryDeps, { resent = row.recovered }: { resent?: boolean } = {}): void {
  const now = deps.now();
  deps.metrics.sent.inc({ channel: row.channel });
  deps.metrics.deliverySeconds.observe({ channel: row.channel, kind: row.kind }, Math.max(0, now.getTime() - row.createdAt.getTime()) / 1000);
  if (resent) {
    deps.metrics.uncertainResends.inc({ channel: row.channel });
    deps.logger.warn(
      { outboxId: row.id, channel: row.channel, kind: row.kind, itemId: row.itemId },
      'sent a notification whose earlier attempt was cut short by a dying worker; if that attempt had reached the provider, this is a duplicate',
    );
  }
}
