import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { daemonUrl, exitOf, runCli, spawnCli } from '../support/cli.js';
import { kafkaBrokersForTests, uniqueName } from '../support/kafka.js';
import { fakeMention } from '../support/mentions.js';
import { waitFor } from '../support/wait.js';

// The containers' grace period: compose's stop_grace_period (15 s) is the
// shortest; Earshot must drain well inside it with the default
// EARSHOT_SHUTDOWN_TIMEOUT_MS (9 s), or the runtime SIGKILLs it mid-drain.
const GRACE_PERIOD_MS = 15_000;
const MENTIONS_BEFORE_SIGTERM = 40;

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
  await db?.drop();
});

/**
 * Pushes one mention at a time through POST /v1/mentions until stopped and
 * records the ids the API accepted (202: on the bus, so Earshot owns them).
 */
function trickle(url: string, token: string, firstIndex: number) {
  const accepted: string[] = [];
  let running = true;
  const done = (async () => {
    for (let index = firstIndex; running; index++) {
      const mention = fakeMention(index);
      const answer = await fetch(`${url}/v1/mentions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(mention),
      }).catch(() => null);
      // Refused once shutdown began: the client keeps the mention, nothing is owed.
      if (answer?.status === 202) accepted.push(`${mention.platform}:${mention.externalId}`);
      // A trickle, not a flood: in-flight work at SIGTERM is a few batches.
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  return { accepted, stop: async () => ((running = false), await done) };
}

async function storedCount(ids: string[]): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM mentions WHERE id = ANY($1)', [ids]);
  return rows[0]!.n;
}

async function sigtermUnderLoad(env: Record<string, string>, firstIndex: number) {
  const daemon = spawnCli(['start'], { env: { ...env, PORT: '0', LOG_LEVEL: 'info' } });
  try {
    const url = await daemonUrl(daemon);
    const created = await runCli(['token', 'create', '--role', 'admin'], { env });
    expect(created.code, created.stderr).toBe(0);
    const load = trickle(url, created.stdout.trim(), firstIndex);
    await waitFor(() => load.accepted.length >= MENTIONS_BEFORE_SIGTERM, { what: `${MENTIONS_BEFORE_SIGTERM} accepted mentions`, timeoutMs: 60_000 });

    const signalledAt = Date.now();
    daemon.kill('SIGTERM');
    const { code } = await exitOf(daemon);
    const drainMs = Date.now() - signalledAt;
    await load.stop();
    return { code, drainMs, accepted: load.accepted, output: daemon.output() };
  } finally {
    if (daemon.exitCode === null) daemon.kill('SIGKILL');
  }
}

/** A second run picks up whatever the first left on the bus; every accepted mention must be stored. */
async function restartAndDrain(env: Record<string, string>, accepted: string[]) {
  const daemon = spawnCli(['start'], { env: { ...env, PORT: '0', LOG_LEVEL: 'info' } });
  try {
    await daemonUrl(daemon);
    await waitFor(async () => (await storedCount(accepted)) === accepted.length, { what: 'every accepted mention stored', timeoutMs: 90_000 });
  } finally {
    daemon.kill('SIGTERM');
    expect((await exitOf(daemon)).code).toBe(0);
  }
}

describe('earshot start: SIGTERM under a trickle of pushed mentions', () => {
  it('on the embedded bus: exits 0 within the grace period and loses no accepted mention', async () => {
    const env = { DATABASE_URL: db.url, EARSHOT_DATA_DIR: mkdtempSync(join(tmpdir(), 'earshot-e2e-shutdown-')) };
    const run = await sigtermUnderLoad(env, 100_000);
    expect(run.code, run.output.slice(-3000)).toBe(0);
    expect(run.drainMs).toBeLessThan(GRACE_PERIOD_MS);
    expect(run.output).toContain('earshot stopped');
    await restartAndDrain(env, run.accepted);
    expect(await storedCount(run.accepted)).toBe(run.accepted.length);
  });

  const brokers = kafkaBrokersForTests();
  it.runIf(brokers !== null)('on Kafka: exits 0 within the grace period and loses no accepted mention', async () => {
    const env = {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: brokers!.join(','),
      KAFKA_TOPIC_PREFIX: `${uniqueName('shutdown')}.`,
      EARSHOT_DATA_DIR: mkdtempSync(join(tmpdir(), 'earshot-e2e-shutdown-')),
    };
    const run = await sigtermUnderLoad(env, 200_000);
    expect(run.code, run.output.slice(-3000)).toBe(0);
    expect(run.drainMs).toBeLessThan(GRACE_PERIOD_MS);
    expect(run.output).toContain('earshot stopped');
    await restartAndDrain(env, run.accepted);
    expect(await storedCount(run.accepted)).toBe(run.accepted.length);
  });
});
