import { spawn } from 'node:child_process';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@earshot/logging';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { startSlackStub, type SlackStub } from '../../../test/support/slack-stub.js';
import { waitFor } from '../../../test/support/wait.js';
import { outboxRows, seedDirectory, seedItem } from './support/seed.js';
import { enqueueAlert, itemIdOf, metricValue, resetOutbox, startTestWorker } from './support/worker.js';

const WORKER_PROCESS = fileURLToPath(new URL('./fixtures/worker-process.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** A worker in a child process, its Slack calls going to `stub`; `kill()` SIGKILLs it and resolves once it is gone. */
function startDoomedWorker(databaseUrl: string, stub: SlackStub): { kill(): Promise<NodeJS.Signals | null> } {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER_PROCESS], {
    cwd: REPO_ROOT,
    env: { ...process.env, DATABASE_URL: databaseUrl, SLACK_API_URL: stub.url, LEASE_MS: '1500' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  return {
    kill: () => {
      child.kill('SIGKILL');
      return exited;
    },
  };
}

/** A logger whose lines the test can read. */
function recordingLogger(): { logger: ReturnType<typeof createLogger>; lines: Array<{ level: number; msg: string; code?: string }> } {
  const lines: Array<{ level: number; msg: string; code?: string }> = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      lines.push(JSON.parse(String(chunk)) as { level: number; msg: string; code?: string });
      done();
    },
  });
  return { logger: createLogger({ level: 'info', destination: sink }), lines };
}

describe('a worker killed mid-send', () => {
  let db: TestDatabase;
  let stub: SlackStub;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDirectory(db.pool);
    stub = await startSlackStub();
  });
  afterAll(async () => {
    await stub?.close();
    await db?.drop();
  });
  beforeEach(async () => {
    await resetOutbox(db.pool);
    stub.setResponder(null);
    stub.calls.length = 0;
    stub.messages.length = 0;
  });

  it('is restarted without resending what was sent nor losing what was not', async () => {
    const items = await Promise.all(Array.from({ length: 8 }, () => seedItem(db.pool)));
    for (const [index, itemId] of items.entries()) await enqueueAlert(db.pool, itemId, `C0CRASH${index % 4}`);
    // Slack takes the first three messages; the requests after them never get an answer.
    let answered = 0;
    stub.setResponder((call) => (call.method === 'chat.postMessage' && answered++ < 3 ? { kind: 'ok' } : { kind: 'hold' }));

    const child = startDoomedWorker(db.url, stub);
    await waitFor(
      async () => {
        const rows = await outboxRows(db.pool);
        return rows.filter((row) => row.status === 'sent').length === 3 && stub.calls.some((call) => call.reply === 'hold');
      },
      { what: 'three alerts sent and one in flight' },
    );
    expect(await child.kill()).toBe('SIGKILL');
    const inFlight = (await outboxRows(db.pool)).filter((row) => row.status === 'sending').length;
    expect(inFlight).toBeGreaterThanOrEqual(1);
    // The requests in flight never reached Slack's answer: their messages were not posted.
    stub.dropHeld();
    stub.setResponder(null);

    const worker = startTestWorker(db.pool, { slack: { token: 'xoxb-test', apiUrl: stub.url } });
    try {
      await waitFor(async () => (await outboxRows(db.pool)).every((row) => row.status === 'sent'), { what: 'every alert sent after the restart' });
      const posted = stub.posts().map((call) => `${String(call.args.channel)}:${itemIdOf(call)}`);
      const expected = items.map((itemId, index) => `C0CRASH${index % 4}:${itemId}`);
      expect([...posted].sort()).toEqual([...expected].sort());
      // The rows the dead worker held were picked up again once their lease ran out, and counted as such.
      expect(await metricValue(worker.metrics, 'earshot_notifications_uncertain_resends_total')).toBe(inFlight);
    } finally {
      await worker.stop();
    }
  });

  /** Slack takes each message, but the worker dies before reading the answer and recording the delivery. */
  async function postThenDie(recipients: string[]): Promise<Array<{ id: string; recipient: string }>> {
    for (const recipient of recipients) await enqueueAlert(db.pool, await seedItem(db.pool), recipient);
    stub.setResponder((call) => (call.method === 'chat.postMessage' ? { kind: 'post-then-hold' } : undefined));
    const child = startDoomedWorker(db.url, stub);
    await waitFor(() => stub.messages.length === recipients.length, { what: 'Slack took every message' });
    expect(await child.kill()).toBe('SIGKILL');
    stub.dropHeld();
    stub.setResponder(null);
    const rows = await outboxRows(db.pool);
    expect(rows.map((row) => row.status)).toEqual(recipients.map(() => 'sending'));
    return rows;
  }

  it('finds the messages Slack took before the worker died and records them instead of posting again', async () => {
    const rows = await postThenDie(['C0TOOK', 'U0TOOK']);
    const worker = startTestWorker(db.pool, { slack: { token: 'xoxb-test', apiUrl: stub.url } });
    try {
      await waitFor(async () => (await outboxRows(db.pool)).every((row) => row.status === 'sent'), { what: 'both rows sent after their lease ran out' });
      expect(stub.messages).toHaveLength(2);
      for (const row of await outboxRows(db.pool)) {
        const message = stub.messages.find((candidate) => (candidate.metadata as { event_payload?: { notification_id?: string } }).event_payload?.notification_id === row.id);
        expect(message, `the message of row ${row.id}`).toBeDefined();
        expect(row.provider_ref).toBe(`${message!.channel}:${message!.ts}`);
      }
      // Recorded as posted, so that a later change of the item updates these very messages.
      const { rows: recorded } = await db.pool.query<{ outbox_id: string; channel: string }>('SELECT outbox_id::text, channel FROM slack_messages ORDER BY outbox_id');
      expect(recorded).toEqual(rows.map((row) => ({ outbox_id: row.id, channel: row.recipient === 'U0TOOK' ? 'D0TOOK' : 'C0TOOK' })));
      expect(await metricValue(worker.metrics, 'earshot_notifications_uncertain_resends_total')).toBe(0);
    } finally {
      await worker.stop();
    }
  });

  it('still finds the message when the search is rate limited and tried again minutes later', async () => {
    await postThenDie(['C0LATER']);
    let searches = 0;
    stub.setResponder((call) => (call.method === 'conversations.history' && searches++ === 0 ? { kind: 'rate-limited', retryAfterSeconds: 1 } : undefined));
    // Minutes pass between the attempts, as in an outage: the search still starts at the first attempt.
    const worker = startTestWorker(db.pool, { now: () => new Date(Date.now() + 10 * 60_000), slack: { token: 'xoxb-test', apiUrl: stub.url } });
    try {
      await waitFor(async () => (await outboxRows(db.pool)).every((candidate) => candidate.status === 'sent'), { what: 'the row sent after the rate limit' });
      expect(searches).toBe(2);
      expect(stub.messages).toHaveLength(1);
      expect((await outboxRows(db.pool))[0]!.provider_ref).toBe(`C0LATER:${stub.messages[0]!.ts}`);
    } finally {
      await worker.stop();
    }
  });

  it('finds the message at the top of the channel when the alerts waiting by then would thread it under a burst', async () => {
    const [row] = await postThenDie(['C0BUSY']);
    for (let i = 0; i < 14; i++) await enqueueAlert(db.pool, await seedItem(db.pool), 'C0BUSY');
    const worker = startTestWorker(db.pool, { now: () => new Date(Date.now() + 10 * 60_000), slack: { token: 'xoxb-test', apiUrl: stub.url } });
    try {
      await waitFor(async () => (await outboxRows(db.pool)).every((candidate) => candidate.status === 'sent'), { what: 'all 15 alerts sent' });
      const forRow = stub.messages.filter((message) => (message.metadata as { event_payload?: { notification_id?: string } } | undefined)?.event_payload?.notification_id === row!.id);
      expect(forRow).toHaveLength(1);
      expect(forRow[0]!.threadTs).toBeUndefined();
      // The 14 others went into a burst thread, under one summary.
      expect(stub.messages.filter((message) => message.threadTs !== undefined)).toHaveLength(14);
      const { rows: recorded } = await db.pool.query<{ thread_ts: string | null }>('SELECT thread_ts FROM slack_messages WHERE outbox_id = $1', [row!.id]);
      expect(recorded).toEqual([{ thread_ts: null }]);
    } finally {
      await worker.stop();
    }
  });

  it('threads a burst under the summary Slack took before the worker died, instead of posting a second summary', async () => {
    for (let i = 0; i < 15; i++) await enqueueAlert(db.pool, await seedItem(db.pool), 'C0SUMMARY');
    const isSummary = (call: { args: Record<string, unknown> }) => String(call.args.text).includes('Burst: more than');
    stub.setResponder((call) => (call.method === 'chat.postMessage' && isSummary(call) ? { kind: 'post-then-hold' } : undefined));
    const child = startDoomedWorker(db.url, stub);
    await waitFor(() => stub.messages.some((message) => String(message.text).includes('Burst: more than')), { what: 'Slack took the summary' });
    expect(await child.kill()).toBe('SIGKILL');
    stub.dropHeld();
    stub.setResponder(null);

    const worker = startTestWorker(db.pool, { slack: { token: 'xoxb-test', apiUrl: stub.url } });
    try {
      await waitFor(async () => (await outboxRows(db.pool)).every((row) => row.status === 'sent'), { what: 'all 15 alerts sent' });
      const summaries = stub.messages.filter((message) => String(message.text).includes('Burst: more than'));
      expect(summaries).toHaveLength(1);
      const alerts = stub.messages.filter((message) => !String(message.text).includes('Burst: more than'));
      expect(alerts).toHaveLength(15);
      // The alerts that went into a thread went under the one summary, which is recorded as the channel's burst.
      const threaded = alerts.filter((message) => message.threadTs !== undefined);
      expect(threaded.length).toBeGreaterThan(0);
      expect(new Set(threaded.map((message) => message.threadTs))).toEqual(new Set([summaries[0]!.ts]));
      const { rows: recorded } = await db.pool.query<{ ts: string }>("SELECT ts FROM slack_messages WHERE role = 'burst-summary'");
      expect(recorded).toEqual([{ ts: summaries[0]!.ts }]);
    } finally {
      await worker.stop();
    }
  });

  it('posts again, and says which scope is missing, when the token may not read the channel history', async () => {
    await postThenDie(['C0NOSCOPE']);
    stub.setResponder((call) => (call.method === 'conversations.history' ? { kind: 'slack-error', error: 'missing_scope' } : undefined));
    const { logger, lines } = recordingLogger();
    const worker = startTestWorker(db.pool, { logger, slack: { token: 'xoxb-test', apiUrl: stub.url } });
    try {
      await waitFor(async () => (await outboxRows(db.pool)).every((row) => row.status === 'sent'), { what: 'the row sent after its lease ran out' });
      expect(stub.messages).toHaveLength(2);
      const warning = lines.find((line) => line.code === 'missing_scope');
      expect(warning?.level).toBe(40);
      expect(warning?.msg).toContain('channels:history');
      expect(await metricValue(worker.metrics, 'earshot_notifications_uncertain_resends_total')).toBe(1);
    } finally {
      await worker.stop();
    }
  });
});
