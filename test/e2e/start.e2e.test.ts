import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { daemonUrl, exitOf, runCli, spawnCli } from '../support/cli.js';
import { kafkaBrokersForTests, uniqueName } from '../support/kafka.js';
import { waitFor } from '../support/wait.js';

/** The /readyz body once it answers 200. */
async function ready(url: string): Promise<Record<string, unknown>> {
  return waitFor(async () => {
    const response = await fetch(`${url}/readyz`);
    return response.status === 200 ? ((await response.json()) as Record<string, unknown>) : null;
  }, { what: '/readyz' });
}

async function stopWithSigterm(daemon: ReturnType<typeof spawnCli>) {
  const started = Date.now();
  daemon.kill('SIGTERM');
  const { code } = await exitOf(daemon);
  return { code, elapsedMs: Date.now() - started };
}

describe('earshot start', () => {
  it('runs on the embedded default: a real PostgreSQL under EARSHOT_DATA_DIR, ready, and drains on SIGTERM', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'earshot-e2e-'));
    const daemon = spawnCli(['start'], { env: { EARSHOT_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' } });
    try {
      const url = await daemonUrl(daemon);
      expect(await ready(url)).toMatchObject({ status: 'ready', database: true, bus: { kind: 'embedded', reachable: true } });
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      expect(await (await fetch(`${url}/metrics`)).text()).toContain('process_cpu_seconds_total');

      // A second command uses the daemon's PostgreSQL instead of starting another.
      const token = await runCli(['token', 'create', '--role', 'admin'], { env: { EARSHOT_DATA_DIR: dataDir } });
      expect(token.code).toBe(0);
      const state = JSON.parse(readFileSync(join(dataDir, 'postgres.json'), 'utf8')) as { port: number; password: string };
      const client = new pg.Client({ host: '127.0.0.1', port: state.port, user: 'postgres', password: state.password, database: 'earshot' });
      await client.connect();
      const { rows } = await client.query('SELECT count(*)::int AS n FROM api_tokens');
      await client.end();
      expect(rows[0].n).toBe(1);

      const { code, elapsedMs } = await stopWithSigterm(daemon);
      expect(code).toBe(0);
      expect(elapsedMs).toBeLessThan(10_000);
      expect(daemon.output()).toContain('earshot stopped');
      // The embedded server went down with the daemon.
      const probe = new pg.Client({ host: '127.0.0.1', port: state.port, user: 'postgres', password: state.password, connectionTimeoutMillis: 2_000 });
      await expect(probe.connect()).rejects.toThrow();
    } finally {
      if (daemon.exitCode === null) daemon.kill('SIGKILL');
    }
  });

  it('refuses to start with a bad config and lists every problem', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'earshot-e2e-'));
    const result = await runCli(['start'], { env: { EARSHOT_DATA_DIR: dataDir, EARSHOT_CONFIG: join(dataDir, 'missing.yaml') } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('cannot read the file');
  });

  describe('against external PostgreSQL and Kafka', () => {
    const brokers = kafkaBrokersForTests();
    let db: TestDatabase;
    beforeAll(async () => {
      db = await createTestDatabase({ migrate: false });
    });
    afterAll(async () => {
      await db.drop();
    });

    it.runIf(brokers !== null)('runs the same command on DATABASE_URL and KAFKA_BROKERS', async () => {
      const daemon = spawnCli(['start'], {
        env: { DATABASE_URL: db.url, KAFKA_BROKERS: brokers!.join(','), KAFKA_TOPIC_PREFIX: `${uniqueName('e2e')}.`, PORT: '0', LOG_LEVEL: 'info' },
      });
      try {
        const url = await daemonUrl(daemon);
        expect(await ready(url)).toMatchObject({ database: true, bus: { kind: 'kafka', reachable: true } });
        const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
        expect(rows[0].n).toBeGreaterThan(0);
        const { rows: responders } = await db.pool.query('SELECT id FROM responders ORDER BY id');
        expect(responders.map((r) => r.id)).toEqual(['alice', 'bob', 'carol']);
        const { code, elapsedMs } = await stopWithSigterm(daemon);
        expect(code).toBe(0);
        expect(elapsedMs).toBeLessThan(10_000);
      } finally {
        if (daemon.exitCode === null) daemon.kill('SIGKILL');
      }
    });
  });
});
