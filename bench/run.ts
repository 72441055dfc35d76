/**
 * `pnpm bench [--data PATH] [--only NAME,...]`: the project's figures, each
 * measured in this one run, printed as a table. Uses DATABASE_URL and
 * KAFKA_BROKERS when set (the Kafka rows are left out without a broker), else
 * an embedded PostgreSQL under the temp dir.
 */
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureEmbeddedPostgres } from '@earshot/db';
import { createLogger } from '@earshot/logging';
import { runApiBenchmark } from '@earshot/api/bench';
import { runClassifierBenchmark } from '@earshot/classification/bench';
import { runMatcherBenchmark } from '@earshot/matcher/bench';
import { runRouterBenchmark } from '@earshot/router/bench';
import { runBusBenchmark } from './bus.js';
import { runPipelineBenchmark } from './pipeline.js';

interface Row {
  figure: string;
  value: string;
  note: string;
}

const { values } = parseArgs({
  options: { data: { type: 'string' }, only: { type: 'string' }, messages: { type: 'string' }, mentions: { type: 'string' }, rate: { type: 'string' }, seconds: { type: 'string' } },
});
const only = values.only ? new Set(values.only.split(',')) : null;
const wanted = (name: string) => only === null || only.has(name);
const rows: Row[] = [];
const number = (n: number) => n.toLocaleString('en-US');

const embedded = process.env.DATABASE_URL ? null : await ensureEmbeddedPostgres(join(tmpdir(), 'earshot-bench-postgres'), createLogger({ level: 'warn' }));
const databaseUrl = process.env.DATABASE_URL ?? embedded!.url;
const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').filter(Boolean);
const messages = Number(values.messages ?? 20_000);

try {
  if (wanted('matcher')) {
    const result = runMatcherBenchmark({ ...(values.data ? { data: values.data } : {}), queries: 1000 });
    rows.push({ figure: 'matcher: posts/s per core, 1,000 brand queries', value: number(result.postsPerSecond), note: `${number(result.posts)} posts, ${number(result.matches)} matches` });
  }
  if (wanted('classifier')) {
    const result = runClassifierBenchmark(values.data ? { data: values.data } : {});
    rows.push({ figure: 'classifier: mentions/s per core', value: number(result.mentionsPerSecond), note: `sentiment model alone ${number(result.sentimentPerSecond)}/s; ${number(result.mentions)} mentions` });
  }
  if (wanted('router')) {
    for (const busBrokers of [[], brokers]) {
      if (busBrokers === brokers && brokers.length === 0) continue;
      const result = await runRouterBenchmark({ databaseUrl, brokers: busBrokers, messages: 3000, rate: 200 });
      rows.push({
        figure: `router (${result.bus}): classified → alert enqueued, p50 / p99 ms`,
        value: `${number(result.p50Ms)} / ${number(result.p99Ms)}`,
        note: `${number(result.messages)} mentions offered at ${result.rate}/s`,
      });
    }
  }
  if (wanted('api')) {
    const result = await runApiBenchmark({ databaseUrl, items: 2000, seconds: 10, connections: 10 });
    for (const [name, figures] of [['list open items', result.listOpenItems], ['mark handled', result.markHandled]] as const) {
      rows.push({ figure: `api: ${name}, req/s (p99 ms)`, value: `${number(figures.requestsPerSecond)} (${number(figures.p99Ms)})`, note: `${result.connections} connections, ${number(result.items)} items` });
    }
  }
  if (wanted('bus')) {
    for (const kind of ['embedded', 'kafka'] as const) {
      if (kind === 'kafka' && brokers.length === 0) continue;
      const result = await runBusBenchmark({ kind, databaseUrl, brokers, messages });
      rows.push({ figure: `bus (${kind}): publish msgs/s`, value: number(result.publishPerSecond), note: `${number(messages)} mentions, batches of 500` });
      rows.push({ figure: `bus (${kind}): publish → consumed msgs/s`, value: number(result.endToEndPerSecond), note: 'one consumer group, no-op handler' });
    }
  }
  if (wanted('pipeline')) {
    const mentions = Number(values.mentions ?? 20_000);
    const rate = Number(values.rate ?? 1000);
    for (const busBrokers of [[], brokers]) {
      if (busBrokers === brokers && brokers.length === 0) continue;
      // Each service in its own process once, on the deployment's bus (Kafka when there is one).
      const perServiceRss = busBrokers.length > 0 || brokers.length === 0;
      const result = await runPipelineBenchmark({
        databaseUrl,
        brokers: busBrokers,
        mentions,
        rate,
        seconds: Number(values.seconds ?? 10),
        perServiceRss,
        ...(values.data ? { data: values.data } : {}),
      });
      const { throughput, latency } = result;
      rows.push({
        figure: `pipeline (${result.bus}): raw → alert enqueued, mentions/s sustained`,
        value: number(throughput.mentionsPerSecond),
        note: `${number(throughput.mentions)} mentions, all 4 services in one process: ${number(throughput.outcomes.alerted)} alerted, ${number(throughput.outcomes.burst)} near-duplicates, ${number(throughput.outcomes.spam)} spam`,
      });
      rows.push({
        figure: `pipeline (${result.bus}): accepted → alert enqueued, p50 / p99 ms`,
        value: `${number(latency.p50Ms)} / ${number(latency.p99Ms)}`,
        note: `${number(latency.offered)} mentions offered at ${number(latency.rate)}/s; max ${number(latency.maxMs)} ms; ${number(latency.outcomes.alerted)} alerted, ${number(latency.outcomes.burst)} near-duplicates, ${number(latency.outcomes.spam)} spam`,
      });
      rows.push({ figure: `pipeline (${result.bus}): peak RSS, all services in one process, MB`, value: number(result.allInOnePeakRssMb), note: 'bench publisher included' });
      if (result.perService !== null) {
        for (const [service, megabytes] of Object.entries(result.perService.peakRssMb)) {
          rows.push({ figure: `${service} alone (${result.bus}): peak RSS, MB`, value: number(megabytes), note: 'own process as deployed (bundle, heap cap 128 MB), under the throughput load' });
        }
        rows.push({
          figure: `pipeline (${result.bus}), one process per service: mentions/s sustained`,
          value: number(result.perService.mentionsPerSecond),
          note: `${number(throughput.mentions)} mentions`,
        });
      }
    }
  }
} finally {
  await embedded?.stop();
}

const widths = [Math.max(6, ...rows.map((r) => r.figure.length)), Math.max(5, ...rows.map((r) => r.value.length))];
const line = (a: string, b: string, c: string) => `| ${a.padEnd(widths[0]!)} | ${b.padStart(widths[1]!)} | ${c} |`;
process.stdout.write(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}\n\n`);
process.stdout.write(`${line('figure', 'value', 'note')}\n|${'-'.repeat(widths[0]! + 2)}|${'-'.repeat(widths[1]! + 2)}|---|\n`);
for (const row of rows) process.stdout.write(`${line(row.figure, row.value, row.note)}\n`);
