import type { ServiceDefinition } from '@earshot/runtime';
import { loadSentimentModel } from '@earshot/sentiment';
import { buildClassifier } from './classifier.js';
import { loadClassifierEnv } from './env.js';
import { createClassifierMetrics } from './metrics.js';

/** Consumer group of every classifier replica: they share mentions.raw's partitions. */
export const CLASSIFIER_GROUP = 'classifier';

/**
 * Consumes mentions.raw in batches: classifies, stores each new mention with
 * its classification in one transaction, publishes mentions.classified (and
 * alerts.spikes) through an outbox. A retry timer publishes what a failed
 * publish or a crash left in the outbox, and sweeps expired burst keys.
 */
export const classifierService: ServiceDefinition = {
  name: 'classifier',
  async start({ config, rawEnv, logger, pool, bus, metrics }) {
    const env = loadClassifierEnv(rawEnv);
    const sentiment = loadSentimentModel();
    const classifier = buildClassifier({ pool, bus, logger, config, sentiment, metrics: createClassifierMetrics(metrics) });
    logger.info({ model: sentiment.version, batchSize: env.EARSHOT_CLASSIFIER_BATCH_SIZE }, 'classifier starting');

    // Messages a previous run committed but did not get to publish.
    await classifier.drainOutbox().catch((error: unknown) => logger.warn({ err: error }, 'could not publish the outbox at start; will retry'));
    let retrying: Promise<unknown> = Promise.resolve();
    const timer = setInterval(() => {
      retrying = Promise.all([
        classifier.drainOutbox().catch((error: unknown) => logger.warn({ err: error }, 'outbox publish failed; will retry')),
        classifier.sweep().catch((error: unknown) => logger.warn({ err: error }, 'burst key sweep failed; will retry')),
      ]);
    }, env.EARSHOT_CLASSIFIER_OUTBOX_RETRY_MS);

    const subscription = await bus.subscribe({
      topic: 'mentions.raw',
      group: CLASSIFIER_GROUP,
      maxBatchSize: env.EARSHOT_CLASSIFIER_BATCH_SIZE,
      handler: (deliveries) => classifier.handleBatch(deliveries),
    });

    return {
      async stop() {
        // Intake first (the batch in hand finishes and commits), then the
        // timer, then one last publish so nothing waits for the next start.
        await subscription.stop();
        clearInterval(timer);
        await retrying;
        await classifier.drainOutbox().catch((error: unknown) => logger.warn({ err: error }, 'outbox not fully published at stop; the next start publishes it'));
      },
    };
  },
};
