import type { Bus } from '@earshot/bus';
import { RateLimitedError, type Connector, type PollResult } from '@earshot/connectors';
import type { Pool } from '@earshot/db';
import { mentionId } from '@earshot/domain';
import type { Logger } from '@earshot/logging';
import { ExponentialBackoff, type IBackoff } from 'cockatiel';
import { readCursor, recordFailure, saveCursor } from './cursor-store.js';
import type { LockSession } from './lock-session.js';
import type { IngestorMetrics } from './metrics.js';

export interface RunnerSettings {
  lockRetryMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
}

export interface RunnerDeps {
  connector: Connector;
  pool: Pool;
  bus: Bus;
  logger: Logger;
  metrics: IngestorMetrics;
  settings: RunnerSettings;
  /** The replica's lock session, opened again when it was lost; throws while the database is unreachable. */
  session: () => Promise<LockSession>;
  now: () => number;
}

/** Rate-limit waits get up to this share added at random (at most MAX_RATE_LIMIT_JITTER_MS). */
const RATE_LIMIT_JITTER_SHARE = 0.1;
const MAX_RATE_LIMIT_JITTER_MS = 30_000;

/**
 * Runs one source: takes its lock (or retries every `lockRetryMs` while
 * another replica holds it), then polls, publishes, and moves the cursor —
 * in that order, and the cursor only through the lock session — waiting what
 * the connector or the backoff says between polls.
 */
export class SourceRunner {
  private readonly labels: { source: string; platform: string };
  private readonly backoff: ExponentialBackoff<unknown>;
  private stopping = false;
  private wake: (() => void) | null = null;
  private loop: Promise<void> | null = null;
  private owner: LockSession | null = null;
  private cursor: unknown = null;
  private failures: IBackoff<unknown> | null = null;
  /** Aborts the platform requests of the poll in hand (not its publish or cursor update) when the runner stops. */
  private fetching: AbortController | null = null;

  constructor(private readonly deps: RunnerDeps) {
    this.labels = { source: deps.connector.sourceId, platform: deps.connector.platform };
    this.backoff = new ExponentialBackoff({ initialDelay: deps.settings.minBackoffMs, maxDelay: deps.settings.maxBackoffMs });
    deps.metrics.owned.set(this.labels, 0);
  }

  get sourceId(): string {
    return this.labels.source;
  }

  start(): void {
    this.loop ??= this.run();
  }

  /**
   * Stops scheduling and lets the poll in hand finish: what it already
   * fetched is published and its cursor saved; requests still waiting on the
   * platform are abandoned (the next owner asks them again). Then releases the lock.
   */
  async stop(): Promise<void> {
    this.stopping = true;
    this.fetching?.abort();
    this.wake?.();
    await this.loop;
    await this.release();
  }

  private async run(): Promise<void> {
    const { logger } = this.deps;
    let delay = 0;
    while (!this.stopping) {
      if (!this.owner?.alive) {
        if (this.owner) await this.release();
        delay = await this.takeOwnership();
        if (!this.owner) {
          await this.sleep(this.deps.settings.lockRetryMs);
          continue;
        }
      }
      await this.sleep(delay);
      if (this.stopping || !this.owner?.alive) continue;
      try {
        delay = await this.pollOnce(this.owner);
      } catch (error) {
        // A bug, not a platform failure: keep the source alive and the cursor where it is.
        logger.error({ err: error }, 'unexpected failure while polling');
        delay = this.deps.settings.maxBackoffMs;
      }
    }
  }

  /** Returns the wait before the first poll as owner, or leaves `owner` null. */
  private async takeOwnership(): Promise<number> {
    const { logger, metrics, pool } = this.deps;
    let locked: LockSession | null = null;
    try {
      const session = await this.deps.session();
      if (!(await session.tryLock(this.labels.source))) return 0;
      locked = session;
      const stored = await readCursor(pool, this.labels.source);
      this.owner = session;
      this.cursor = stored?.cursor ?? null;
      this.failures = null;
      metrics.owned.set(this.labels, 1);
      const delay = Math.max(0, (stored?.nextPollAt ?? 0) - this.deps.now());
      logger.info({ resumesInMs: delay, firstRun: stored?.cursor == null }, 'owning the source');
      return delay;
    } catch (error) {
      if (locked?.alive) await locked.unlock(this.labels.source).catch(() => undefined);
      logger.warn({ err: error }, 'cannot take the source lock; trying again later');
      return 0;
    }
  }

  private async release(): Promise<void> {
    const session = this.owner;
    this.owner = null;
    this.deps.metrics.owned.set(this.labels, 0);
    if (session?.alive) await session.unlock(this.labels.source).catch(() => undefined);
    // A firehose connection kept open would go on reading for a replica that no longer owns the source.
    await this.deps.connector.close();
  }

  private async pollOnce(session: LockSession): Promise<number> {
    const { connector, bus, logger, metrics } = this.deps;
    let result: PollResult;
    const fetching = new AbortController();
    try {
      this.fetching = fetching;
      result = await connector.poll({ cursor: this.cursor, signal: fetching.signal });
      this.fetching = null;
      if (result.mentions.length > 0) {
        await bus.publish(
          'mentions.raw',
          result.mentions.map((mention) => ({ key: mentionId(mention), value: mention })),
        );
      }
      // Only now, with the mentions accepted, may the cursor move.
      await saveCursor(session, this.labels.source, result.cursor, this.deps.now() + result.waitMs);
    } catch (error) {
      this.fetching = null;
      if (fetching.signal.aborted) {
        logger.info('stopping: the poll in hand was still fetching and is left for the next owner');
        return 0;
      }
      return this.failed(session, error);
    }
    this.cursor = result.cursor;
    this.failures = null;
    metrics.polls.inc({ ...this.labels, outcome: 'ok' });
    metrics.mentions.inc(this.labels, result.mentions.length);
    metrics.fetched.inc(this.labels, result.fetched);
    metrics.skipped.inc(this.labels, result.skipped);
    if (result.newestPostAt !== undefined) metrics.sawPostAt(this.labels, result.newestPostAt);
    logger.debug({ fetched: result.fetched, published: result.mentions.length, skipped: result.skipped, waitMs: result.waitMs }, 'polled');
    return result.waitMs;
  }

  private async failed(session: LockSession, error: unknown): Promise<number> {
    const { logger, metrics } = this.deps;
    let delay: number;
    if (error instanceof RateLimitedError) {
      const asked = error.retryAfterMs;
      // Many sources (and replicas) told to come back at the same second should not all come back at once.
      delay = asked === undefined ? this.nextBackoff() : asked + Math.random() * Math.min(asked * RATE_LIMIT_JITTER_SHARE, MAX_RATE_LIMIT_JITTER_MS);
      metrics.polls.inc({ ...this.labels, outcome: 'rate_limited' });
      metrics.rateLimitWaits.inc(this.labels);
      metrics.rateLimitWaitSeconds.inc(this.labels, delay / 1000);
      logger.warn({ waitMs: Math.round(delay), reason: error.message }, 'rate limited; waiting');
    } else {
      const retriable = (error as { retriable?: unknown }).retriable !== false;
      const asked = (error as { retryAfterMs?: number }).retryAfterMs ?? 0;
      delay = retriable ? Math.max(this.nextBackoff(), asked) : this.deps.settings.maxBackoffMs;
      metrics.polls.inc({ ...this.labels, outcome: 'error' });
      metrics.errors.inc(this.labels);
      logger.warn({ err: error, retriable, waitMs: Math.round(delay) }, 'poll failed; the cursor stays where it was');
    }
    const rateLimitedUntil = error instanceof RateLimitedError ? this.deps.now() + delay : null;
    await recordFailure(session, this.labels.source, { error: error instanceof Error ? error.message : String(error), rateLimitedUntil }).catch(
      (storeError: unknown) => logger.warn({ err: storeError }, 'could not record the failure'),
    );
    return delay;
  }

  /** Exponential backoff with decorrelated jitter, reset by the next good poll. */
  private nextBackoff(): number {
    this.failures = (this.failures ?? this.backoff).next(undefined);
    return this.failures.duration;
  }

  private async sleep(ms: number): Promise<void> {
    if (ms <= 0 || this.stopping) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
    this.wake = null;
  }
}
