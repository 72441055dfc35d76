import { createEmbeddedBus, createKafkaBus, type Bus } from '@earshot/bus';
import { createPool, migrate } from '@earshot/db';
import { mentionId, type MentionInput } from '@earshot/domain';
import { createLogger } from '@earshot/logging';

export interface BusBenchmarkResult {
  kind: 'embedded' | 'kafka';
  messages: number;
  publishPerSecond: number;
  /** From the first publish to the last message handled, through a consumer group. */
  endToEndPerSecond: number;
}

const logger = createLogger({ level: 'warn' });

function mention(index: number): MentionInput {
  return {
    platform: 'bench',
    externalId: String(index),
    url: `https://example.com/posts/${index}`,
    text: `@acme order ${index} arrived broken, I want a refund`,
    lang: 'en',
    author: { handle: `user${index % 1000}`, followers: index % 5000 },
    createdAt: new Date(1_780_000_000_000 + index * 1000).toISOString(),
    engagement: { likes: index % 10 },
    matchedBrands: ['acme'],
  };
}

/**
 * Publishes `messages` mentions in batches of 500 while one consumer group
 * reads them (handler does no work), so the figure is the bus's own ceiling.
 */
export async function runBusBenchmark(options: { kind: 'embedded' | 'kafka'; databaseUrl: string; brokers: string[]; messages: number }): Promise<BusBenchmarkResult> {
  const pool = createPool(options.databaseUrl, logger, { max: 8 });
  await migrate(pool, logger);
  const prefix = `bench-${Date.now().toString(36)}.`;
  const onFatal = (error: Error) => {
    throw error;
  };
  const bus: Bus =
    options.kind === 'embedded'
      ? createEmbeddedBus({ pool, logger, onFatal, topicPrefix: prefix })
      : createKafkaBus({ brokers: options.brokers, clientId: 'earshot-bench', logger, onFatal, topicPrefix: prefix });
  try {
    let handled = 0;
    let resolveDone: () => void = () => undefined;
    const done = new Promise<void>((resolve) => (resolveDone = resolve));
    await bus.subscribe({
      topic: 'mentions.raw',
      group: 'bench',
      maxBatchSize: 500,
      handler: async (batch) => {
        handled += batch.length;
        if (handled >= options.messages) resolveDone();
      },
    });
    const started = performance.now();
    for (let offset = 0; offset < options.messages; offset += 500) {
      const batch = Array.from({ length: Math.min(500, options.messages - offset) }, (_, i) => mention(offset + i));
      await bus.publish('mentions.raw', batch.map((value) => ({ key: mentionId({ platform: 'bench', externalId: value.externalId }), value })));
    }
    const published = performance.now();
    await done;
    const finished = performance.now();
    return {
      kind: options.kind,
      messages: options.messages,
      publishPerSecond: Math.round(options.messages / ((published - started) / 1000)),
      endToEndPerSecond: Math.round(options.messages / ((finished - started) / 1000)),
    };
  } finally {
    await bus.close();
    if (options.kind === 'embedded') await pool.query('DELETE FROM bus_messages WHERE topic LIKE $1', [`${prefix}%`]);
    await pool.end();
  }
}
