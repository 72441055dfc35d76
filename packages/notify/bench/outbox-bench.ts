// Outbox delivery throughput and latency against the Slack stub and a real
// SMTP server on loopback. Needs a PostgreSQL server; the bench works in a
// scratch database of its own, dropped afterwards.
//
//   DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres pnpm exec tsx packages/notify/bench/outbox-bench.ts [--alerts 2000] [--channels 400] [--rate 50] [--emails 1000]
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { createPool, migrate, type Pool } from '@earshot/db';
import { createLogger } from '@earshot/logging';
import pg from 'pg';
import { Registry } from 'prom-client';
import { startSlackStub } from '../../../test/support/slack-stub.js';
import { startSmtpServer } from '../../../test/support/smtp.js';
import { enqueueNotification, startNotificationWorker, type NotificationWorker } from '../src/index.js';

const { values } = parseArgs({
  options: {
    alerts: { type: 'string', default: '2000' },
    channels: { type: 'string', default: '400' },
    emails: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '50' },
  },
});
const ALERTS = Number(values.alerts);
const CHANNELS = Number(values.channels);
const EMAILS = Number(values.emails);
/** Alerts per second offered in the live run. */
const RATE = Number(values.rate);
const logger = createLogger({ level: 'warn' });

async function admin(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

async function seedItems(pool: Pool, count: number): Promise<string[]> {
  await pool.query(`INSERT INTO responders (id, name, slack_user_id, email) VALUES ('alice', 'Alice', 'UALICE', 'alice@example.com') ON CONFLICT DO NOTHING`);
  await pool.query(`INSERT INTO teams (id, name, lead_id, slack_channel, strategy) VALUES ('support', 'Support', 'alice', 'C0SUPPORT', 'round-robin') ON CONFLICT DO NOTHING`);
  const tag = randomBytes(4).toString('hex');
  await pool.query(
    `INSERT INTO mentions (id, platform, external_id, url, text, author_handle, author_followers, matched_brands, payload, created_at)
     SELECT 'x:' || $1 || n, 'x', $1 || n, 'https://x.com/u/status/' || n, 'acme broke my order number ' || n, 'user' || n, 1000 + n, '{acme}', '{}', now()
     FROM generate_series(1, $2) AS n`,
    [tag, count],
  );
  await pool.query(
    `INSERT INTO classifications (mention_id, sentiment_label, sentiment_score, sentiment_confidence, urgency, urgency_reasons, category, priority, model_version, classified_at)
     SELECT 'x:' || $1 || n, 'negative', -0.8, 0.9, 80, '{high reach}', 'complaint', 'P1', 'bench', now() FROM generate_series(1, $2) AS n`,
    [tag, count],
  );
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO items (mention_id, brand_id, priority, category, team_id, assignee_id, ack_due_at, handle_due_at)
     SELECT 'x:' || $1 || n, 'acme', 'P1', 'complaint', 'support', 'alice', now() + interval '15 minutes', now() + interval '4 hours'
     FROM generate_series(1, $2) AS n RETURNING id`,
    [tag, count],
  );
  return rows.map((row) => row.id);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('bench timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function enqueueAlert(pool: Pool, itemId: string, index: number): Promise<boolean> {
  const channel = `C0BENCH${index % CHANNELS}`;
  return enqueueNotification(pool, { dedupeKey: `alert:${itemId}`, itemId, kind: 'alert', channel: 'slack', recipient: channel, payload: { type: 'item-alert', itemId } });
}

function startWorkers(pool: Pool, count: number, apiUrl: string): NotificationWorker[] {
  return Array.from({ length: count }, () => startNotificationWorker({ pool, logger, metrics: new Registry(), slack: { token: 'xoxb-bench', apiUrl } }));
}

/** A backlog of alerts (an outage just ended): how fast the workers drain it. */
async function slackBacklog(pool: Pool, workers: number): Promise<string> {
  await pool.query('TRUNCATE notification_outbox, slack_messages, slack_channel_state RESTART IDENTITY CASCADE');
  const stub = await startSlackStub();
  const items = await seedItems(pool, ALERTS);
  for (const [index, itemId] of items.entries()) await enqueueAlert(pool, itemId, index);
  const started = Date.now();
  const running = startWorkers(pool, workers, stub.url);
  await waitUntil(async () => stub.posts().length >= ALERTS, 600_000);
  const elapsed = (Date.now() - started) / 1000;
  await Promise.all(running.map((worker) => worker.stop()));
  await stub.close();
  return `slack backlog, ${workers} worker(s) | ${ALERTS} alerts over ${CHANNELS} channels (${ALERTS / CHANNELS}/channel, paced 1.1 s) | drained in ${elapsed.toFixed(1)} s = ${(ALERTS / elapsed).toFixed(0)} msg/s`;
}

/** Alerts arriving at a steady rate: the delay from enqueue to the Slack call. */
async function slackLive(pool: Pool, workers: number): Promise<string> {
  await pool.query('TRUNCATE notification_outbox, slack_messages, slack_channel_state RESTART IDENTITY CASCADE');
  const stub = await startSlackStub();
  const items = await seedItems(pool, ALERTS);
  const running = startWorkers(pool, workers, stub.url);
  const enqueuedAt = new Map<string, number>();
  const intervalMs = 1000 / RATE;
  const started = Date.now();
  for (const [index, itemId] of items.entries()) {
    const due = started + index * intervalMs;
    if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
    enqueuedAt.set(itemId, Date.now());
    await enqueueAlert(pool, itemId, index);
  }
  const offered = ALERTS / ((Date.now() - started) / 1000);
  await waitUntil(async () => stub.posts().length >= ALERTS, 600_000);
  await Promise.all(running.map((worker) => worker.stop()));
  const latencies = stub
    .posts()
    .map((call) => {
      const blocks = call.args.blocks as Array<{ type: string; block_id?: string }>;
      const itemId = blocks.find((block) => block.type === 'actions')?.block_id?.replace('earshot.item:', '') ?? '';
      return call.receivedAt - enqueuedAt.get(itemId)!;
    })
    .sort((a, b) => a - b);
  await stub.close();
  return `slack live, ${workers} worker(s) | ${ALERTS} alerts at ${offered.toFixed(0)}/s over ${CHANNELS} channels | enqueue→Slack call p50 ${percentile(latencies, 50)} ms, p99 ${percentile(latencies, 99)} ms, max ${latencies.at(-1)} ms`;
}

async function emailRun(pool: Pool): Promise<string> {
  await pool.query('TRUNCATE notification_outbox RESTART IDENTITY CASCADE');
  const smtp = await startSmtpServer();
  const items = await seedItems(pool, EMAILS);
  for (const itemId of items) {
    await enqueueNotification(pool, { dedupeKey: `mail:${itemId}`, itemId, kind: 'alert', channel: 'email', recipient: 'alice@example.com', payload: { type: 'item-alert', itemId } });
  }
  const worker = startNotificationWorker({ pool, logger, metrics: new Registry(), email: { smtpUrl: smtp.url, from: 'earshot@example.com' } });
  const started = Date.now();
  await waitUntil(async () => smtp.messages.length >= EMAILS, 600_000);
  const elapsed = (Date.now() - started) / 1000;
  await worker.stop();
  await smtp.close();
  return `email backlog, 1 worker | ${EMAILS} emails, pooled SMTP (5 connections) | ${(EMAILS / elapsed).toFixed(0)} msg/s`;
}

const serverUrl = process.env.DATABASE_URL;
if (!serverUrl) throw new Error('set DATABASE_URL to a PostgreSQL server; the bench creates and drops a scratch database on it');
const name = `earshot_bench_${randomBytes(4).toString('hex')}`;
await admin(serverUrl, `CREATE DATABASE ${name}`);
const url = new URL(serverUrl);
url.pathname = `/${name}`;
const pool = createPool(url.toString(), logger, { max: 20 });
try {
  await migrate(pool, logger);
  const lines = [await slackBacklog(pool, 1), await slackBacklog(pool, 2), await slackLive(pool, 1), await slackLive(pool, 2), await emailRun(pool)];
  console.log(lines.join('\n'));
} finally {
  await pool.end();
  await admin(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}
