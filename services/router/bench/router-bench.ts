/**
 * Delay from a classified mention published on `mentions.classified` to its
 * alert row being visible in the notification outbox (what the notification
 * worker reads), through the real router service: bus intake, routing,
 * assignment, SLA deadlines, escalation timers and the alert, in one
 * transaction per batch.
 *
 *   pnpm exec tsx services/router/bench/router-bench.ts [--messages 5000] [--rate 1000]
 *
 * Needs DATABASE_URL (a PostgreSQL server: the bench creates and drops a
 * database of its own); uses Kafka when KAFKA_BROKERS is set, else the
 * embedded bus.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ClassifiedMentionSchema, type ClassifiedMention } from '@earshot/domain';
import { createScratchDatabase } from '@earshot/db';
import { createLogger } from '@earshot/logging';
import { startEarshot } from '@earshot/runtime';
import { routerService } from '../src/index.js';

export interface RouterBenchmarkOptions {
  /** A PostgreSQL server URL; a scratch database is made on it. */
  databaseUrl: string;
  /** Kafka brokers; empty for the embedded bus. */
  brokers: string[];
  messages: number;
  /** Mentions published per second, in small bursts every 20 ms. */
  rate: number;
}

export interface RouterBenchmarkResult {
  bus: 'embedded' | 'kafka';
  messages: number;
  rate: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  itemsPerSecond: number;
}

/** A support desk of ten responders; every mention is a complaint routed to it with escalation timers. */
const BENCH_CONFIG = `
brands:
  - { id: acme, name: Acme, query: 'acme' }
responders:
${Array.from({ length: 10 }, (_, i) => `  - { id: r${i}, name: Responder ${i}, email: r${i}@acme.test, slackUserId: U0R${i}, languages: [en] }`).join('\n')}
teams:
  - { id: support, members: [${Array.from({ length: 10 }, (_, i) => `r${i}`).join(', ')}], lead: r0, slackChannel: C0SUPPORT, strategy: least-loaded }
routing:
  - { name: complaints, match: { category: [complaint] }, team: support }
  - { name: default, team: support }
sla:
  P3: { ack: 4h, handle: 24h }
escalation:
  - { at: 50% ack, notify: [assignee], via: slack-dm }
  - { at: 100% ack, notify: [team-channel, lead], via: slack }
  - { at: 100% handle, notify: [team-channel], via: slack }
`;

function message(index: number): ClassifiedMention {
  const mention = {
    platform: 'bench',
    externalId: String(index),
    url: `https://example.com/posts/${index}`,
    text: `@acme order ${index} arrived broken, I want a refund`,
    lang: 'en',
    author: { handle: `user${index % 1000}`, followers: index % 5000 },
    createdAt: new Date(1_780_000_000_000 + index * 1000).toISOString(),
    matchedBrands: ['acme'],
  };
  return ClassifiedMentionSchema.parse({
    id: `bench:${index}`,
    mention,
    classification: {
      sentiment: { label: 'negative', score: -0.8, confidence: 0.9 },
      urgency: { score: 55, reasons: ['negative sentiment'] },
      category: 'complaint',
      priority: 'P3',
      modelVersion: 'bench',
      classifiedAt: new Date().toISOString(),
    },
  });
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

const logger = createLogger({ level: 'warn' });

export async function runRouterBenchmark(options: RouterBenchmarkOptions): Promise<RouterBenchmarkResult> {
  const db = await createScratchDatabase(options.databaseUrl, 'earshot_bench_router');
  const dir = mkdtempSync(join(tmpdir(), 'earshot-router-bench-'));
  writeFileSync(join(dir, 'earshot.yaml'), BENCH_CONFIG);
  const earshot = await startEarshot([routerService], {
    rawEnv: {
      DATABASE_URL: db.url,
      KAFKA_BROKERS: options.brokers.join(','),
      KAFKA_TOPIC_PREFIX: `${db.name}.`,
      EARSHOT_CONFIG: join(dir, 'earshot.yaml'),
      EARSHOT_DATA_DIR: dir,
      EARSHOT_SERVICES: 'router',
      PORT: '0',
      HOST: '127.0.0.1',
    },
    logger,
    onFatal: (error) => {
      throw error;
    },
  });
  try {
    const publishedAt = new Map<string, number>();
    const seenAt = new Map<string, number>();
    let lastRow = 0;
    let watching = true;
    // Stamps each alert row when it becomes visible, as the outbox worker would see it.
    const watcher = (async () => {
      while (watching) {
        const { rows } = await earshot.pool.query<{ id: string; mention_id: string }>(
          `SELECT o.id, i.mention_id FROM notification_outbox o JOIN items i ON i.id = o.item_id WHERE o.id > $1 AND o.kind = 'alert' ORDER BY o.id`,
          [lastRow],
        );
        const now = performance.now();
        for (const row of rows) seenAt.set(row.mention_id, now);
        lastRow = rows.length > 0 ? Number(rows.at(-1)!.id) : lastRow;
        if (seenAt.size >= options.messages) return;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    })();

    const perBurst = Math.max(1, Math.round(options.rate / 50));
    const started = performance.now();
    for (let offset = 0; offset < options.messages; offset += perBurst) {
      const due = started + (offset / options.rate) * 1000;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      const burst = Array.from({ length: Math.min(perBurst, options.messages - offset) }, (_, i) => message(offset + i));
      const at = performance.now();
      for (const value of burst) publishedAt.set(value.id, at);
      await earshot.bus.publish('mentions.classified', burst.map((value) => ({ key: value.id, value })));
    }
    const deadline = Date.now() + 300_000;
    while (seenAt.size < options.messages && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    watching = false;
    await watcher;
    if (seenAt.size < options.messages) throw new Error(`only ${seenAt.size} of ${options.messages} alerts appeared within 5 minutes`);

    const delays = [...publishedAt].map(([id, at]) => seenAt.get(id)! - at).sort((a, b) => a - b);
    const finished = Math.max(...seenAt.values());
    return {
      bus: options.brokers.length > 0 ? 'kafka' : 'embedded',
      messages: options.messages,
      rate: options.rate,
      p50Ms: Math.round(percentile(delays, 50)),
      p99Ms: Math.round(percentile(delays, 99)),
      maxMs: Math.round(delays.at(-1) ?? 0),
      itemsPerSecond: Math.round(options.messages / ((finished - started) / 1000)),
    };
  } finally {
    await earshot.stop();
    await db.drop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { messages: { type: 'string' }, rate: { type: 'string' } } });
  const databaseUrl = process.env.DATABASE_URL;
  if (!databaseUrl) throw new Error('set DATABASE_URL to a PostgreSQL server; the bench makes and drops a database of its own');
  const result = await runRouterBenchmark({
    databaseUrl,
    brokers: (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean),
    messages: Number(values.messages ?? 5000),
    rate: Number(values.rate ?? 1000),
  });
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main();
