import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { startSlackStub, type SlackStub } from '../../../test/support/slack-stub.js';
import { waitFor } from '../../../test/support/wait.js';
import { enqueueNotification, NotificationRequestError, requestAlertUpdate, type NotificationWorker } from '../src/index.js';
import { acknowledgeInDb, outboxRows, seedDirectory, seedItem } from './support/seed.js';
import { enqueueAlert, resetOutbox, startTestWorker } from './support/worker.js';

describe('the outbox API', () => {
  let db: TestDatabase;
  let stub: SlackStub;
  let worker: NotificationWorker | null = null;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDirectory(db.pool);
  });
  beforeEach(async () => {
    stub = await startSlackStub();
    await resetOutbox(db.pool);
  });
  afterEach(async () => {
    await worker?.stop();
    worker = null;
    await stub.close();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('enqueues a dedupe key once: a redelivered message or a second replica adds nothing', async () => {
    const itemId = await seedItem(db.pool);
    expect(await enqueueAlert(db.pool, itemId, 'C0SUPPORT')).toBe(true);
    expect(await enqueueAlert(db.pool, itemId, 'C0SUPPORT')).toBe(false);
    expect(await outboxRows(db.pool)).toHaveLength(1);
  });

  it('refuses a malformed request before it reaches the table', async () => {
    const itemId = await seedItem(db.pool);
    await expect(
      enqueueNotification(db.pool, { dedupeKey: 'x', itemId, kind: 'alert', channel: 'slack-dm', recipient: 'C0SUPPORT', payload: { type: 'item-alert', itemId } }),
    ).rejects.toThrow(NotificationRequestError);
    await expect(requestAlertUpdate(db.pool, 'not-an-id')).rejects.toThrow('itemId: "not-an-id" is not an item id');
    expect(await outboxRows(db.pool)).toHaveLength(0);
  });

  it('holds a notification until its notBefore time', async () => {
    const itemId = await seedItem(db.pool);
    const notBefore = new Date(Date.now() + 600);
    await enqueueNotification(db.pool, {
      dedupeKey: `alert:${itemId}`,
      itemId,
      kind: 'alert',
      channel: 'slack',
      recipient: 'C0LATER',
      payload: { type: 'item-alert', itemId },
      notBefore,
    });
    worker = startTestWorker(db.pool, { slack: { token: 'xoxb-test', apiUrl: stub.url } });
    await waitFor(() => stub.posts().length === 1);
    expect(stub.posts()[0]!.receivedAt).toBeGreaterThanOrEqual(notBefore.getTime());
  });

  it('asks for no update while nothing was posted: the alert will show the state it is sent with', async () => {
    const itemId = await seedItem(db.pool);
    await enqueueAlert(db.pool, itemId, 'C0SUPPORT');
    await acknowledgeInDb(db.pool, itemId, 'bob');
    expect(await requestAlertUpdate(db.pool, itemId)).toBe(0);
    worker = startTestWorker(db.pool, { slack: { token: 'xoxb-test', apiUrl: stub.url } });
    await waitFor(() => stub.posts().length === 1);
    expect(JSON.stringify(stub.posts()[0]!.args.blocks)).toContain('Acknowledged by <@UBOB>');
  });

  it('corrects an alert whose item changed while it was being posted', async () => {
    const itemId = await seedItem(db.pool);
    await enqueueAlert(db.pool, itemId, 'C0SUPPORT');
    // Slack is slow to answer; meanwhile someone acknowledges the item (and nothing is posted yet to update).
    stub.setResponder((call) => {
      if (call.method !== 'chat.postMessage') return undefined;
      void acknowledgeInDb(db.pool, itemId, 'bob');
      return { kind: 'ok', delayMs: 300 };
    });
    worker = startTestWorker(db.pool, { slack: { token: 'xoxb-test', apiUrl: stub.url } });
    await waitFor(() => stub.updates().length === 1, { what: 'the stale alert updated' });
    const [post] = stub.posts();
    expect(JSON.stringify(post!.args.blocks)).toContain('*Status*\\nOpen');
    const [update] = stub.updates();
    expect(update!.args).toMatchObject({ channel: post!.posted!.channel, ts: post!.posted!.ts });
    expect(JSON.stringify(update!.args.blocks)).toContain('Acknowledged by <@UBOB>');
    await waitFor(async () => (await outboxRows(db.pool)).every((row) => row.status === 'sent'));
    expect(stub.posts()).toHaveLength(1);
  });
});
