import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { createBus, type Bus } from '@earshot/bus';
import { mentionId, parseMentionLine, type Mention } from '@earshot/domain';
import type { Logger } from '@earshot/logging';
import type { CommonEnv } from '@earshot/runtime';
import { withDatabase } from '../database.js';
import { UsageError } from '../usage.js';

const BATCH_SIZE = 500;

/**
 * `earshot replay FILE.ndjson`: validates each line as a mention and publishes
 * the good ones on mentions.raw; bad lines are reported with their number and
 * make the exit code 1, without stopping the rest.
 */
export async function replay(file: string | undefined, env: CommonEnv, logger: Logger): Promise<number> {
  if (!file) throw new UsageError('usage: earshot replay FILE.ndjson');
  return withDatabase(env, logger, async (pool) => {
    const bus = createBus({
      kafkaBrokers: env.KAFKA_BROKERS,
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
      clientId: 'earshot-replay',
      pool,
      logger,
      onFatal: (error) => logger.error({ err: error }, 'bus failure'),
    });
    try {
      return await publishFile(file, bus);
    } finally {
      await bus.close();
    }
  });
}

async function publishFile(file: string, bus: Bus): Promise<number> {
  const lines = createInterface({ input: createReadStream(file, 'utf8'), crlfDelay: Number.POSITIVE_INFINITY });
  let batch: Mention[] = [];
  let published = 0;
  let rejected = 0;
  let lineNumber = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    await bus.publish('mentions.raw', batch.map((mention) => ({ key: mentionId(mention), value: mention })));
    published += batch.length;
    batch = [];
  };
  for await (const line of lines) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    const problem = parseMentionLine(line);
    if (typeof problem === 'string') {
      rejected += 1;
      process.stderr.write(`${file}:${lineNumber}: ${problem}\n`);
      continue;
    }
    batch.push(problem);
    if (batch.length >= BATCH_SIZE) await flush();
  }
  await flush();
  process.stdout.write(`published ${published} mention${published === 1 ? '' : 's'} to mentions.raw${rejected ? `; skipped ${rejected} invalid line${rejected === 1 ? '' : 's'}` : ''}\n`);
  return rejected > 0 ? 1 : 0;
}
