import { Counter, Histogram, type Registry } from 'prom-client';

export interface ClassifierMetrics {
  mentions: Counter<'outcome'>;
  categories: Counter<'category' | 'priority'>;
  spikes: Counter<'brand'>;
  batchSeconds: Histogram;
  outboxPublished: Counter<'topic'>;
}

export function createClassifierMetrics(registry: Registry): ClassifierMetrics {
  const registers = [registry];
  return {
    mentions: new Counter({
      name: 'earshot_classifier_mentions_total',
      help: 'Mentions received on mentions.raw, by outcome: stored, redelivered (already stored), spam, burst (near-duplicate)',
      labelNames: ['outcome'],
      registers,
    }),
    categories: new Counter({
      name: 'earshot_classifier_classified_total',
      help: 'Newly stored mentions by category and priority',
      labelNames: ['category', 'priority'],
      registers,
    }),
    spikes: new Counter({
      name: 'earshot_classifier_spikes_total',
      help: 'Spike alerts raised, by brand',
      labelNames: ['brand'],
      registers,
    }),
    batchSeconds: new Histogram({
      name: 'earshot_classifier_batch_seconds',
      help: 'Time to classify and store one batch, commit included',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    outboxPublished: new Counter({
      name: 'earshot_classifier_outbox_published_total',
      help: 'Messages published from the classifier outbox, by topic',
      labelNames: ['topic'],
      registers,
    }),
  };
}
