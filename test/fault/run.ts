/**
 * Fault tests (issue 7): the pipeline as separate processes on a Kafka
 * broker and a PostgreSQL of the run's own, under a steady load of pushed
 * mentions, while services are SIGKILLed, the broker and the database are
 * restarted, Slack answers 429 and 500, and the SMTP server is down. Then,
 * once everything has settled: every accepted mention stored once and in one
 * item, every alert and escalation step delivered exactly once.
 * See test/fault/README.md.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createPool, type Pool } from '@earshot/db';
import { createLogger } from '@earshot/logging';
import { runCli } from '../support/cli.js';
import { startSlackStub } from '../support/slack-stub.js';
import { startSmtpServer } from '../support/smtp.js';
import { ownKafka, ownPostgres } from './infra.js';
import { startLoad, type Load } from './load.js';
import { note, sleep } from './log.js';
import { ServiceProcess } from './services.js';
import { countsTable, lostOrDuplicated, progress, verify, type Progress } from './verify.js';
import { desks, faultConfig, MAX_DESKS, workloadMention } from './workload.js';

const OPTIONS = {
  'outage-seconds': { default: '60', help: 'how long Slack answers 429/500 and how long the SMTP server is down' },
  'down-seconds': { default: '15', help: 'how long the Kafka broker and PostgreSQL stay down' },
  kills: { default: '3', help: 'SIGKILLs of the classifier, then of the router' },
  rate: { default: '40', help: 'mentions per second offered' },
  desks: { default: '24', help: `teams whose items alert (at most ${MAX_DESKS}); each has a Slack channel, paced by Slack to about 1 message/s` },
  'alert-every': { default: '20', help: 'one mention in this many is a desk complaint that alerts and escalates' },
  'ack-seconds': { default: '20', help: 'acknowledge SLA: the escalation steps fire at half of it and at it' },
  'settle-seconds': { default: '420', help: 'longest wait for the pipeline to finish its work after the load stops' },
} as const;

function readOptions() {
  const numeric = Object.fromEntries(Object.entries(OPTIONS).map(([name, { default: value }]) => [name, { type: 'string', default: value }])) as Record<
    keyof typeof OPTIONS,
    { type: 'string'; default: string }
  >;
  const { values } = parseArgs({ options: { ...numeric, keep: { type: 'boolean', default: false }, help: { type: 'boolean', default: false } } });
  if (values.help) {
    process.stdout.write(
      `pnpm test:fault [--keep] ${Object.entries(OPTIONS)
        .map(([name, { default: value, help }]) => `\n  --${name} N   ${help} (default ${value})`)
        .join('')}\n  --keep   leave the run's directory (logs, broker and database data) in place\n`,
    );
    process.exit(0);
  }
  const number = (name: keyof typeof OPTIONS, max = Number.MAX_SAFE_INTEGER) => {
    const text = values[name];
    const value = Number(text);
    if (!Number.isInteger(value) || value < 1 || value > max) throw new Error(`--${name}: "${text}" is not a whole number between 1 and ${max}`);
    return value;
  };
  return {
    outageSeconds: number('outage-seconds'),
    downSeconds: number('down-seconds'),
    kills: number('kills'),
    rate: number('rate'),
    desks: number('desks', MAX_DESKS),
    alertEvery: number('alert-every'),
    ackSeconds: number('ack-seconds'),
    settleSeconds: number('settle-seconds'),
    keep: values.keep === true,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no free port'))));
    });
  });
}

/** Undone in reverse order, once, whether the run ends, fails or is interrupted. */
const cleanups: Array<{ what: string; undo: () => Promise<unknown> }> = [];
let cleaning: Promise<void> | null = null;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const { what, undo } of cleanups.splice(0).reverse()) {
      await undo().catch((error: unknown) => note(`cleanup: could not ${what}: ${String(error)}`));
    }
  })();
  return cleaning;
}
/** On Ctrl-C: what must not wait (the load, the services) is dropped at once, then the broker and the database are stopped as usual. */
const interruptions: Array<() => void> = [];
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (cleaning) return;
    note(`${signal}: stopping everything the run started`);
    for (const interrupt of interruptions) interrupt();
    void cleanUp().finally(() => process.exit(130));
  });
}

async function main(): Promise<number> {
  const options = readOptions();
  const started = Date.now();
  const runDir = mkdtempSync(join(tmpdir(), 'earshot-fault-'));
  // As root, PostgreSQL runs as the `postgres` user, which must be able to reach its data dir inside.
  chmodSync(runDir, 0o711);
  cleanups.push({ what: `remove ${runDir}`, undo: async () => (options.keep ? note(`kept ${runDir}`) : rmSync(runDir, { recursive: true, force: true })) });
  const logDir = join(runDir, 'logs');
  mkdirSync(logDir);
  note(`fault run in ${runDir}: ${JSON.stringify({ ...options, keep: undefined })}`);

  const kafka = ownKafka({ port: await freePort(), controllerPort: await freePort(), dataDir: join(runDir, 'kafka') });
  cleanups.push({ what: 'stop the Kafka broker', undo: () => kafka.stop() });
  await kafka.start();
  note(`Kafka broker up on ${kafka.brokers}`);
  const postgres = await ownPostgres(join(runDir, 'postgres'), createLogger({ level: 'warn', name: 'fault-postgres' }));
  cleanups.push({ what: 'stop PostgreSQL', undo: () => postgres.stop() });
  note('PostgreSQL up');
  const slack = await startSlackStub();
  cleanups.push({ what: 'close the Slack stub', undo: () => slack.close() });
  const smtp = await startSmtpServer();
  cleanups.push({ what: 'close the SMTP server', undo: () => smtp.close() });

  const deskList = desks(options.desks);
  const configPath = join(runDir, 'earshot.yaml');
  writeFileSync(configPath, faultConfig(deskList, options.ackSeconds));
  const baseEnv = { DATABASE_URL: postgres.url, EARSHOT_CONFIG: configPath, EARSHOT_DATA_DIR: runDir };
  for (const args of [['config', 'check', configPath], ['migrate']]) {
    const result = await runCli(args, { env: baseEnv });
    if (result.code !== 0) throw new Error(`earshot ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
  }
  const token = await runCli(['token', 'create', '--role', 'admin'], { env: baseEnv });
  if (token.code !== 0) throw new Error(`earshot token create failed:\n${token.stderr}`);

  const serviceEnv = {
    ...baseEnv,
    KAFKA_BROKERS: kafka.brokers,
    SLACK_BOT_TOKEN: 'xoxb-fault',
    SLACK_API_URL: slack.url,
    SMTP_URL: smtp.url,
    MAIL_FROM: 'Earshot <earshot@acme.test>',
    ROUTER_TICK_MS: '250',
    // One client pushes the whole load with one token.
    EARSHOT_API_RATE_LIMIT_PER_MINUTE: '1000000',
  };
  const services = Object.fromEntries(['api', 'classifier', 'router'].map((name) => [name, new ServiceProcess(name, serviceEnv, logDir)])) as Record<
    'api' | 'classifier' | 'router',
    ServiceProcess
  >;
  for (const service of Object.values(services)) {
    cleanups.push({ what: `stop ${service.name}`, undo: () => service.stop() });
    interruptions.push(() => service.killNow());
  }
  await Promise.all(Object.values(services).map((service) => service.start()));
  note(`services up: ${Object.values(services).map((service) => `${service.name} pid ${service.pid}`).join(', ')}`);

  const pool = createPool(postgres.url, createLogger({ level: 'error', name: 'fault-check' }), { max: 2 });
  cleanups.push({ what: 'close the checking pool', undo: () => pool.end() });
  const load = startLoad({
    apiUrl: () => services.api.url!,
    token: token.stdout.trim(),
    rate: options.rate,
    batchSize: Math.max(1, Math.round(options.rate / 8)),
    concurrency: 4,
    mention: (n) => workloadMention(n, deskList, options.alertEvery),
  });
  cleanups.push({ what: 'stop the load', undo: () => load.stop() });
  interruptions.push(() => load.abandon());
  note(`load: ${options.rate} mentions/s through POST /v1/mentions`);

  const faults = new Faults(pool, options.rate);
  await faults.waitFor('the first alerts', async () => slack.posts().length >= 3, 120_000);

  for (let kill = 1; kill <= options.kills; kill += 1) await faults.killAndRestart(services.classifier, 'stored', `${kill} of ${options.kills}`);
  for (let kill = 1; kill <= options.kills; kill += 1) await faults.killAndRestart(services.router, 'itemsOrGrouped', `${kill} of ${options.kills}`);

  note('FAULT Kafka broker: stopping');
  await kafka.stop();
  note(`FAULT Kafka broker: stopped; down for ${options.downSeconds} s`);
  await sleep(options.downSeconds * 1_000);
  await kafka.start();
  note('FAULT Kafka broker: started again');
  await faults.moving('stored', 'mentions stored after the broker restart');

  note('FAULT PostgreSQL: stopping');
  await postgres.stop();
  note(`FAULT PostgreSQL: stopped; down for ${options.downSeconds} s`);
  await sleep(options.downSeconds * 1_000);
  await postgres.start();
  note('FAULT PostgreSQL: started again');
  await faults.moving('stored', 'mentions stored after the database restart');

  const half = (options.outageSeconds * 1_000) / 2;
  note(`FAULT Slack: answering 429 (Retry-After 5 s) for ${half / 1_000} s`);
  slack.setResponder(() => ({ kind: 'rate-limited', retryAfterSeconds: 5 }));
  await sleep(half);
  note(`FAULT Slack: answering HTTP 500 for ${half / 1_000} s`);
  slack.setResponder(() => ({ kind: 'http-error', status: 500 }));
  await sleep(half);
  slack.setResponder(null);
  const postsBefore = slack.posts().length;
  note('FAULT Slack: answering normally again');
  await faults.waitFor('Slack messages after the outage', async () => slack.posts().length >= postsBefore + 5, 180_000);

  note(`FAULT SMTP: server down for ${options.outageSeconds} s`);
  await smtp.stop();
  await sleep(options.outageSeconds * 1_000);
  const mailsBefore = smtp.messages.length;
  await smtp.start();
  note('FAULT SMTP: server up again');
  await faults.waitFor('emails after the outage', async () => smtp.messages.length >= mailsBefore + 3, 180_000);

  note('faults done; stopping the load');
  await load.stop();
  note(`load stopped: ${load.accepted.size} mentions accepted, ${load.retries} requests sent again`);
  await settle(pool, load, options.settleSeconds * 1_000);

  const counts = await verify(pool, load.accepted, deskList, slack, smtp);
  const restarts = Object.values(services).flatMap((service) => service.unexpectedExits);
  process.stdout.write(`\nFault run results (${Math.round((Date.now() - started) / 1_000)} s):\n${countsTable(counts)}\n`);
  process.stdout.write(`  services that exited by themselves (started again)  ${restarts.length}${restarts.map((what) => `\n    ${what}`).join('')}\n`);
  for (const problem of counts.problems) process.stdout.write(`  ! ${problem}\n`);
  if (lostOrDuplicated(counts)) {
    process.stdout.write(`FAILED: lost or duplicated work; services' logs: ${logDir} (run with --keep to keep them)\n`);
    return 1;
  }
  process.stdout.write('PASSED: nothing lost, nothing duplicated\n');
  return 0;
}

/** Waits until the pipeline has nothing left to do: every accepted mention stored and routed, every step fired, the outbox empty. */
async function settle(pool: Pool, load: Load, timeoutMs: number): Promise<void> {
  note('settling: waiting for the pipeline to finish its work');
  const deadline = Date.now() + timeoutMs;
  let quietSince: number | null = null;
  let last: Progress | null = null;
  while (Date.now() < deadline) {
    last = await progress(pool).catch(() => null);
    const quiet = last !== null && last.stored >= load.accepted.size && last.itemsOrGrouped + last.spam >= last.stored && last.outboxBusy === 0 && last.timersPending === 0;
    if (!quiet) quietSince = null;
    // Quiet twice in a row, a few seconds apart: nothing was on its way between two looks.
    else if (quietSince === null) quietSince = Date.now();
    else if (Date.now() - quietSince >= 3_000) {
      note(`settled: ${JSON.stringify(last)}`);
      return;
    }
    await sleep(1_000);
  }
  note(`did not settle within ${timeoutMs / 1_000} s; checking what there is (last: ${JSON.stringify(last)})`);
}

/** The fault sequence's steps: each fault is followed by proof that the pipeline moves again. */
class Faults {
  constructor(
    private readonly pool: Pool,
    private readonly rate: number,
  ) {}

  async waitFor(what: string, condition: () => Promise<boolean>, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!(await condition().catch(() => false))) {
      if (Date.now() > deadline) throw new Error(`the pipeline did not recover: no ${what} within ${timeoutMs / 1_000} s`);
      await sleep(500);
    }
    note(`ok: ${what}`);
  }

  /** A few seconds' worth of load more of `counter` than now. */
  async moving(counter: 'stored' | 'itemsOrGrouped', what: string): Promise<void> {
    const before = (await progress(this.pool))[counter];
    await this.waitFor(what, async () => (await progress(this.pool))[counter] >= before + this.rate * 3, 180_000);
  }

  async killAndRestart(service: ServiceProcess, counter: 'stored' | 'itemsOrGrouped', kill: string): Promise<void> {
    // Somewhere inside a batch, not always at the same point of it.
    await sleep(Math.random() * 1_500);
    note(`FAULT SIGKILL ${service.name} (pid ${service.pid}), ${kill}`);
    await service.kill();
    await service.start();
    note(`${service.name} started again (pid ${service.pid})`);
    await this.moving(counter, `${service.name} working again after SIGKILL ${kill}`);
  }
}

main()
  .then(async (code) => {
    await cleanUp();
    process.exit(code);
  })
  .catch(async (error: unknown) => {
    note(`fault run failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    await cleanUp();
    process.exit(1);
  });
