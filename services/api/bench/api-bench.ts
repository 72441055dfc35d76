/**
 * Requests per second and latency of the two calls a responder makes most:
 * listing their team's open items (first page of 50) and marking an item
 * handled (row lock, timeline event, escalation stop, Slack update request,
 * all in one transaction), through the real api service over HTTP.
 *
 *   pnpm exec tsx services/api/bench/api-bench.ts [--items 20000] [--seconds 10] [--connections 10]
 *
 * Needs DATABASE_URL (a PostgreSQL server: the bench creates and drops a
 * database of its own). autocannon runs in this same process, so on a small
 * machine it competes with the server for CPU: the figures are a floor.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { issueToken } from '@earshot/auth';
import { createPool, createScratchDatabase } from '@earshot/db';
import { createLogger } from '@earshot/logging';
import { startEarshot } from '@earshot/runtime';
import autocannon from 'autocannon';
import { apiService } from '../src/index.js';

export interface ApiBenchmarkOptions {
  /** A PostgreSQL server URL; a scratch database is made on it. */
  databaseUrl: string;
  /** Open items seeded in the responder's team. */
  items: number;
  /** How long the listing runs. */
  seconds: number;
  connections: number;
}

export interface EndpointFigures {
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface ApiBenchmarkResult {
  items: number;
  connections: number;
  listOpenItems: EndpointFigures;
  markHandled: EndpointFigures;
}

/** One team of ten responders; every item is theirs. */
const BENCH_CONFIG = `
brands:
  - { id: acme, name: Acme, query: 'acme' }
responders:
${Array.from({ length: 10 }, (_, i) => `  - { id: r${i}, name: Responder ${i}, slackUserId: U0R${i} }`).join('\n')}
teams:
  - { id: support, members: [${Array.from({ length: 10 }, (_, i) => `r${i}`).join(', ')}], lead: r0, slackChannel: C0SUPPORT }
routing:
  - { name: default, team: support }
sla:
  P2: { ack: 1h, handle: 8h }
escalation:
  - { at: 50% ack, notify: [assignee], via: slack-dm }
  - { at: 100% handle, notify: [team-channel], via: slack }
`;

const logger = createLogger({ level: 'warn' });

/** Items as the router leaves them: mention, item, two escalation timers and a posted Slack alert each. */
async function seed(pool: ReturnType<typeof createPool>, count: number): Promise<string[]> {
  await pool.query(
    `INSERT INTO mentions (id, platform, external_id, text, author_handle, matched_brands, payload, created_at)
     SELECT 'bench:' || g, 'bench', g::text, '@acme order ' || g || ' arrived broken, I want a refund', 'user' || (g % 1000), '{acme}',
            jsonb_build_object('platform', 'bench', 'externalId', g::text, 'text', '@acme order ' || g || ' arrived broken, I want a refund',
                               'author', jsonb_build_object('handle', 'user' || (g % 1000)), 'createdAt', '2026-11-01T00:00:00Z',
                               'engagement', '{}'::jsonb, 'matchedBrands', jsonb_build_array('acme')),
            now() - g * interval '1 second'
       FROM generate_series(1, $1) AS g`,
    [count],
  );
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO items (mention_id, brand_id, priority, category, team_id, assignee_id, routing_rule, ack_due_at, handle_due_at, assigned_at, created_at)
     SELECT 'bench:' || g, 'acme', 'P' || (1 + g % 4), 'complaint', 'support', 'r' || (g % 10), 'default',
            now() + (g % 3600) * interval '1 second', now() + interval '1 day', now(), now() - g * interval '1 second'
       FROM generate_series(1, $1) AS g
     RETURNING id`,
    [count],
  );
  await pool.query(
    `INSERT INTO escalation_timers (item_id, step_index, due_at, clock)
     SELECT id, step, now() + interval '1 hour', CASE step WHEN 0 THEN 'ack' ELSE 'handle' END FROM items, generate_series(0, 1) AS step`,
  );
  await pool.query(
    `INSERT INTO slack_messages (item_id, role, channel_key, channel, ts, payload, posted_at)
     SELECT id, 'alert', 'C0SUPPORT', 'C0SUPPORT', '1780000000.' || lpad(row_number() OVER ()::text, 6, '0'), '{}', now() FROM items`,
  );
  await pool.query('ANALYZE');
  return rows.map((row) => row.id);
}

function figures(result: autocannon.Result): EndpointFigures {
  const failed = result.non2xx + result.errors + result.timeouts;
  if (failed > 0) throw new Error(`${failed} of ${result.requests.total} requests to ${result.url} failed (non-2xx ${result.non2xx}, errors ${result.errors})`);
  return {
    requests: result.requests.total,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
  };
}

export async function runApiBenchmark(options: ApiBenchmarkOptions): Promise<ApiBenchmarkResult> {
  const db = await createScratchDatabase(options.databaseUrl, 'earshot_bench_api');
  const dir = mkdtempSync(join(tmpdir(), 'earshot-api-bench-'));
  writeFileSync(join(dir, 'earshot.yaml'), BENCH_CONFIG);
  const earshot = await startEarshot([apiService], {
    rawEnv: {
      DATABASE_URL: db.url,
      EARSHOT_CONFIG: join(dir, 'earshot.yaml'),
      EARSHOT_DATA_DIR: dir,
      EARSHOT_SERVICES: 'api',
      // The bench measures the API, not its rate limiter.
      EARSHOT_API_RATE_LIMIT_PER_MINUTE: '1000000000',
      PORT: '0',
      HOST: '127.0.0.1',
    },
    logger,
    onFatal: (error) => {
      throw error;
    },
  });
  try {
    const itemIds = await seed(earshot.pool, options.items);
    const { token } = await issueToken(earshot.pool, { role: 'responder', responderId: 'r0' });
    const headers = { authorization: `Bearer ${token}` };

    const list = await autocannon({
      url: `${earshot.url}/v1/items?status=open&limit=50`,
      headers,
      connections: options.connections,
      duration: options.seconds,
    });

    // Each request handles a different item, so every one does the full change; at most one per seeded item.
    let next = 0;
    const handled = await autocannon({
      url: earshot.url,
      headers: { ...headers, 'content-type': 'application/json' },
      connections: options.connections,
      amount: itemIds.length,
      requests: [
        {
          method: 'POST',
          setupRequest: (request) => ({ ...request, path: `/v1/items/${itemIds[next++ % itemIds.length]}/handled`, body: '{"note":"bench"}' }),
        },
      ],
    });

    return { items: options.items, connections: options.connections, listOpenItems: figures(list), markHandled: figures(handled) };
  } finally {
    await earshot.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { items: { type: 'string' }, seconds: { type: 'string' }, connections: { type: 'string' } } });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('set DATABASE_URL to a PostgreSQL server; the bench makes and drops a database of its own');
  const result = await runApiBenchmark({
    databaseUrl,
    items: Number(values.items ?? 20_000),
    seconds: Number(values.seconds ?? 10),
    connections: Number(values.connections ?? 10),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
