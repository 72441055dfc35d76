import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createEmbeddedBus, type Bus } from '@earshot/bus';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { exitOf } from '../../../test/support/cli.js';
import { testLogger } from '../../../test/support/logger.js';
import { waitFor } from '../../../test/support/wait.js';
import { classified, deskYaml } from './fixtures/router-test.js';

const MAIN = fileURLToPath(new URL('../src/main.ts', import.meta.url));
const MENTIONS = 1500;
/** Everything goes to community (dana, no cap, no hours): DM dana, channel mentioning carol, email carol, channel. */
const STEPS = 4;

let db: TestDatabase;
let bus: Bus;
let dir: string;
const children: ChildProcess[] = [];

function startRouter(): ChildProcess & { output(): string } {
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], {
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      KAFKA_BROKERS: '',
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
  bus = createEmbeddedBus({ pool: db.pool, logger: testLogger, onFatal: (error) => { throw error; }, pollIntervalMs: 200 });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await bus?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('router restarts', () => {
  it('killed mid-way and restarted, it neither duplicates nor loses items, timers or notifications', async () => {
    const messages = Array.from({ length: MENTIONS }, (_, i) => classified(i, { classification: { category: 'other' } }));
    for (let start = 0; start < messages.length; start += 500) {
      await bus.publish('mentions.classified', messages.slice(start, start + 500).map((value) => ({ key: value.id, value })));
    }

    const first = startRouter();
    await waitFor(async () => (await count("SELECT count(*)::int AS n FROM escalation_timers WHERE status = 'fired'")) > 0 && (await count('SELECT count(*)::int AS n FROM items')) >= 300, {
      timeoutMs: 60_000,
      what: `the first router to route some items and fire some steps\n${first.output()}`,
    });
    first.kill('SIGKILL');
    await exitOf(first);
    const routedBeforeCrash = await count('SELECT count(*)::int AS n FROM items');

    const second = startRouter();
    await waitFor(
      async () =>
        (await count('SELECT count(*)::int AS n FROM items')) === MENTIONS &&
        (await count("SELECT count(*)::int AS n FROM escalation_timers WHERE status = 'pending'")) === 0,
      { timeoutMs: 90_000, what: `every item routed and every step fired\n${second.output()}` },
    );
    second.kill('SIGTERM');
    expect(await exitOf(second)).toEqual({ code: 0, signal: null });

    expect(routedBeforeCrash).toBeLessThan(MENTIONS);
    expect(await count("SELECT count(*)::int AS n FROM timeline_events WHERE type = 'routed'")).toBe(MENTIONS);
    expect(await count("SELECT count(*)::int AS n FROM escalation_timers WHERE status = 'fired'")).toBe(MENTIONS * STEPS);
    // One timeline entry per fired step: none fired twice across the crash.
    expect(await count("SELECT count(*)::int AS n FROM timeline_events WHERE type = 'escalated'")).toBe(MENTIONS * STEPS);
    expect(await count("SELECT count(*)::int AS n FROM notification_outbox WHERE kind = 'alert'")).toBe(MENTIONS);
    expect(await count("SELECT count(*)::int AS n FROM notification_outbox WHERE kind = 'escalation'")).toBe(MENTIONS * STEPS);
  });
});
