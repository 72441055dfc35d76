import type { Bus, Delivery } from '@earshot/bus';
import {
  BurstIndex,
  classify,
  compileClassifierRules,
  newSpikeState,
  readMention,
  SpikeDetector,
  spikeInput,
  type SentimentScorer,
} from '@earshot/classification';
import type { EarshotConfig } from '@earshot/config';
import { withTransaction, type Pool } from '@earshot/db';
import { mentionId, type Mention } from '@earshot/domain';
import type { Logger } from '@earshot/logging';
import type { ClassifierMetrics } from './metrics.js';
import { createOutboxDrainer, enqueue } from './outbox.js';
import {
  insertClassifications,
  insertMentions,
  loadBurstEntries,
  lockSpikeStates,
  saveBurstEntries,
  saveSpikeStates,
  sweepBurstKeys,
  type StoredClassification,
} from './store.js';

export interface ClassifierDeps {
  pool: Pool;
  bus: Bus;
  logger: Logger;
  config: Pick<EarshotConfig, 'brands' | 'priorities' | 'noise'>;
  sentiment: SentimentScorer;
  metrics: ClassifierMetrics;
  /** Epoch ms; tests pass a fake clock. */
  now?: () => number;
}

type BatchResult = StoredClassification & { spam: boolean };

/** Expired burst keys deleted per sweep. */
const SWEEP_LIMIT = 5_000;

/**
 * The classifier's work, without the subscription around it (service.ts):
 * `handleBatch` classifies and stores a batch of mentions.raw messages in one
 * transaction and publishes through the outbox; `drainOutbox` publishes what
 * an earlier failure or crash left behind.
 */
export function buildClassifier(deps: ClassifierDeps) {
  const rules = compileClassifierRules(deps.config);
  const now = deps.now ?? Date.now;
  const outbox = createOutboxDrainer({
    pool: deps.pool,
    bus: deps.bus,
    logger: deps.logger,
    onPublished: (topic, count) => deps.metrics.outboxPublished.inc({ topic }, count),
  });

  async function handleBatch(deliveries: ReadonlyArray<Delivery<'mentions.raw'>>): Promise<void> {
    const stopTimer = deps.metrics.batchSeconds.startTimer();
    const at = now();
    // The same mention twice in one batch (a producer retry) is one mention.
    const byId = new Map<string, Mention>();
    for (const delivery of deliveries) byId.set(mentionId(delivery.value), byId.get(mentionId(delivery.value)) ?? delivery.value);
    const mentions = [...byId.values()];

    const stored = await withTransaction(deps.pool, async (client): Promise<BatchResult[]> => {
      const insertedIds = await insertMentions(client, mentions);
      const fresh = mentions.filter((mention) => insertedIds.has(mentionId(mention)));
      if (fresh.length === 0) return [];

      const readings = fresh.map(readMention);
      const keys = [...new Set(readings.flatMap((reading) => reading.keys.keys))];
      const bursts = new BurstIndex(await loadBurstEntries(client, keys, at));
      const results: BatchResult[] = fresh.map((mention, index) => {
        const verdict = classify(mention, { rules, sentiment: deps.sentiment, bursts, now: at }, readings[index]);
        return { mention, classification: verdict.classification, burstOf: verdict.burstOf, spam: verdict.spam };
      });
      await saveBurstEntries(client, bursts.changes(), at);
      await insertClassifications(client, results);
      await enqueue(
        client,
        'mentions.classified',
        results
          .filter((result) => !result.spam)
          .map(({ mention, classification, burstOf }) => ({
            key: mentionId(mention),
            value: { id: mentionId(mention), mention, classification, ...(burstOf === null ? {} : { burstOf }) },
          })),
      );

      const negatives = results.flatMap((result) => spikeInput(result.mention, result) ?? []);
      if (negatives.length > 0) {
        const brandIds = [...new Set(negatives.flatMap((negative) => negative.brandIds))];
        const detector = new SpikeDetector(await lockSpikeStates(client, brandIds.map((brandId) => newSpikeState(brandId, at))));
        const alerts = negatives.flatMap((negative) => detector.observe(negative, at));
        await saveSpikeStates(client, detector.changes());
        await enqueue(client, 'alerts.spikes', alerts.map((alert) => ({ key: alert.brandId, value: alert })));
        for (const alert of alerts) {
          deps.metrics.spikes.inc({ brand: alert.brandId });
          deps.logger.warn({ spike: alert.id, brand: alert.brandId, negative: alert.negativeCount, baseline: alert.baselineMean }, 'negative spike detected');
        }
      }
      return results;
    });
    stopTimer();

    deps.metrics.mentions.inc({ outcome: 'redelivered' }, deliveries.length - stored.length);
    for (const result of stored) {
      deps.metrics.mentions.inc({ outcome: result.spam ? 'spam' : result.burstOf !== null ? 'burst' : 'stored' });
      deps.metrics.categories.inc({ category: result.classification.category, priority: result.classification.priority });
    }
    // The batch is durable; publishing can fail without losing anything (the
    // outbox keeps the rows and the retry timer sends them), so a bus hiccup
    // here does not make the bus redeliver the whole batch.
    await outbox.drain().catch((error: unknown) => deps.logger.warn({ err: error }, 'could not publish from the outbox yet; will retry'));
  }

  return {
    handleBatch,
    drainOutbox: () => outbox.drain(),
    /** Deletes burst keys past the burst window; returns how many. */
    sweep: () => withTransaction(deps.pool, (client) => sweepBurstKeys(client, now(), SWEEP_LIMIT)),
  };
}

export type Classifier = ReturnType<typeof buildClassifier>;
