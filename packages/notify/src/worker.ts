import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Pool } from '@earshot/db';
import type { Logger } from '@earshot/logging';
import type { Registry } from 'prom-client';
import { deliverEmailRow, messageIdDomainOf } from './email/deliver.js';
import { createEmailSender, type EmailSender, type EmailSettings } from './email/transport.js';
import { notifyMetrics } from './metrics.js';
import { claimEmailRows, claimSlackRows, outboxDepth, type ClaimedRow } from './outbox.js';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from './retry.js';
import type { DeliveryDeps } from './settle.js';
import { createSlackApi, type SlackApi, type SlackSettings } from './slack/client.js';
import { deliverSlackRow } from './slack/deliver.js';
import { DEFAULT_SLACK_PACING, type SlackPacingPolicy } from './slack/pacing.js';

/** How long a finished send waits for others to finish before the next claim round, in ms. */
const COALESCE_MS = 5;

export interface NotificationWorkerOptions {
  pool: Pool;
  logger: Logger;
  /** The process's registry; the notification metrics are registered on it once. */
  metrics: Registry;
  /** Slack off when absent: Slack rows wait in the outbox. */
  slack?: SlackSettings;
  /** Email off when absent: email rows wait in the outbox. */
  email?: EmailSettings;
  /** Base URL for links to items: `${publicUrl}/items/<id>`. */
  publicUrl?: string;
  /** Brand names for messages (`config.brands`); ids are shown otherwise. */
  brands?: ReadonlyArray<{ id: string; name: string }>;
  now?: () => Date;
  /** How often to look for due rows, in ms (default 250). A finished send looks again at once. */
  pollIntervalMs?: number;
  /** How long a claimed row is this worker's, in ms (default 120 000); longer than any one send may take. */
  leaseMs?: number;
  /** Rows in flight at once, all channels together (default 16). */
  maxInFlight?: number;
  retry?: Partial<RetryPolicy>;
  slackPacing?: Partial<SlackPacingPolicy>;
  /** Shown in `notification_outbox.claimed_by`; default host:pid:random. */
  workerId?: string;
}

export interface NotificationWorker {
  /** Stops claiming, waits for the sends in flight to finish and be recorded, closes the SMTP pool. */
  stop(): Promise<void>;
}

/**
 * Sends the outbox: claims due rows (FOR UPDATE SKIP LOCKED, with a lease),
 * sends each by Slack or email, and records the outcome. Any number of
 * workers may run against one database; each row is sent by one of them.
 */
export function startNotificationWorker(options: NotificationWorkerOptions): NotificationWorker {
  const { pool } = options;
  const logger = options.logger.child({ component: 'notification-worker' });
  const now = options.now ?? (() => new Date());
  const pollIntervalMs = options.pollIntervalMs ?? 250;
  const leaseMs = options.leaseMs ?? 120_000;
  const maxInFlight = options.maxInFlight ?? 16;
  const workerId = options.workerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  const pacing: SlackPacingPolicy = { ...DEFAULT_SLACK_PACING, ...options.slackPacing };
  const brandNames = new Map((options.brands ?? []).map((brand) => [brand.id, brand.name]));
  const deps: DeliveryDeps = {
    pool,
    logger,
    metrics: notifyMetrics(options.metrics, () => outboxDepth(pool)),
    now,
    random: Math.random,
    retry: { ...DEFAULT_RETRY_POLICY, ...options.retry },
    render: { ...(options.publicUrl ? { publicUrl: options.publicUrl } : {}), brandName: (id) => brandNames.get(id) ?? id },
  };
  const slack: SlackApi | null = options.slack ? createSlackApi(options.slack, logger) : null;
  const email: EmailSender | null = options.email ? createEmailSender(options.email, logger) : null;
  const messageIdDomain = options.email ? messageIdDomainOf(options.email.from) : '';
  if (!slack && !email) logger.warn('neither Slack nor email is configured: notifications wait in the outbox');

  const inFlight = new Set<Promise<void>>();
  let stopping = false;
  let timer: NodeJS.Timeout | null = null;
  let timerAt = 0;
  let ticking: Promise<void> | null = null;
  let tickAgain = false;

  const deliver = (row: ClaimedRow): Promise<void> =>
    row.channel === 'email' ? deliverEmailRow(row, { ...deps, email: email!, messageIdDomain }) : deliverSlackRow(row, { ...deps, slack: slack!, pacing });

  const claim = async (): Promise<ClaimedRow[]> => {
    const claimOptions = { now: now(), leaseMs, workerId };
    const free = maxInFlight - inFlight.size;
    const slackRows = slack ? await claimSlackRows(pool, { ...claimOptions, limit: free, pacing }) : [];
    const emailRows = email ? await claimEmailRows(pool, { ...claimOptions, limit: free - slackRows.length }) : [];
    return [...slackRows, ...emailRows];
  };

  const tick = async (): Promise<void> => {
    try {
      for (const row of await claim()) {
        const running = deliver(row).finally(() => {
          inFlight.delete(running);
          // A free slot: claim again soon. Sends finishing together share one claim round.
          schedule(COALESCE_MS);
        });
        inFlight.add(running);
      }
    } catch (error) {
      // Database unreachable: rows stay where they are; try again at the next poll.
      logger.warn({ err: error }, 'could not claim notifications');
    }
  };

  /** Runs a claim round in `delayMs`, unless one is due sooner. */
  function schedule(delayMs: number): void {
    if (stopping) return;
    const at = Date.now() + delayMs;
    if (timer && timerAt <= at) return;
    if (timer) clearTimeout(timer);
    timerAt = at;
    timer = setTimeout(() => {
      timer = null;
      wake();
    }, delayMs);
  }

  /** Runs one claim round now (or right after the one running), then polls again later. */
  function wake(): void {
    if (stopping) return;
    if (ticking) {
      tickAgain = true;
      return;
    }
    ticking = tick().finally(() => {
      ticking = null;
      if (tickAgain) {
        tickAgain = false;
        wake();
      } else schedule(pollIntervalMs);
    });
  }

  wake();
  logger.info({ workerId, slack: slack !== null, email: email !== null }, 'notification worker started');

  return {
    async stop() {
      if (stopping) return;
      stopping = true;
      if (timer) clearTimeout(timer);
      await ticking;
      await Promise.all(inFlight);
      email?.close();
      logger.info({ workerId }, 'notification worker stopped');
    },
  };
}
