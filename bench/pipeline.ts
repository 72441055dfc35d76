/**
 * The whole daemon end to end: mentions published on mentions.raw go through
 * the classifier (stored, classified, near-duplicates and spam recognised),
 * mentions.classified, the router (item, assignment, deadlines, timers) and
 * end as an alert row in notification_outbox ("alert enqueued": no Slack or
 * SMTP is configured, so nothing is sent and the rows stay there).
 *
 * Three figures, each on a scratch database of its own:
 * - sustained throughput: every service in this process, N mentions published
 *   as fast as the bus takes them, until each has its outcome in SQL;
 * - latency at a fixed offered load, every service in this process: publish call → alert
 *   row visible, p50 / p99;
 * - peak RSS of each service run alone in its own `earshot start` process
 *   from the built bundle (EARSHOT_SERVICES=x), all four together under the
 *   throughput load.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createBus, type Bus } from '@earshot/bus';
import { createPool, createScratchDatabase, type Pool } from '@earshot/db';
import { mentionId, type MentionInput } from '@earshot/domain';
import { createLogger } from '@earshot/logging';
import { loadPostTexts } from '@earshot/matcher/bench';
import { SERVICE_NAMES, startEarshot, type RunningEarshot, type ServiceName } from '@earshot/runtime';
import { ALL_SERVICES } from '../cli/src/services.js';

export interface PipelineBenchmarkOptions {
  /** A PostgreSQL server URL; scratch databases are made on it and dropped. */
  databaseUrl: string;
  /** Kafka brokers; empty for the embedded bus. */
  brokers: string[];
  /** Mentions for the throughput run (and for the per-service RSS run). */
  mentions: number;
  /** Offered load for the latency run, mentions/s, in bursts every 20 ms. */
  rate?: number;
  /** How long the latency run offers that load. */
  seconds?: number;
  /** Real post texts (TSV or CSV, see loadPostTexts); generated text without it. */
  data?: string;
  /** Also run each service in its own process to read its peak RSS. */
  perServiceRss?: boolean;
}

export interface MentionOutcomes {
  alerted: number;
  /** Grouped into an earlier mention's item (near-duplicates): no alert of their own. */
  burst: number;
  spam: number;
}

export interface PipelineBenchmarkResult {
  bus: 'embedded' | 'kafka';
  throughput: { mentions: number; mentionsPerSecond: number; publishPerSecond: number; outcomes: MentionOutcomes };
  latency: { offered: number; rate: number; p50Ms: number; p99Ms: number; maxMs: number; outcomes: MentionOutcomes };
  /** Peak RSS of this process while it ran all four services (plus the bench's own publisher and bookkeeping). */
  allInOnePeakRssMb: number;
  /** Peak RSS of each service alone in its own process, under the throughput load; null when not measured. */
  perService: { mentionsPerSecond: number; peakRssMb: Record<ServiceName, number> } | null;
}

const logger = createLogger({ level: 'warn' });
const BUILD_SCRIPT = fileURLToPath(new URL('../cli/build.mjs', import.meta.url));
/** The heap cap infra/docker-compose.yml and infra/k8s give each service's container. */
const SERVICE_NODE_OPTIONS = '--max-old-space-size=128';
/** The bundle carries no migrations: the image has them in a folder of its own, as the checkout does. */
const MIGRATIONS_DIR = fileURLToPath(new URL('../migrations/', import.meta.url));
const PUBLISH_BATCH = 500;
const ALL_DONE_TIMEOUT_MS = 600_000;

/** One brand, one support desk of five with a Slack channel: every routed mention is one channel alert. */
const BENCH_CONFIG = `
brands:
  - { id: acme, name: Acme, query: 'acme' }
responders:
${Array.from({ length: 5 }, (_, i) => `  - { id: r${i}, name: Responder ${i}, slackUserId: U0R${i}, languages: [en] }`).join('\n')}
teams:
  - { id: support, members: [${Array.from({ length: 5 }, (_, i) => `r${i}`).join(', ')}], lead: r0, slackChannel: C0SUPPORT, strategy: least-loaded }
routing:
  - { name: complaints, match: { category: [complaint] }, team: support }
  - { name: default, team: support }
sla:
  P1: { ack: 15m, handle: 2h }
  P2: { ack: 1h, handle: 8h }
  P3: { ack: 4h, handle: 24h }
  P4: { ack: 24h, handle: 72h }
escalation:
  - { at: 50% ack, notify: [assignee], via: slack-dm }
  - { at: 100% ack, notify: [team-channel, lead], via: slack }
`;

/** Varied customer posts when no data file is given; seeded so runs compare. */
function generatedTexts(count: number): string[] {
  const openers = ['@acme', 'hey @acme', 'so @acme', 'Acme', 'wow @acme'];
  const bodies = [
    'my order {n} arrived broken, I want a refund',
    'the app keeps crashing since the update, order {n} stuck',
    'love the new phone, delivery {n} was fast!',
    'how do I change the address on order {n}?',
    'still waiting on support ticket {n}, third week now',
    'charged twice for order {n}, please fix',
    'great service today from your store in branch {n}',
    'is the outage in region {n} being looked at?',
  ];
  return Array.from({ length: count }, (_, i) => `${openers[i % openers.length]} ${bodies[(i * 7) % bodies.length]!.replace('{n}', String(1000 + i))}`);
}

function benchMentions(texts: readonly string[], phase: string, from: number, count: number): MentionInput[] {
  return Array.from({ length: count }, (_, i) => {
    const index = from + i;
    const text = texts[index % texts.length]!;
    return {
      platform: 'bench',
      externalId: `${phase}-${index}`,
      url: `https://example.com/posts/${phase}-${index}`,
      // The data's posts are not about the brand; addressing it makes each one a mention the way the ingestor would pass it on.
      text: /acme/i.test(text) ? text : `@acme ${text}`,
      lang: 'en',
      author: { handle: `user${index % 5000}`, followers: (index * 37) % 20_000 },
      createdAt: new Date(Date.now() - 60_000 + (index % 60_000)).toISOString(),
      engagement: { likes: index % 25, reposts: index % 7 },
      matchedBrands: ['acme'],
    };
  });
}

interface Scratch {
  name: string;
  url: string;
  dir: string;
  configPath: string;
  drop(): Promise<void>;
}

async function scratch(serverUrl: string, label: string): Promise<Scratch> {
  const db = await createScratchDatabase(serverUrl, `earshot_bench_${label}`);
  const dir = mkdtempSync(join(tmpdir(), 'earshot-pipeline-bench-'));
  const configPath = join(dir, 'earshot.yaml');
  writeFileSync(configPath, BENCH_CONFIG);
  return {
    name: db.name,
    url: db.url,
    dir,
    configPath,
    drop: async () => {
      await db.drop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function daemonEnv(db: Scratch, brokers: string[], services: readonly ServiceName[]): Record<string, string> {
  return {
    DATABASE_URL: db.url,
    KAFKA_BROKERS: brokers.join(','),
    KAFKA_TOPIC_PREFIX: `${db.name}.`,
    EARSHOT_CONFIG: db.configPath,
    EARSHOT_DATA_DIR: db.dir,
    EARSHOT_SERVICES: services.join(','),
    PORT: '0',
    HOST: '127.0.0.1',
  };
}

/** Mentions whose end is reached: an alerted item, grouped into another's item, or dropped as spam. */
async function outcomes(pool: Pool): Promise<MentionOutcomes> {
  const { rows } = await pool.query<{ alerted: string; burst: string; spam: string }>(
    `SELECT (SELECT count(DISTINCT item_id) FROM notification_outbox WHERE kind = 'alert') AS alerted,
            (SELECT count(*) FROM item_burst_mentions) AS burst,
            (SELECT count(*) FROM classifications WHERE category = 'spam') AS spam`,
  );
  const row = rows[0]!;
  return { alerted: Number(row.alerted), burst: Number(row.burst), spam: Number(row.spam) };
}

const total = (o: MentionOutcomes) => o.alerted + o.burst + o.spam;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function waitForOutcomes(pool: Pool, expected: number): Promise<MentionOutcomes> {
  const deadline = Date.now() + ALL_DONE_TIMEOUT_MS;
  for (;;) {
    const seen = await outcomes(pool);
    if (total(seen) >= expected) return seen;
    if (Date.now() > deadline) throw new Error(`only ${total(seen)} of ${expected} mentions reached an outcome within ${ALL_DONE_TIMEOUT_MS / 1000} s`);
    await sleep(50);
  }
}

/** Publishes as fast as the bus accepts, then waits until every mention has its outcome. */
async function sustained(pool: Pool, bus: Bus, mentions: readonly MentionInput[]) {
  const started = performance.now();
  for (let offset = 0; offset < mentions.length; offset += PUBLISH_BATCH) {
    const batch = mentions.slice(offset, offset + PUBLISH_BATCH);
    await bus.publish('mentions.raw', batch.map((value) => ({ key: mentionId(value), value })));
  }
  const published = performance.now();
  const seen = await waitForOutcomes(pool, mentions.length);
  const finished = performance.now();
  return {
    mentions: mentions.length,
    mentionsPerSecond: Math.round(mentions.length / ((finished - started) / 1000)),
    publishPerSecond: Math.round(mentions.length / ((published - started) / 1000)),
    outcomes: seen,
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

/**
 * Offers `rate` mentions/s in bursts every 20 ms and stamps each alert row
 * when it becomes visible (what the notification worker would see): the
 * delay runs from the publish call to that, on this process's clock.
 */
async function atFixedLoad(pool: Pool, bus: Bus, mentions: readonly MentionInput[], rate: number) {
  const publishedAt = new Map<string, number>();
  const alertedAt = new Map<string, number>();
  let lastRow = 0;
  let watching = true;
  const watcher = (async () => {
    while (watching) {
      const { rows } = await pool.query<{ id: string; mention_id: string }>(
        `SELECT o.id, i.mention_id FROM notification_outbox o JOIN items i ON i.id = o.item_id WHERE o.id > $1 AND o.kind = 'alert' ORDER BY o.id`,
        [lastRow],
      );
      const now = performance.now();
      for (const row of rows) if (!alertedAt.has(row.mention_id)) alertedAt.set(row.mention_id, now);
      lastRow = rows.length > 0 ? Number(rows.at(-1)!.id) : lastRow;
      await sleep(10);
    }
  })();

  const perBurst = Math.max(1, Math.round(rate / 50));
  const started = performance.now();
  for (let offset = 0; offset < mentions.length; offset += perBurst) {
    const wait = started + (offset / rate) * 1000 - performance.now();
    if (wait > 0) await sleep(wait);
    const burst = mentions.slice(offset, offset + perBurst);
    const at = performance.now();
    for (const value of burst) publishedAt.set(mentionId(value), at);
    await bus.publish('mentions.raw', burst.map((value) => ({ key: mentionId(value), value })));
  }
  const seen = await waitForOutcomes(pool, mentions.length);
  // The last alerts may have committed after the watcher's latest look.
  await sleep(50);
  watching = false;
  await watcher;

  const delays = [...alertedAt].flatMap(([id, at]) => (publishedAt.has(id) ? [at - publishedAt.get(id)!] : [])).sort((a, b) => a - b);
  return {
    offered: mentions.length,
    rate,
    p50Ms: Math.round(percentile(delays, 50)),
    p99Ms: Math.round(percentile(delays, 99)),
    maxMs: Math.round(delays.at(-1) ?? 0),
    outcomes: seen,
  };
}

/** VmHWM: the most resident memory the process has had, from the kernel. */
function peakRssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
  if (line === undefined) throw new Error(`no VmHWM for process ${pid}`);
  return Math.round(Number.parseInt(line.replace(/\D+/g, ''), 10) / 1024);
}

/** Starts `earshot start` from `entry` for one service and resolves once it logs that it is running. */
function startChild(entry: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [entry, 'start'], {
    env: { ...process.env, ...env, NODE_OPTIONS: SERVICE_NODE_OPTIONS, EARSHOT_MIGRATIONS_DIR: MIGRATIONS_DIR, LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    let running = false;
    const recent: string[] = [];
    lines.on('line', (line) => {
      recent.push(line);
      if (recent.length > 10) recent.shift();
      if (!running && line.includes('earshot is running')) {
        running = true;
        resolve(child);
      }
    });
    child.once('exit', (code) => reject(new Error(`earshot start (${env.EARSHOT_SERVICES}) exited with ${code} before it was running; its last log lines:\n${recent.join('\n')}`)));
  });
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

/**
 * Each service alone in its own process (as in a split deployment), under
 * the throughput load, run as the compose file and the Kubernetes manifests
 * run it: from the bundle `pnpm build` makes (a checkout's tsx loader keeps
 * every transpiled module and its source map in memory, the image does not),
 * with their heap cap.
 */
async function perServiceRss(options: PipelineBenchmarkOptions, mentions: readonly MentionInput[]): Promise<NonNullable<PipelineBenchmarkResult['perService']>> {
  const bundleDir = mkdtempSync(join(tmpdir(), 'earshot-bench-bundle-'));
  execFileSync(process.execPath, [BUILD_SCRIPT, bundleDir], { stdio: 'inherit' });
  const entry = join(bundleDir, 'earshot.mjs');
  const db = await scratch(options.databaseUrl, 'split');
  const children = new Map<ServiceName, ChildProcess>();
  const pool = createPool(db.url, logger, { max: 4 });
  let bus: Bus | null = null;
  try {
    // One at a time: they share the migration lock, and the first one creates the schema the rest only check.
    for (const name of SERVICE_NAMES) children.set(name, await startChild(entry, daemonEnv(db, options.brokers, [name])));
    bus = createBus({
      kafkaBrokers: options.brokers,
      topicPrefix: `${db.name}.`,
      clientId: 'earshot-bench',
      pool,
      logger,
      onFatal: (error) => {
        throw error;
      },
    });
    const result = await sustained(pool, bus, mentions);
    const peaks = Object.fromEntries([...children].map(([name, child]) => [name, peakRssMb(child.pid!)])) as Record<ServiceName, number>;
    return { mentionsPerSecond: result.mentionsPerSecond, peakRssMb: peaks };
  } finally {
    for (const child of [...children.values()].reverse()) await stopChild(child);
    await bus?.close();
    await pool.end();
    await db.drop();
    rmSync(bundleDir, { recursive: true, force: true });
  }
}

/** All four services in this process on a fresh scratch database, for the length of `run`. */
async function withDaemon<T>(options: PipelineBenchmarkOptions, label: string, run: (earshot: RunningEarshot) => Promise<T>): Promise<T> {
  const db = await scratch(options.databaseUrl, label);
  try {
    const earshot = await startEarshot(ALL_SERVICES, {
      rawEnv: daemonEnv(db, options.brokers, SERVICE_NAMES),
      logger,
      onFatal: (error) => {
        throw error;
      },
    });
    try {
      return await run(earshot);
    } finally {
      await earshot.stop();
    }
  } finally {
    await db.drop();
  }
}

export async function runPipelineBenchmark(options: PipelineBenchmarkOptions): Promise<PipelineBenchmarkResult> {
  const rate = options.rate ?? 1000;
  const seconds = options.seconds ?? 10;
  const texts = options.data ? loadPostTexts(options.data) : generatedTexts(20_000);
  const throughputMentions = benchMentions(texts, 't', 0, options.mentions);
  // From the same texts on a database of its own: reusing them after the throughput run would make most of them near-duplicates, with no alert.
  const latencyMentions = benchMentions(texts, 'l', 0, rate * seconds);

  // Peak RSS from here, not since this process started: run.ts measures other things first.
  writeFileSync('/proc/self/clear_refs', '5');
  const throughput = await withDaemon(options, 'throughput', (earshot) => sustained(earshot.pool, earshot.bus, throughputMentions));
  const latency = await withDaemon(options, 'latency', (earshot) => atFixedLoad(earshot.pool, earshot.bus, latencyMentions, rate));
  const allInOnePeakRssMb = peakRssMb(process.pid);
  const perService = options.perServiceRss ? await perServiceRss(options, throughputMentions) : null;
  return { bus: options.brokers.length > 0 ? 'kafka' : 'embedded', throughput, latency, allInOnePeakRssMb, perService };
}
