import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbeddedBus, createKafkaBus, type Bus } from '@earshot/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { exitOf } from '../../../test/support/cli.js';
import { kafkaBrokersForTests, uniqueName } from '../../../test/support/kafka.js';
import { testLogger } from '../../../test/support/logger.js';
import { waitFor } from '../../../test/support/wait.js';
import { classified, deskYaml } from './fixtures/router-test.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const MENTIONS = 1500;
/** Everything goes to community (dana, no cap, no hours): DM dana, channel mentioning carol, email carol, channel. */
const STEPS = 4;

const brokers = kafkaBrokersForTests();
let db: TestDatabase;
let dir: string;
const children: ChildProcess[] = [];

/** Where the router under test reads from: the embedded bus on the test database, or Kafka under a prefix of its own. */
interface Intake {
  brokers: string[];
  prefix: string;
  bus: Bus;
}

function openIntake(kind: 'embedded' | 'kafka'): Intake {
  const onFatal = (error: Error) => {
    throw error;
  };
  if (kind === 'embedded') return { brokers: [], prefix: '', bus: createEmbeddedBus({ pool: db.pool, logger: testLogger, onFatal, pollIntervalMs: 200 }) };
  const prefix = `${uniqueName('router-restart')}.`;
  return { brokers: brokers!, prefix, bus: createKafkaBus({ brokers: brokers!, clientId: 'router-restart-test', logger: testLogger, onFatal, topicPrefix: prefix }) };
}

function startRouter(intake: Intake): ChildProcess & { output(): string } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: intake.brokers.join(','),
      KAFKA_TOPIC_PREFIX: intake.prefix,
      EARSHOT_CONFIG: join(dir, 'earshot.yaml'),
      EARSHOT_DATA_DIR: dir,
      EARSHOT_SERVICES: 'router',
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ROUTER_TICK_MS: '50',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  children.push(child);
  return Object.assign(child, { output: () => output });
}

const count = async (sql: string): Promise<number> => (await db.pool.query<{ n: number }>(sql)).rows[0]!.n;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'earshot-router-restart-'));
  writeFileSync(join(dir, 'earshot.yaml'), deskYaml('\n  P3: { ack: 2s, handle: 4s }', (yaml) => yaml.replace('100% ack + 30m', '100% ack + 1s')));
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe.each([
  { kind: 'embedded' as const, available: true },
  { kind: 'kafka' as const, available: brokers !== null },
])('router restarts on the $kind bus', ({ kind, available }) => {
  it.runIf(available)('killed mid-way and restarted, it neither duplicates nor loses items, timers or notifications', async () => {
    // Both runs share the database: each starts from empty.
    await db.pool.query('TRUNCATE items, notification_outbox, bus_messages, bus_offsets CASCADE');
    const intake = openIntake(kind);
    const messages = Array.from({ length: MENTIONS }, (_, i) => classified(i, { classification: { category: 'other' } }));
    try {
      for (let start = 0; start < messages.length; start += 500) {
        await intake.bus.publish('mentions.classified', messages.slice(start, start + 500).map((value) => ({ key: value.id, value })));
      }
    } finally {
      await intake.bus.close();
    }

    const first = startRouter(intake);
    await waitFor(async () => (await count("SELECT count(*)::int AS n FROM escalation_timers WHERE status = 'fired'")) > 0 && (await count('SELECT count(*)::int AS n FROM items')) >= 300, {
      timeoutMs: 60_000,
      what: `the first router to route some items and fire some steps\n${first.output()}`,
    });
    first.kill('SIGKILL');
    await exitOf(first);
    const routedBeforeCrash = await count('SELECT count(*)::int AS n FROM items');
    const pendingBeforeCrash = await count("SELECT count(*)::int AS n FROM escalation_timers WHERE status = 'pending'");

    // On Kafka the killed consumer keeps its partitions until its session times out; then the new one takes over.
    const second = startRouter(intake);
    await waitFor(
      async () =>
        (await count('SELECT count(*)::int AS n FROM items')) === MENTIONS &&
        (await count("SELECT count(*)::int AS n FROM escalation_timers WHERE status = 'pending'")) === 0,
      { timeoutMs: 150_000, what: `every item routed and every step fired\n${second.output()}` },
    );
    second.kill('SIGTERM');
    expect(await exitOf(second)).toEqual({ code: 0, signal: null });

    // The crash cut work short: routing unfinished, or steps still to fire (a fast machine routes all 1,500 before the first step is due).
    expect(routedBeforeCrash < MENTIONS || pendingBeforeCrash > 0).toBe(true);
    expect(await count("SELECT count(*)::int AS n FROM timeline_events WHERE type = 'routed'")).toBe(MENTIONS);
    expect(await count("SELECT count(*)::int AS n FROM escalation_timers WHERE status = 'fired'")).toBe(MENTIONS * STEPS);
    // One timeline entry per fired step: none fired twice across the crash.
    expect(await count("SELECT count(*)::int AS n FROM timeline_events WHERE type = 'escalated'")).toBe(MENTIONS * STEPS);
    expect(await count("SELECT count(*)::int AS n FROM notification_outbox WHERE kind = 'alert'")).toBe(MENTIONS);
    expect(await count("SELECT count(*)::int AS n FROM notification_outbox WHERE kind = 'escalation'")).toBe(MENTIONS * STEPS);
  }, 200_000);
});
