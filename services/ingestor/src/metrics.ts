import { Counter, Gauge, type Registry } from 'prom-client';

const LABELS = ['source', 'platform'] as const;
type Labels = Record<(typeof LABELS)[number], string>;

/** Newest post seen per source, read when Prometheus scrapes (lag keeps growing while a source is stuck). */
const newestPostAtByRegistry = new WeakMap<Registry, Map<string, { labels: Labels; at: number }>>();

function counter(registry: Registry, name: string, help: string, labelNames: readonly string[] = LABELS): Counter<string> {
  return (registry.getSingleMetric(name) as Counter<string> | undefined) ?? new Counter({ name, help, labelNames, registers: [registry] });
}

/** Per-source ingestor metrics on the process registry (one set, shared by every ingestor the process runs). */
export class IngestorMetrics {
  readonly polls: Counter<string>;
  readonly mentions: Counter<string>;
  readonly fetched: Counter<string>;
  readonly skipped: Counter<string>;
  readonly errors: Counter<string>;
  readonly rateLimitWaits: Counter<string>;
  readonly rateLimitWaitSeconds: Counter<string>;
  readonly owned: Gauge<string>;
  private readonly newestPostAt: Map<string, { labels: Labels; at: number }>;

  constructor(registry: Registry, now: () => number) {
    this.polls = counter(registry, 'earshot_ingestor_polls_total', 'Polls per source, by outcome (ok, error, rate_limited)', [...LABELS, 'outcome']);
    this.mentions = counter(registry, 'earshot_ingestor_mentions_total', 'Mentions published to mentions.raw');
    this.fetched = counter(registry, 'earshot_ingestor_posts_fetched_total', 'Posts fetched from the platform, matching or not');
    this.skipped = counter(registry, 'earshot_ingestor_items_skipped_total', 'Malformed items skipped');
    this.errors = counter(registry, 'earshot_ingestor_errors_total', 'Failed polls (rate limits not included)');
    this.rateLimitWaits = counter(registry, 'earshot_ingestor_rate_limit_waits_total', 'Times the platform made the source wait (429, spent quota)');
    this.rateLimitWaitSeconds = counter(registry, 'earshot_ingestor_rate_limit_wait_seconds_total', 'Seconds of waiting imposed by rate limits');
    this.owned =
      (registry.getSingleMetric('earshot_ingestor_source_owned') as Gauge<string> | undefined) ??
      new Gauge({ name: 'earshot_ingestor_source_owned', help: '1 while this replica owns the source (holds its lock)', labelNames: LABELS, registers: [registry] });

    let newest = newestPostAtByRegistry.get(registry);
    if (!newest) {
      const tracked = new Map<string, { labels: Labels; at: number }>();
      newest = tracked;
      newestPostAtByRegistry.set(registry, tracked);
      new Gauge({
        name: 'earshot_ingestor_lag_seconds',
        help: 'Seconds since the creation of the newest post seen from the source',
        labelNames: LABELS,
        registers: [registry],
        collect() {
          for (const { labels, at } of tracked.values()) this.set(labels, Math.max(0, (now() - at) / 1000));
        },
      });
    }
    this.newestPostAt = newest;
  }

  sawPostAt(labels: Labels, at: number): void {
    const current = this.newestPostAt.get(labels.source);
    if (!current || at > current.at) this.newestPostAt.set(labels.source, { labels, at });
  }
}
