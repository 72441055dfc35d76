import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { startSlackStub, type SlackStub } from '../../../test/support/slack-stub.js';
import { waitFor } from '../../../test/support/wait.js';
import { outboxRows, seedDirectory, seedItem } from './support/seed.js';
import { enqueueAlert, itemIdOf, metricValue, startTestWorker } from './support/worker.js';

const WORKER_PROCESS = fileURLToPath(new URL('./fixtures/worker-process.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

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

  it('is restarted without resending what was sent nor losing what was not', async () => {
    const items = await Promise.all(Array.from({ length: 8 }, () => seedItem(db.pool)));
    for (const [index, itemId] of items.entries()) await enqueueAlert(db.pool, itemId, `C0CRASH${index % 4}`);
    // Slack takes the first three messages; the requests after them never get an answer.
    let answered = 0;
    stub.setResponder((call) => (call.method === 'chat.postMessage' && answered++ < 3 ? { kind: 'ok' } : { kind: 'hold' }));

    const child = spawn(process.execPath, ['--import', 'tsx', WORKER_PROCESS], {
      cwd: REPO_ROOT,
      env: { ...process.env, DATABASE_URL: db.url, SLACK_API_URL: stub.url, LEASE_MS: '1500' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
    await waitFor(
      async () => {
        const rows = await outboxRows(db.pool);
        return rows.filter((row) => row.status === 'sent').length === 3 && stub.calls.some((call) => call.reply === 'hold');
      },
      { what: 'three alerts sent and one in flight' },
    );
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
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
});
