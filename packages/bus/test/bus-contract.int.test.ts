import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { DeadLetter } from '@earshot/domain';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Delivery, Subscription } from '@earshot/bus';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { kafkaBrokersForTests, uniqueName } from '../../../test/support/kafka.js';
import { fakeMention } from '../../../test/support/mentions.js';
import { waitFor } from '../../../test/support/wait.js';
import { openHarness, type BusKind, type Harness } from './fixtures/harness.js';

const brokers = kafkaBrokersForTests();
const implementations: Array<{ kind: BusKind; available: boolean }> = [
  { kind: 'embedded', available: true },
  { kind: 'kafka', available: brokers !== null },
];

describe.each(implementations)('bus contract: $kind', ({ kind, available }) => {
  let db: TestDatabase;
  let harness: Harness;
  let prefix: string;
  const subscriptions: Subscription[] = [];

  beforeAll(async () => {
    if (!available) return;
    db = await createTestDatabase();
  });
  afterAll(async () => {
    if (!available) return;
    await db.drop();
  });
  afterEach(async () => {
    if (!available) return;
    await Promise.all(subscriptions.splice(0).map((s) => s.stop()));
    await harness.close();
  });

  const open = () => {
    prefix = `${uniqueName('t')}.`;
    harness = openHarness({ kind, databaseUrl: db.url, brokers: brokers ?? [], prefix });
    return harness;
  };

  const collectDeadLetters = async (letters: DeadLetter[]) => {
    subscriptions.push(
      await harness.bus.subscribe({
        topic: 'mentions.dlq',
        group: 'dlq-reader',
        handler: async (messages) => {
          letters.push(...messages.map((m) => m.value));
        },
      }),
    );
  };

  it.runIf(available)('delivers every message, in order for each key', async () => {
    const { bus } = open();
    const keys = ['x:a', 'x:b', 'x:c', 'x:d'];
    const published = Array.from({ length: 200 }, (_, i) => ({ key: keys[i % keys.length]!, value: fakeMention(i) }));
    await bus.publish('mentions.raw', published);

    const received: Array<Delivery<'mentions.raw'>> = [];
    subscriptions.push(
      await bus.subscribe({ topic: 'mentions.raw', group: 'order', maxBatchSize: 17, handler: async (batch) => void received.push(...batch) }),
    );
    await waitFor(() => received.length >= 200, { what: 'all 200 messages' });

    expect(received).toHaveLength(200);
    for (const key of keys) {
      const sent = published.filter((m) => m.key === key).map((m) => m.value.externalId);
      const got = received.filter((m) => m.key === key).map((m) => m.value.externalId);
      expect(got).toEqual(sent);
    }
    // Parsed by the topic's schema on receipt: defaults are filled in.
    expect(received[0]!.value.engagement).toBeDefined();
  });

  it.runIf(available)('hands over one batch at a time, never more than maxBatchSize, with many keys waiting', async () => {
    const { bus } = open();
    const published = Array.from({ length: 300 }, (_, i) => ({ key: `x:key-${i % 30}`, value: fakeMention(i) }));
    await bus.publish('mentions.raw', published);

    let running = 0;
    let overlapped = false;
    const sizes: number[] = [];
    const received: Array<Delivery<'mentions.raw'>> = [];
    subscriptions.push(
      await bus.subscribe({
        topic: 'mentions.raw',
        group: 'one-at-a-time',
        maxBatchSize: 40,
        handler: async (batch) => {
          running += 1;
          overlapped ||= running > 1;
          sizes.push(batch.length);
          // Yield to the event loop, so any other batch in hand would be handed over meanwhile.
          await new Promise((resolve) => setImmediate(resolve));
          received.push(...batch);
          running -= 1;
        },
      }),
    );
    await waitFor(() => received.length >= 300, { what: 'all 300 messages' });
    expect(overlapped).toBe(false);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(40);
    expect(new Set(received.map((m) => m.value.externalId)).size).toBe(300);
  });

  it.runIf(available)('refuses to publish a message its topic schema rejects, naming the field', async () => {
    const { bus } = open();
    await expect(bus.publish('mentions.raw', [{ key: 'x:1', value: { ...fakeMention(1), createdAt: 'yesterday' } }])).rejects.toThrow(
      /createdAt/,
    );
  });

  it.runIf(available)('gives a message to the handler again when the handler throws', async () => {
    const { bus } = open();
    await bus.publish('mentions.raw', [0, 1, 2].map((i) => ({ key: `x:${i}`, value: fakeMention(i) })));
    const attempts = new Map<string, number>();
    const handled = new Set<string>();
    subscriptions.push(
      await bus.subscribe({
        topic: 'mentions.raw',
        group: 'retry',
        handler: async (batch) => {
          for (const message of batch) attempts.set(message.value.externalId, (attempts.get(message.value.externalId) ?? 0) + 1);
          if (batch.some((m) => m.value.externalId === fakeMention(1).externalId) && attempts.get(fakeMention(1).externalId)! < 3) {
            throw new Error('downstream hiccup');
          }
          for (const message of batch) handled.add(message.value.externalId);
        },
      }),
    );
    await waitFor(() => handled.size === 3, { what: 'all three handled' });
    expect(attempts.get(fakeMention(1).externalId)).toBeGreaterThanOrEqual(3);
  });

  it.runIf(available)('dead-letters a poison message with its error and keeps the messages behind it flowing', async () => {
    const { bus, injectRaw } = open();
    await bus.publish('mentions.raw', [{ key: 'x:0', value: fakeMention(0) }]);
    await injectRaw('mentions.raw', 'x:bad-json', '{"platform": "x", ');
    await injectRaw('mentions.raw', 'x:bad-shape', JSON.stringify({ ...fakeMention(1), author: { followers: -3 } }));
    await bus.publish('mentions.raw', [{ key: 'x:2', value: fakeMention(2) }, { key: 'x:3', value: fakeMention(3) }]);

    const letters: DeadLetter[] = [];
    await collectDeadLetters(letters);
    const handled: string[] = [];
    subscriptions.push(
      await bus.subscribe({ topic: 'mentions.raw', group: 'poison', handler: async (batch) => void handled.push(...batch.map((m) => m.value.externalId)) }),
    );

    await waitFor(() => handled.length === 3 && letters.length === 2, { what: 'three good messages and two dead letters' });
    expect(handled.sort()).toEqual([0, 2, 3].map((i) => fakeMention(i).externalId).sort());
    const byKey = new Map(letters.map((l) => [l.key, l]));
    expect(byKey.get('x:bad-json')).toMatchObject({ topic: 'mentions.raw', error: 'not valid JSON', value: '{"platform": "x", ', group: 'poison' });
    expect(byKey.get('x:bad-shape')?.error).toMatch(/author\.handle/);
    expect(byKey.get('x:bad-shape')?.error).toMatch(/author\.followers/);
  });

  it.runIf(available)('dead-letters a message whose handling keeps failing, after its attempts, without blocking the others', async () => {
    const { bus } = open();
    const cursed = fakeMention(7, { text: 'this one always breaks the handler' });
    await bus.publish('mentions.raw', [
      { key: 'x:6', value: fakeMention(6) },
      { key: 'x:7', value: cursed },
      { key: 'x:8', value: fakeMention(8) },
    ]);
    const letters: DeadLetter[] = [];
    await collectDeadLetters(letters);
    const handled: string[] = [];
    subscriptions.push(
      await bus.subscribe({
        topic: 'mentions.raw',
        group: 'cursed',
        maxAttempts: 3,
        handler: async (batch) => {
          if (batch.some((m) => m.value.text === cursed.text)) throw new Error('cannot store this mention');
          handled.push(...batch.map((m) => m.value.externalId));
        },
      }),
    );
    await waitFor(() => letters.length === 1 && handled.length === 2, { what: 'one dead letter and two handled' });
    expect(letters[0]).toMatchObject({ key: 'x:7', attempts: 3 });
    expect(letters[0]!.error).toContain('cannot store this mention');
    expect(JSON.parse(letters[0]!.value)).toMatchObject({ externalId: cursed.externalId });
  });

  it.runIf(available)('loses nothing when a consumer is killed mid-batch and another takes over', async () => {
    const { bus } = open();
    await db.pool.query('CREATE TABLE IF NOT EXISTS received (external_id text NOT NULL, worker text NOT NULL)');
    await db.pool.query('TRUNCATE received');
    const total = 600;
    await bus.publish(
      'mentions.raw',
      Array.from({ length: total }, (_, i) => ({ key: `x:${i % 13}`, value: fakeMention(i) })),
    );
    const group = 'crashy';
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./fixtures/consumer-process.ts', import.meta.url))], {
      env: { ...process.env, BUS_KIND: kind, DATABASE_URL: db.url, KAFKA_BROKERS: (brokers ?? []).join(','), PREFIX: prefix, GROUP: group },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((resolve) => child.on('exit', resolve));
    const count = async () => Number((await db.pool.query('SELECT count(*) AS n FROM received')).rows[0].n);
    await waitFor(async () => (await count()) >= 150, { what: 'the first consumer to be mid-stream', timeoutMs: 60_000 });
    child.kill('SIGKILL');
    await exited;
    const beforeTakeover = await count();
    expect(beforeTakeover).toBeLessThan(total);

    subscriptions.push(
      await bus.subscribe({
        topic: 'mentions.raw',
        group,
        handler: async (batch) => {
          await db.pool.query('INSERT INTO received (external_id, worker) SELECT unnest($1::text[]), $2', [
            batch.map((m) => m.value.externalId),
            'second',
          ]);
        },
      }),
    );
    const distinct = async () => Number((await db.pool.query('SELECT count(DISTINCT external_id) AS n FROM received')).rows[0].n);
    await waitFor(async () => (await distinct()) === total, { what: `all ${total} messages after the takeover`, timeoutMs: 90_000 });
    const { rows } = await db.pool.query("SELECT count(*) AS n FROM received WHERE worker = 'second'");
    expect(Number(rows[0].n)).toBeGreaterThan(0);
  });
});

describe('embedded bus: the database drops its connections (a restart)', () => {
  it('keeps consuming once connections are back, without crashing the process', async () => {
    const db = await createTestDatabase();
    const fatal: Error[] = [];
    const harness = openHarness({ kind: 'embedded', databaseUrl: db.url, brokers: [], prefix: `${uniqueName('t')}.`, onFatal: (error) => fatal.push(error) });
    const handled = new Set<string>();
    try {
      const subscription = await harness.bus.subscribe({
        topic: 'mentions.raw',
        group: 'survivor',
        handler: async (batch) => batch.forEach((m) => handled.add(m.value.externalId)),
      });
      await harness.bus.publish('mentions.raw', [{ key: 'x:1', value: fakeMention(1) }]);
      await waitFor(() => handled.size === 1, { what: 'the first message' });
      // Every session of the database ends at once, the idle consumer's and the notification listener's included.
      await db.pool.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
      await waitFor(async () => {
        await harness.bus.publish('mentions.raw', [{ key: 'x:2', value: fakeMention(2) }]);
        return true;
      }, { what: 'publishing to work again' });
      await waitFor(() => handled.has(fakeMention(2).externalId), { what: 'the message after the restart', timeoutMs: 20_000 });
      expect(fatal).toEqual([]);
      await subscription.stop();
    } finally {
      await harness.close();
      await db.drop();
    }
  });
});

describe('embedded bus: a consumer that cannot go on', () => {
  it('reports a fatal error instead of hanging, so the process can exit non-zero', async () => {
    const db = await createTestDatabase();
    const fatal: Error[] = [];
    const harness = openHarness({ kind: 'embedded', databaseUrl: db.url, brokers: [], prefix: `${uniqueName('t')}.`, onFatal: (error) => fatal.push(error) });
    try {
      const subscription = await harness.bus.subscribe({ topic: 'mentions.raw', group: 'doomed', handler: async () => undefined });
      // Not an outage (which is retried) but a broken installation: the bus's own table is gone.
      await db.pool.query('DROP TABLE bus_offsets');
      await waitFor(() => fatal.length > 0, { what: 'the fatal report' });
      expect(fatal[0]!.message).toMatch(/bus_offsets/);
      await subscription.stop();
    } finally {
      await harness.close();
      await db.drop();
    }
  });
});

