import type { DigestConfig, EarshotConfig } from '@earshot/config';
import { withTransaction, type Pool, type PoolClient } from '@earshot/db';
import type { Logger } from '@earshot/logging';
import { computeStats, listTopUrgentItems } from '@earshot/reports';
import cron, { type ScheduledTask } from 'node-cron';
import { enqueueNotification } from './enqueue.js';
import type { DigestReport, NotificationChannel, NotificationRequest } from './payload.js';

/** The window of a digest's first run, when no earlier run is recorded. */
export const FIRST_DIGEST_WINDOW_MS = 24 * 3_600_000;
/** Longest window a digest covers (e.g. after weeks without a running router). */
export const MAX_DIGEST_WINDOW_MS = 92 * 24 * 3_600_000;
const TOP_ITEMS = 5;

export type Enqueue = (client: PoolClient, request: NotificationRequest) => Promise<boolean>;

/** `digests[i].name`, else `digests[i]`: the stable id of a digest in dedupe keys and digest_runs. */
export function digestId(digest: DigestConfig, index: number): string {
  return digest.name ?? `digests[${index}]`;
}

/** `slack:C0123` → Slack channel C0123; `email:a@b.c` → email to a@b.c. */
export function digestRecipient(to: string): { channel: NotificationChannel; recipient: string } {
  const at = to.indexOf(':');
  const scheme = to.slice(0, at);
  const recipient = to.slice(at + 1);
  if (scheme === 'slack') return { channel: 'slack', recipient };
  if (scheme === 'email') return { channel: 'email', recipient };
  throw new Error(`digest recipient "${to}" must be slack:CHANNEL or email:ADDRESS`);
}

/** Where a run's window starts: the previous run, else a day back, and never further back than MAX_DIGEST_WINDOW_MS. */
export function digestWindowStart(scheduledAt: Date, previousRun: Date | null): Date {
  const earliest = scheduledAt.getTime() - MAX_DIGEST_WINDOW_MS;
  const start = previousRun === null ? scheduledAt.getTime() - FIRST_DIGEST_WINDOW_MS : previousRun.getTime();
  return new Date(Math.max(start, earliest));
}

export interface RunDigestOptions {
  pool: Pool;
  config: Pick<EarshotConfig, 'brands'>;
  digest: DigestConfig;
  index: number;
  /** The time the schedule fired for (whole seconds): the same on every replica. */
  scheduledAt: Date;
  now?: Date;
  enqueue?: Enqueue;
}

/**
 * Computes one digest and enqueues it for each recipient, once whatever the
 * number of replicas: the run's row in digest_runs is inserted in the same
 * transaction, so a second replica waits for the first and then finds the
 * run done (and the dedupe key per run and recipient guards the outbox too).
 * Returns the number of notifications enqueued, or null when the run was done already.
 */
export async function runDigest(options: RunDigestOptions): Promise<number | null> {
  const id = digestId(options.digest, options.index);
  const to = options.scheduledAt;
  const enqueue = options.enqueue ?? enqueueNotification;
  return withTransaction(options.pool, async (client) => {
    const previous = await client.query<{ at: Date | null }>('SELECT max(scheduled_at) AS at FROM digest_runs WHERE digest_id = $1 AND scheduled_at < $2', [id, to]);
    const from = digestWindowStart(to, previous.rows[0]?.at ?? null);
    const inserted = await client.query(
      `INSERT INTO digest_runs (digest_id, scheduled_at, window_from, window_to, recipients) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (digest_id, scheduled_at) DO NOTHING`,
      [id, to, from, to, options.digest.to.length],
    );
    if (inserted.rowCount !== 1) return null;
    const brand = options.digest.brands;
    const window = { from, to, ...(brand ? { brand } : {}) };
    const stats = await computeStats(client, { ...window, brands: options.config.brands, now: options.now ?? new Date() });
    const topItems = await listTopUrgentItems(client, { ...window, limit: TOP_ITEMS });
    const report: DigestReport = {
      id,
      name: options.digest.name ?? 'Earshot digest',
      scheduledAt: to.toISOString(),
      timezone: options.digest.timezone,
      stats,
      topItems,
    };
    let enqueued = 0;
    for (const target of options.digest.to) {
      const { channel, recipient } = digestRecipient(target);
      const added = await enqueue(client, {
        dedupeKey: `digest:${id}:${to.toISOString()}:${target}`,
        itemId: null,
        kind: 'digest',
        channel,
        recipient,
        payload: { type: 'digest', digest: report },
      });
      if (added) enqueued += 1;
    }
    return enqueued;
  });
}

export interface DigestsOptions {
  config: Pick<EarshotConfig, 'digests' | 'brands'>;
  pool: Pool;
  logger: Logger;
  now?: () => Date;
  /** How a digest reaches the outbox; enqueueNotification by default. */
  enqueue?: Enqueue;
}

export interface RunningDigests {
  /** Stops the schedules and waits for a digest being computed. */
  stop(): Promise<void>;
}

/**
 * Schedules each `config.digests` entry with node-cron in its time zone. Every
 * replica schedules them; runDigest makes each run happen once. A run missed
 * while no replica was up is not made up for: the next run's window starts at
 * the last run that happened, so its digest covers the gap.
 */
export function startDigests(options: DigestsOptions): RunningDigests {
  const logger = options.logger.child({ component: 'digests' });
  const running = new Set<Promise<unknown>>();
  const tasks: ScheduledTask[] = options.config.digests.map((digest, index) => {
    const id = digestId(digest, index);
    return cron.schedule(
      digest.cron,
      (context) => {
        // node-cron hands the time the schedule matched, in whole seconds: identical on every replica.
        const scheduledAt = new Date(Math.floor(context.date.getTime() / 1000) * 1000);
        const run = runDigest({
          pool: options.pool,
          config: options.config,
          digest,
          index,
          scheduledAt,
          ...(options.now ? { now: options.now() } : {}),
          ...(options.enqueue ? { enqueue: options.enqueue } : {}),
        })
          .then((enqueued) => {
            if (enqueued !== null) logger.info({ digest: id, scheduledAt, enqueued }, 'digest enqueued');
          })
          .catch((error: unknown) => logger.error({ err: error, digest: id, scheduledAt }, 'digest failed; the next run covers its window'))
          .finally(() => running.delete(run));
        running.add(run);
        return run;
      },
      { timezone: digest.timezone, name: `earshot-digest-${id}`, noOverlap: true },
    );
  });
  if (tasks.length > 0) logger.info({ digests: tasks.length }, 'digests scheduled');
  return {
    async stop() {
      for (const task of tasks) await task.destroy();
      await Promise.all(running);
    },
  };
}
