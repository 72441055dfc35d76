import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createEmbeddedBus, type Bus } from '@earshot/bus';
import { acmeStories, FakeServer, hackerNewsSearch } from '@earshot/connectors/testing';
import { createPool, type Pool } from '@earshot/db';
import { Registry } from 'prom-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { testLogger } from '../../../test/support/logger.js';
import { waitFor } from '../../../test/support/wait.js';
import { buildIngestor, type Ingestor } from '../src/ingestor.js';
import { loadIngestorEnv } from '../src/index.js';
import { RawTopicReader, writeConfig } from './support.js';

const SEARCH = 'GET /api/v1/search_by_date';
const FAST = { INGESTOR_LOCK_RETRY_MS: '200', INGESTOR_MIN_BACKOFF_MS: '50', INGESTOR_MAX_BACKOFF_MS: '1000', INGESTOR_REQUEST_TIMEOUT_MS: '5000' };
const FIXTURE = fileURLToPath(new URL('./fixtures/ingestor-process.ts', import.meta.url));

function spawnIngestor(env: Record<string, string>): ChildProcess & { output(): string } {
  const child = spawn(process.execPath, ['--import', 'tsx', FIXTURE], { env: { ...process.env, ...FAST, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return Object.assign(child, { output: () => output });
}

async function cursorOf(pool: Pool, sourceId: string): Promise<unknown> {
  const { rows } = await pool.query('SELECT cursor FROM source_cursors WHERE source_id = $1', [sourceId]);
  return rows[0]?.cursor ?? null;
}

describe('ingestor against PostgreSQL and the embedded bus', () => {
  let db: TestDatabase;
  let server: FakeServer;
  const now = Math.floor(Date.now() / 1000);
  // 250 stories: three pages of 100 on the fake Algolia API.
  const stories = acmeStories(250, now - 5);

  beforeAll(async () => {
    db = await createTestDatabase();
    server = await FakeServer.start();
    server.on(SEARCH, hackerNewsSearch(() => stories));
  });
  afterAll(async () => {
    await server.close();
    await db.drop();
  });

  function hnSource(id: string): string {
    // The query names the source so each test can pick its own requests out of the fake server's log.
    return `  - { id: ${id}, platform: hackernews, baseUrl: '${server.url}', query: 'acme ${id}', every: 1s }\n`;
  }

  for (const mode of ['hang-after-publish', 'hang-before-publish'] as const) {
    it(`loses no mention when the ingestor is SIGKILLed between a poll and its cursor update (${mode})`, async () => {
      const sourceId = `hn-${mode}`;
      const prefix = `${sourceId}.`;
      const { path } = writeConfig(hnSource(sourceId));
      const reader = await RawTopicReader.open(db.url, prefix);
      const common = { DATABASE_URL: db.url, CONFIG_PATH: path, PREFIX: prefix };
      const crashing = spawnIngestor({ ...common, PUBLISH_MODE: mode });
      let restarted: (ChildProcess & { output(): string }) | null = null;
      try {
        await waitFor(() => /^(published|publishing) 100$/m.test(crashing.output()), { what: 'the first page to reach the publish', timeoutMs: 60_000 });
        crashing.kill('SIGKILL');
        await new Promise((resolve) => crashing.once('exit', resolve));
        // The crash came before the cursor update: it has not moved.
        expect(await cursorOf(db.pool, sourceId)).toBeNull();

        restarted = spawnIngestor({ ...common, PUBLISH_MODE: 'normal' });
        await waitFor(() => reader.distinctIds().size === stories.length, { what: 'every story on mentions.raw', timeoutMs: 60_000 });
        // Every story arrived; the page in flight at the crash may have arrived twice (deduplicated downstream).
        expect(reader.distinctIds()).toEqual(new Set(stories.map((story) => `hackernews:${story.objectID}`)));
        if (mode === 'hang-after-publish') expect(reader.received.length).toBeGreaterThanOrEqual(stories.length + 100);
        const cursor = (await waitFor(async () => {
          const stored = (await cursorOf(db.pool, sourceId)) as { feeds: { search: { state: { walk?: unknown; mark: { at: number } } } } } | null;
          return stored && !stored.feeds.search.state.walk ? stored : null;
        }, { what: 'the walk to complete' })) as { feeds: { search: { state: { mark: { at: number } } } } };
        expect(cursor.feeds.search.state.mark.at).toBe((now - 5) * 1000);
      } finally {
        crashing.kill('SIGKILL');
        restarted?.kill('SIGKILL');
        await reader.close();
      }
    });
  }

  describe('in one process', () => {
    const ingestors: Ingestor[] = [];
    const pools: Pool[] = [];
    const buses: Bus[] = [];
    afterAll(async () => {
      for (const ingestor of ingestors) await ingestor.stop();
      for (const bus of buses) await bus.close();
      for (const pool of pools) await pool.end();
    });

    function start(sourcesYaml: string, prefix: string, options: { publish?: Bus['publish']; registry?: Registry } = {}) {
      const pool = createPool(db.url, testLogger, { max: 4 });
      const real = createEmbeddedBus({ pool, topicPrefix: prefix, logger: testLogger, onFatal: (error) => { throw error; } });
      const bus: Bus = {
        kind: real.kind,
        subscribe: (o) => real.subscribe(o),
        isHealthy: () => real.isHealthy(),
        close: () => real.close(),
        publish: options.publish ?? ((topic, messages) => real.publish(topic, messages)),
      };
      pools.push(pool);
      buses.push(real);
      const ingestor = buildIngestor({
        config: writeConfig(sourcesYaml).config,
        pool,
        bus,
        logger: testLogger,
        metrics: options.registry ?? new Registry(),
        rawEnv: {},
        settings: loadIngestorEnv(FAST),
      });
      ingestors.push(ingestor);
      return { ingestor, real };
    }

    it('a publish that never resolves holds the cursor; a fresh instance takes over when the stuck one dies and brings everything', async () => {
      const sourceId = 'hn-stuck';
      const prefix = `${sourceId}.`;
      const reader = await RawTopicReader.open(db.url, prefix);
      let release!: () => void;
      const stuckUntil = new Promise<void>((resolve) => (release = resolve));
      let attempts = 0;
      const stuck = start(hnSource(sourceId), prefix, {
        publish: async () => {
          attempts += 1;
          await stuckUntil;
        },
      });
      await waitFor(() => attempts > 0, { what: 'the stuck instance to publish' });
      const fresh = start(hnSource(sourceId), prefix);
      // The stuck instance still holds the lock: over three of the fresh one's lock retries, nothing moves.
      await new Promise((resolve) => setTimeout(resolve, 3 * Number(FAST.INGESTOR_LOCK_RETRY_MS)));
      expect(reader.received).toEqual([]);
      expect(await cursorOf(db.pool, sourceId)).toBeNull();

      // The stuck instance dies (its database session ends, as it does when a process is killed).
      const pid = await stuck.ingestor.lockSessionPid();
      await db.pool.query('SELECT pg_terminate_backend($1)', [pid]);
      await waitFor(() => reader.distinctIds().size === stories.length, { what: 'every story via the fresh instance', timeoutMs: 60_000 });
      const afterTakeover = await waitFor(async () => {
        const stored = (await cursorOf(db.pool, sourceId)) as { feeds: { search: { state: { walk?: unknown } } } } | null;
        return stored && !stored.feeds.search.state.walk ? stored : null;
      });

      // The stuck publish finally returns and its poll runs to the end: the dead replica cannot move the cursor any more.
      release();
      await stuck.ingestor.stop();
      expect(await cursorOf(db.pool, sourceId)).toEqual(afterTakeover);
      expect(fresh.ingestor.sourceIds).toEqual([sourceId]);
      await fresh.ingestor.stop();
      await reader.close();
    });

    it('a failure backs off and a rate limit waits what the platform said; the wait is stored, so a restarted replica honours it', async () => {
      const platform = await FakeServer.start();
      platform.script(SEARCH, [{ status: 503, body: 'unavailable' }, { status: 429, headers: { 'retry-after': '60' }, body: 'Too Many Requests' }]);
      const sourceId = 'hn-limited';
      const yaml = `  - { id: ${sourceId}, platform: hackernews, baseUrl: '${platform.url}', query: acme, every: 1s }\n`;
      const registry = new Registry();
      const first = start(yaml, `${sourceId}.`, { registry });
      const row = async () =>
        (await db.pool.query('SELECT cursor, next_poll_at, last_error, failures FROM source_cursors WHERE source_id = $1', [sourceId])).rows[0] as
          | { cursor: unknown; next_poll_at: Date; last_error: string; failures: number }
          | undefined;
      const limited = await waitFor(async () => {
        const stored = await row();
        return stored?.last_error?.includes('429') ? stored : null;
      }, { what: 'the failure, then the rate limit' });
      // The 503 counts as a failure; the 429 is a wait, not one.
      expect(limited.failures).toBe(1);
      expect(limited.cursor).toBeNull();
      expect(limited.last_error).toMatch(/429/);
      // 60 s asked, plus up to 10 % jitter.
      const waitMs = limited.next_poll_at.getTime() - Date.now();
      expect(waitMs).toBeGreaterThan(55_000);
      expect(waitMs).toBeLessThan(66_500);
      const value = async (name: string) => (await registry.getSingleMetric(name)!.get()).values.find((v) => v.labels.source === sourceId)?.value;
      expect(await value('earshot_ingestor_rate_limit_waits_total')).toBe(1);
      expect(await value('earshot_ingestor_errors_total')).toBe(1);

      await first.ingestor.stop();
      const restartedRegistry = new Registry();
      const restarted = start(yaml, `${sourceId}.`, { registry: restartedRegistry });
      await waitFor(
        async () => (await restartedRegistry.getSingleMetric('earshot_ingestor_source_owned')!.get()).values.find((v) => v.labels.source === sourceId)?.value === 1,
        { what: 'the restarted replica to own the source' },
      );
      // Owning the source, it still waits for the stored time rather than asking again.
      await new Promise((resolve) => setTimeout(resolve, 3 * Number(FAST.INGESTOR_LOCK_RETRY_MS)));
      expect(platform.requests).toHaveLength(2);
      await restarted.ingestor.stop();
      await platform.close();
    });

    it('stop does not wait for a platform that does not answer: that request is left for the next owner', async () => {
      const platform = await FakeServer.start();
      let asked = false;
      platform.on(SEARCH, () => {
        asked = true;
        return new Promise(() => undefined);
      });
      const sourceId = 'hn-silent';
      const { ingestor } = start(`  - { id: ${sourceId}, platform: hackernews, baseUrl: '${platform.url}', query: acme }\n`, `${sourceId}.`);
      await waitFor(() => asked, { what: 'the request in flight' });
      const began = Date.now();
      await ingestor.stop();
      // Far below the 5 s request timeout: the request was abandoned, not waited for.
      expect(Date.now() - began).toBeLessThan(2_000);
      expect(await cursorOf(db.pool, sourceId)).toBeNull();
      await platform.close();
    });

    it('two instances against one source: only one polls it; the other takes over when it stops', async () => {
      const sourceId = 'hn-pair';
      const prefix = `${sourceId}.`;
      const registries = [new Registry(), new Registry()];
      const first = start(hnSource(sourceId), prefix, { registry: registries[0] });
      const second = start(hnSource(sourceId), prefix, { registry: registries[1] });
      const polls = async (registry: Registry) =>
        (await registry.getSingleMetric('earshot_ingestor_polls_total')!.get()).values.reduce((sum, value) => sum + value.value, 0);
      const owned = async (registry: Registry) => (await registry.getSingleMetric('earshot_ingestor_source_owned')!.get()).values[0]?.value;

      await waitFor(async () => (await polls(registries[0]!)) + (await polls(registries[1]!)) >= 4, { what: 'a few polls' });
      const owner = (await owned(registries[0]!)) === 1 ? 0 : 1;
      const other = 1 - owner;
      expect(await owned(registries[owner]!)).toBe(1);
      expect(await owned(registries[other]!)).toBe(0);
      expect(await polls(registries[other]!)).toBe(0);
      // The first walk asked each of its three pages once: had both instances polled, each page would be there twice.
      const requests = server.requestsTo(SEARCH).filter((request) => request.url.searchParams.get('query') === `acme ${sourceId}`);
      const firstWalk = requests.filter((request) => request.url.searchParams.get('numericFilters') === requests[0]!.url.searchParams.get('numericFilters'));
      expect(firstWalk.slice(0, 3).map((request) => request.url.searchParams.get('page'))).toEqual(['0', '1', '2']);
      expect(firstWalk.filter((request) => request.url.searchParams.get('page') === '0')).toHaveLength(1);

      await [first, second][owner]!.ingestor.stop();
      await waitFor(async () => (await owned(registries[other]!)) === 1 && (await polls(registries[other]!)) > 0, { what: 'the takeover' });
    });
  });
});
