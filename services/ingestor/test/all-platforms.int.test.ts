import { Writable } from 'node:stream';
import type { Mention } from '@earshot/domain';
import { createLogger } from '@earshot/logging';
import { startEarshot, type RunningEarshot } from '@earshot/runtime';
import { describe, expect, it } from 'vitest';
import { createTestDatabase } from '../../../test/support/database.js';
import { kafkaBrokersForTests, uniqueName } from '../../../test/support/kafka.js';
import { waitFor } from '../../../test/support/wait.js';
import { ingestorService } from '../src/index.js';
import { startPlatforms } from './platforms.js';
import { writeConfig } from './support.js';

const byId = (a: Mention, b: Mention) => `${a.platform}:${a.externalId}`.localeCompare(`${b.platform}:${b.externalId}`);

/**
 * `earshot start` with only the ingestor, a config listing one source of
 * every platform pointed at local fakes, and a consumer of mentions.raw:
 * every fake post that matches a brand arrives, exactly as published.
 */
async function runAgainstEveryPlatform(bus: { KAFKA_BROKERS?: string; KAFKA_TOPIC_PREFIX?: string }): Promise<void> {
  const db = await createTestDatabase({ migrate: false });
  const platforms = await startPlatforms();
  let earshot: RunningEarshot | null = null;
  let logs = '';
  const logger = createLogger({
    level: 'debug',
    destination: new Writable({
      write(chunk: Buffer, _encoding, done) {
        logs += chunk.toString();
        done();
      },
    }),
  });
  try {
    const { path } = writeConfig(platforms.sourcesYaml);
    earshot = await startEarshot([ingestorService], {
      rawEnv: {
        ...platforms.env,
        ...bus,
        DATABASE_URL: db.url,
        EARSHOT_CONFIG: path,
        EARSHOT_SERVICES: 'ingestor',
        PORT: '0',
        HOST: '127.0.0.1',
        INGESTOR_LOCK_RETRY_MS: '200',
        INGESTOR_MIN_BACKOFF_MS: '50',
      },
      logger,
      onFatal: (error) => {
        throw error;
      },
    });
    const received = new Map<string, Mention>();
    await earshot.bus.subscribe({
      topic: 'mentions.raw',
      group: uniqueName('all-platforms-reader'),
      handler: async (messages) => {
        for (const message of messages) received.set(`${message.value.platform}:${message.value.externalId}`, message.value);
      },
    });
    await platforms.feedFirehose();
    await waitFor(() => received.size >= platforms.expected.length, { what: 'a mention from every platform', timeoutMs: 60_000 });
    expect([...received.values()].sort(byId)).toEqual([...platforms.expected].sort(byId));

    const metrics = await (await fetch(`${earshot.url}/metrics`)).text();
    expect(metrics).toMatch(/earshot_ingestor_mentions_total\{source="x-search",platform="x"\} 1/);
    expect(metrics).toMatch(/earshot_ingestor_source_owned\{source="bsky-firehose",platform="bluesky-jetstream"\} 1/);
    expect(metrics).toMatch(/earshot_ingestor_lag_seconds\{source="hn",platform="hackernews"\} \d+/);
    // Credentials are read from the environment and never written to the logs.
    expect(logs).toContain('owning the source');
    for (const secret of Object.values(platforms.env)) expect(logs).not.toContain(secret);
  } finally {
    await earshot?.stop();
    await platforms.close();
    await db.drop();
  }
}

describe('ingestor: one source of every platform, end to end', () => {
  it('brings every matching fake post onto mentions.raw (embedded bus)', async () => {
    await runAgainstEveryPlatform({});
  });

  const brokers = kafkaBrokersForTests();
  it.runIf(brokers !== null)('brings every matching fake post onto mentions.raw (Kafka)', async () => {
    await runAgainstEveryPlatform({ KAFKA_BROKERS: brokers!.join(','), KAFKA_TOPIC_PREFIX: `${uniqueName('platforms')}.` });
  });
});
