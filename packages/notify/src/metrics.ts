import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface NotifyMetrics {
  sent: Counter<'channel'>;
  failed: Counter<'channel' | 'retriable'>;
  dead: Counter<'channel'>;
  rateLimited: Counter<'channel'>;
  rateLimitWaitSeconds: Counter<'channel'>;
  uncertainResends: Counter<'channel'>;
  deliverySeconds: Histogram<'channel' | 'kind'>;
  outboxDepth: Gauge<'status'>;
}

const byRegistry = new WeakMap<Registry, NotifyMetrics>();

/**
 * The notification metrics on `registry`, created once per registry (several
 * workers in one process share them). `outboxDepth` is filled from the
 * database at scrape time through `collectDepth`.
 */
export function notifyMetrics(registry: Registry, collectDepth: () => Promise<Record<string, number>>): NotifyMetrics {
  const existing = byRegistry.get(registry);
  if (existing) return existing;
  const registers = [registry];
  const metrics: NotifyMetrics = {
    sent: new Counter({ name: 'earshot_notifications_sent_total', help: 'Notifications delivered, by channel', labelNames: ['channel'], registers }),
    failed: new Counter({
      name: 'earshot_notifications_failed_total',
      help: 'Failed delivery attempts (each retry counts), by channel and whether the failure is retried',
      labelNames: ['channel', 'retriable'],
      registers,
    }),
    dead: new Counter({ name: 'earshot_notifications_dead_total', help: 'Notifications given up on (status dead), by channel', labelNames: ['channel'], registers }),
    rateLimited: new Counter({ name: 'earshot_slack_rate_limited_total', help: 'Slack 429 answers', labelNames: ['channel'], registers }),
    rateLimitWaitSeconds: new Counter({
      name: 'earshot_slack_rate_limit_wait_seconds_total',
      help: 'Seconds of Retry-After waits Slack asked for',
      labelNames: ['channel'],
      registers,
    }),
    uncertainResends: new Counter({
      name: 'earshot_notifications_uncertain_resends_total',
      help: 'Rows picked up again after a worker died mid-send: the earlier attempt may have been delivered',
      labelNames: ['channel'],
      registers,
    }),
    deliverySeconds: new Histogram({
      name: 'earshot_notification_delivery_seconds',
      help: 'From enqueue to delivery',
      labelNames: ['channel', 'kind'],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600],
      registers,
    }),
    outboxDepth: new Gauge({
      name: 'earshot_notification_outbox_depth',
      help: 'Outbox rows waiting (pending), in flight (sending) and given up on (dead)',
      labelNames: ['status'],
      registers,
      async collect() {
        const depth = await collectDepth().catch(() => null);
        if (depth === null) return;
        for (const status of ['pending', 'sending', 'dead']) this.set({ status }, depth[status] ?? 0);
      },
    }),
  };
  byRegistry.set(registry, metrics);
  return metrics;
}
