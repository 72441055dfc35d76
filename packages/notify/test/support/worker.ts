import type { Pool } from '@earshot/db';
import { Registry } from 'prom-client';
import { testLogger } from '../../../../test/support/logger.js';
import type { SlackCall } from '../../../../test/support/slack-stub.js';
import { enqueueNotification, startNotificationWorker, type NotificationWorker, type NotificationWorkerOptions } from '../../src/index.js';

/** Fast settings for tests: short polls, pacing and backoff; the policies themselves have unit tests. */
export function startTestWorker(pool: Pool, options: Partial<NotificationWorkerOptions> = {}): NotificationWorker & { metrics: Registry } {
  const metrics = options.metrics ?? new Registry();
  const worker = startNotificationWorker({
    pool,
    logger: testLogger,
    metrics,
    pollIntervalMs: 30,
    publicUrl: 'https://earshot.example.com',
    brands: [{ id: 'acme', name: 'Acme' }],
    ...options,
    retry: { baseDelayMs: 50, maxDelayMs: 200, ...options.retry },
    slackPacing: { channelIntervalMs: 20, ...options.slackPacing },
  });
  return Object.assign(worker, { metrics });
}

export async function enqueueAlert(pool: Pool, itemId: string, channel: string): Promise<boolean> {
  return enqueueNotification(pool, {
    dedupeKey: `alert:${itemId}:${channel}`,
    itemId,
    kind: 'alert',
    channel: channel.startsWith('U') ? 'slack-dm' : 'slack',
    recipient: channel,
    payload: { type: 'item-alert', itemId },
  });
}

/** The item an alert is about: its buttons' block id carries it. */
export function itemIdOf(call: SlackCall): string | undefined {
  const blocks = call.args.blocks as Array<{ type: string; block_id?: string }> | undefined;
  const actions = blocks?.find((block) => block.type === 'actions');
  return actions?.block_id?.replace(/^earshot\.item:/, '');
}

export async function resetOutbox(pool: Pool): Promise<void> {
  await pool.query('TRUNCATE notification_outbox, slack_messages, slack_channel_state RESTART IDENTITY CASCADE');
}

export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const metric = await registry.getSingleMetric(name)?.get();
  return (metric?.values ?? [])
    .filter((value) => Object.entries(labels).every(([key, expected]) => value.labels[key] === expected))
    .reduce((sum, value) => sum + value.value, 0);
}
