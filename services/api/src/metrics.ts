import type { Bus } from '@earshot/bus';
import type { Pool } from '@earshot/db';
import type { Logger } from '@earshot/logging';
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

export interface ApiMetrics {
  observeRequest(labels: { method: string; route: string; status: number }, seconds: number): void;
  countStateChange(labels: { action: string; via: string }): void;
}

/**
 * The api's figures on the process registry. Request and state-change
 * counts are this replica's; the gauges read the shared database when
 * Prometheus scrapes, so every replica reports the same whole-system value
 * (aggregate them with max, not sum).
 */
export function registerApiMetrics(registry: Registry, pool: Pool, bus: Bus, logger: Logger): ApiMetrics {
  const requests = new Histogram({
    name: 'earshot_api_request_duration_seconds',
    help: 'API requests by route and status, with their duration in seconds',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const stateChanges = new Counter({
    name: 'earshot_item_state_changes_total',
    help: 'Item changes applied through the API or Slack (ack, handled, snooze, reassign)',
    labelNames: ['action', 'via'],
    registers: [registry],
  });

  /** A scrape must not fail because the database is slow or down: keep the last values and say why. */
  // prom-client calls `collect` with the gauge as `this`.
  const readInto = (what: string, read: () => Promise<Array<{ labels: Record<string, string>; value: number }>>) =>
    async function collect(this: Gauge) {
      try {
        const samples = await read();
        this.reset();
        for (const sample of samples) this.set(sample.labels, sample.value);
      } catch (error) {
        logger.warn({ err: error, metric: what }, 'could not read a metric from the database');
      }
    };

  new Gauge({
    name: 'earshot_items_sla_breached',
    help: 'Unhandled items past their SLA deadline now, by clock (ack: not acknowledged in time; handle: not handled in time)',
    labelNames: ['clock'],
    registers: [registry],
    collect: readInto('earshot_items_sla_breached', async () => {
      const { rows } = await pool.query<{ ack: number; handle: number }>(
        `SELECT count(*) FILTER (WHERE acknowledged_at IS NULL AND ack_due_at < now())::int AS ack,
                count(*) FILTER (WHERE handle_due_at < now())::int AS handle
           FROM items WHERE state <> 'handled' AND sla_applies`,
      );
      return [
        { labels: { clock: 'ack' }, value: rows[0]?.ack ?? 0 },
        { labels: { clock: 'handle' }, value: rows[0]?.handle ?? 0 },
      ];
    }),
  });

  // Delivery depth per status is notify's (earshot_notification_outbox_depth); this is the failing part, by channel.
  new Gauge({
    name: 'earshot_notification_failures',
    help: 'Notifications failing now, by channel: retrying (failed at least once, will try again) and dead (given up)',
    labelNames: ['channel', 'status'],
    registers: [registry],
    collect: readInto('earshot_notification_failures', async () => {
      const { rows } = await pool.query<{ channel: string; status: string; count: number }>(
        `SELECT channel, CASE WHEN status = 'dead' THEN 'dead' ELSE 'retrying' END AS status, count(*)::int AS count
           FROM notification_outbox WHERE status IN ('pending', 'sending', 'dead') AND last_error IS NOT NULL GROUP BY 1, 2`,
      );
      return rows.map((row) => ({ labels: { channel: row.channel, status: row.status }, value: row.count }));
    }),
  });

  // Kafka's lag lives in the brokers (read it with a Kafka exporter); the embedded bus keeps it in PostgreSQL.
  if (bus.kind === 'embedded') {
    new Gauge({
      name: 'earshot_bus_consumer_lag',
      help: 'Messages not yet processed by each consumer group, per topic (embedded bus)',
      labelNames: ['group', 'topic'],
      registers: [registry],
      collect: readInto('earshot_bus_consumer_lag', async () => {
        const { rows } = await pool.query<{ group_id: string; topic: string; lag: string }>(
          // Ids are shared by every topic's log, so lag is a count past the group's position, not an id difference.
          `SELECT o.group_id, o.topic, (SELECT count(*) FROM bus_messages m WHERE m.topic = o.topic AND m.id > o.position) AS lag
             FROM bus_offsets o`,
        );
        return rows.map((row) => ({ labels: { group: row.group_id, topic: row.topic }, value: Number(row.lag) }));
      }),
    });
  }

  return {
    observeRequest(labels, seconds) {
      requests.observe({ method: labels.method, route: labels.route, status: String(labels.status) }, seconds);
    },
    countStateChange(labels) {
      stateChanges.inc(labels);
    },
  };
}
