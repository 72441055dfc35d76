import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Subscription, TopicValue } from '@earshot/bus';
import { startEarshot, type RunningEarshot } from '@earshot/runtime';
import { Kafka } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { kafkaBrokersForTests, uniqueName } from '../../../test/support/kafka.js';
import { testLogger } from '../../../test/support/logger.js';
import { fakeMention } from '../../../test/support/mentions.js';
import { waitFor } from '../../../test/support/wait.js';
import { classifierService } from '../src/index.js';

const brokers = kafkaBrokersForTests();

const CONFIG_YAML = `
brands:
  - { id: acme, name: Acme, query: 'acme OR @acme' }
`;

describe.each([
  { kind: 'embedded', available: true },
  { kind: 'kafka', available: brokers !== null },
])('classifier service through startEarshot ($kind bus)', ({ kind, available }) => {
  let db: TestDatabase;
  let dir: string;
  let prefix: string;
  let earshot: RunningEarshot;
  const subscriptions: Subscription[] = [];
  const classified: Array<TopicValue<'mentions.classified'>> = [];
  const deadLetters: Array<TopicValue<'mentions.dlq'>> = [];

  beforeAll(async () => {
    if (!available) return;
    db = await createTestDatabase();
    dir = mkdtempSync(join(tmpdir(), 'earshot-classifier-'));
    writeFileSync(join(dir, 'earshot.yaml'), CONFIG_YAML);
    prefix = `${uniqueName('classifier')}.`;
    earshot = await startEarshot([classifierService], {
      rawEnv: {
        DATABASE_URL: db.url,
        KAFKA_BROKERS: kind === 'kafka' ? brokers!.join(',') : '',
        KAFKA_TOPIC_PREFIX: prefix,
        EARSHOT_CONFIG: join(dir, 'earshot.yaml'),
        EARSHOT_DATA_DIR: dir,
        EARSHOT_SERVICES: 'classifier',
        PORT: '0',
        HOST: '127.0.0.1',
      },
      logger: testLogger,
      onFatal: (error) => {
        throw error;
      },
    });
    subscriptions.push(
      await earshot.bus.subscribe({ topic: 'mentions.classified', group: 'test-classified-reader', handler: async (batch) => void classified.push(...batch.map((m) => m.value)) }),
      await earshot.bus.subscribe({ topic: 'mentions.dlq', group: 'test-dlq-reader', handler: async (batch) => void deadLetters.push(...batch.map((m) => m.value)) }),
    );
  });

  afterAll(async () => {
    if (!available) return;
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    await earshot.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** A counter from the process's /metrics, 0 until it is first incremented. */
  async function metric(name: string, labels: string): Promise<number> {
    const text = await (await fetch(`${earshot.url}/metrics`)).text();
    const line = text.split('\n').find((candidate) => candidate.startsWith(`${name}{${labels}}`));
    return line === undefined ? 0 : Number(line.split(' ').at(-1));
  }

  /** Puts bytes on mentions.raw past the bus's validation, as a buggy producer would. */
  async function injectRaw(key: string, value: string): Promise<void> {
    if (kind === 'embedded') {
      await db.pool.query('INSERT INTO bus_messages (topic, key, value) VALUES ($1, $2, $3)', [`${prefix}mentions.raw`, key, value]);
      return;
    }
    const producer = new Kafka({ clientId: 'classifier-test-raw', brokers: brokers!, logLevel: 0 }).producer();
    await producer.connect();
    try {
      await producer.send({ topic: `${prefix}mentions.raw`, messages: [{ key, value }] });
    } finally {
      await producer.disconnect();
    }
  }

  it.runIf(available)('stores the same raw message delivered twice once, and publishes one classified message for it', async () => {
    const mention = fakeMention(1, { createdAt: new Date().toISOString() });
    await earshot.bus.publish('mentions.raw', [{ key: 'x:1800000000001', value: mention }]);
    await earshot.bus.publish('mentions.raw', [{ key: 'x:1800000000001', value: mention }]);
    await waitFor(async () => (await metric('earshot_classifier_mentions_total', 'outcome="redelivered"')) >= 1, { what: 'the redelivery to be handled' });
    const sentinel = fakeMention(2, { createdAt: new Date().toISOString() });
    await earshot.bus.publish('mentions.raw', [{ key: 'x:1800000000002', value: sentinel }]);
    await waitFor(() => classified.some((message) => message.id === 'x:1800000000002'), { what: 'the message after the duplicate' });

    const stored = await db.pool.query(
      `SELECT m.id, c.category, c.priority FROM mentions m JOIN classifications c ON c.mention_id = m.id WHERE m.id = 'x:1800000000001'`,
    );
    expect(stored.rows).toHaveLength(1);
    expect(await metric('earshot_classifier_outbox_published_total', 'topic="mentions.classified"')).toBe(2);
    expect(classified.filter((message) => message.id === 'x:1800000000001')).toHaveLength(1);
    const [message] = classified.filter((candidate) => candidate.id === 'x:1800000000001');
    expect(message).toMatchObject({ mention: { externalId: '1800000000001', text: mention.text }, classification: { category: stored.rows[0].category, priority: stored.rows[0].priority } });
    expect(message!.classification.modelVersion).toMatch(/\+rules-/);
  });

  it.runIf(available)('sends a poison message to the DLQ without blocking the mentions behind it', async () => {
    await injectRaw('x:poison', '{"platform": "x", "text": ');
    await injectRaw('x:incomplete', JSON.stringify({ platform: 'x', externalId: 'incomplete' }));
    const after = fakeMention(3, { createdAt: new Date().toISOString() });
    await earshot.bus.publish('mentions.raw', [{ key: 'x:1800000000003', value: after }]);
    await waitFor(() => classified.some((message) => message.id === 'x:1800000000003'), { what: 'the mention behind the poison' });
    await waitFor(() => deadLetters.length >= 2, { what: 'the dead letters' });
    const byKey = new Map(deadLetters.map((letter) => [letter.key, letter]));
    expect(byKey.get('x:poison')).toMatchObject({ topic: 'mentions.raw', group: 'classifier', error: 'not valid JSON' });
    expect(byKey.get('x:incomplete')?.error).toMatch(/^invalid mentions\.raw message: text: .*author: .*createdAt: /);
    expect((await db.pool.query(`SELECT 1 FROM mentions WHERE external_id = 'incomplete'`)).rowCount).toBe(0);
  });
});
