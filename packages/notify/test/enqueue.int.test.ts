import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { startSlackStub, type SlackStub } from '../../../test/support/slack-stub.js';
import { waitFor } from '../../../test/support/wait.js';
import { enqueueNotification, enqueueNotifications, NotificationRequestError, requestAlertUpdate, type NotificationRequest, type NotificationWorker } from '../src/index.js';
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

  it('enqueues a batch in one go, in order, and the same batch again adds nothing', async () => {
    const items = [await seedItem(db.pool), await seedItem(db.pool)];
    const batch: NotificationRequest[] = items.flatMap((itemId) => [
      { dedupeKey: `alert:${itemId}:C0SUPPORT`, itemId, kind: 'alert', channel: 'slack', recipient: 'C0SUPPORT', payload: { type: 'item-alert', itemId } },
      { dedupeKey: `alert:${itemId}:UALICE`, itemId, kind: 'alert', channel: 'slack-dm', recipient: 'UALICE', payload: { type: 'item-alert', itemId } },
    ]);
    const first = await enqueueNotifications(db.pool, batch);
    expect(first.queued.sort()).toEqual(batch.map((request) => request.dedupeKey).sort());
    const redelivered = await enqueueNotifications(db.pool, batch);
    expect(redelivered).toEqual({ queued: [], refused: [] });
    expect((await outboxRows(db.pool)).map((row) => [row.kind, row.recipient])).toEqual(batch.map((request) => ['alert', request.recipient]));
  });

  it('makes one row of a key repeated within a batch', async () => {
    const itemId = await seedItem(db.pool);
    const alert: NotificationRequest = { dedupeKey: `alert:${itemId}:C0SUPPORT`, itemId, kind: 'alert', channel: 'slack', recipient: 'C0SUPPORT', payload: { type: 'item-alert', itemId } };
    expect((await enqueueNotifications(db.pool, [alert, alert])).queued).toEqual([alert.dedupeKey]);
    expect(await outboxRows(db.pool)).toHaveLength(1);
  });

  it('refuses the malformed requests of a batch, naming the field, and queues the rest', async () => {
    const itemId = await seedItem(db.pool);
    const good: NotificationRequest = { dedupeKey: `alert:${itemId}:C0SUPPORT`, itemId, kind: 'alert', channel: 'slack', recipient: 'C0SUPPORT', payload: { type: 'item-alert', itemId } };
    const bad: NotificationRequest = { ...good, dedupeKey: `alert:${itemId}:UALICE`, channel: 'slack-dm', recipient: 'C0SUPPORT' };
    const { queued, refused } = await enqueueNotifications(db.pool, [bad, good]);
    expect(queued).toEqual([good.dedupeKey]);
    expect(refused).toHaveLength(1);
    expect(refused[0]!.request).toBe(bad);
    expect(refused[0]!.error).toBeInstanceOf(NotificationRequestError);
    expect(refused[0]!.error.message).toContain('recipient: must be a Slack user id');
    expect((await outboxRows(db.pool)).map((row) => row.dedupe_key)).toEqual([good.dedupeKey]);
  });

  it('holds a batched notification until its notBefore time, the others not', async () => {
    const itemId = await seedItem(db.pool);
    const notBefore = new Date(Date.now() + 3_600_000);
    await enqueueNotifications(db.pool, [
      { dedupeKey: `later:${itemId}`, itemId, kind: 'alert', channel: 'slack', recipient: 'C0LATER', payload: { type: 'item-alert', itemId }, notBefore },
      { dedupeKey: `now:${itemId}`, itemId, kind: 'alert', channel: 'slack', recipient: 'C0NOW', payload: { type: 'item-alert', itemId } },
    ]);
    const { rows } = await db.pool.query<{ recipient: string; next_attempt_at: Date }>('SELECT recipient, next_attempt_at FROM notification_outbox ORDER BY id');
    expect(rows[0]!.next_attempt_at.getTime()).toBe(notBefore.getTime());
    expect(rows[1]!.next_attempt_at.getTime()).toBeLessThanOrEqual(Date.now());
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
