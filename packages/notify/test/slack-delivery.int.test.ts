import { withTransaction } from '@earshot/db';
import { SLACK_ACTION_IDS } from '@earshot/domain';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { startSlackStub, type SlackStub } from '../../../test/support/slack-stub.js';
import { waitFor } from '../../../test/support/wait.js';
import { enqueueNotification, listDeadNotifications, requestAlertUpdate, requeueDeadNotifications, type NotificationWorker } from '../src/index.js';
import { acknowledgeInDb, outboxRows, seedDirectory, seedItem } from './support/seed.js';
import { enqueueAlert, itemIdOf, metricValue, resetOutbox, startTestWorker } from './support/worker.js';

describe('Slack delivery through the outbox', () => {
  let db: TestDatabase;
  let stub: SlackStub;
  let workers: NotificationWorker[] = [];
  const start = (options: Parameters<typeof startTestWorker>[1] = {}) => {
    const worker = startTestWorker(db.pool, { slack: { token: 'xoxb-test', apiUrl: stub.url }, ...options });
    workers.push(worker);
    return worker;
  };
  const allSent = async (count: number) =>
    waitFor(async () => {
      const rows = await outboxRows(db.pool);
      return rows.length === count && rows.every((row) => row.status === 'sent') && rows;
    }, { what: `${count} rows sent` });

  beforeAll(async () => {
    db = await createTestDatabase();
    await seedDirectory(db.pool);
  });
  beforeEach(async () => {
    stub = await startSlackStub();
    await resetOutbox(db.pool);
  });
  afterEach(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    workers = [];
    await stub.close();
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('posts a Block Kit alert with the mention, its reach, classification, assignee, deadline and buttons, and records where', async () => {
    const itemId = await seedItem(db.pool, { text: 'Acme <!channel> lost my parcel & nobody answers' });
    expect(await enqueueAlert(db.pool, itemId, 'C0SUPPORT')).toBe(true);
    start();
    const [row] = await allSent(1);

    const [post] = stub.posts('C0SUPPORT');
    expect(post!.token).toBe('xoxb-test');
    expect(post!.args.text).toContain('P1 complaint about Acme on x from @angrycustomer (Angry Customer)');
    const blocks = JSON.stringify(post!.args.blocks);
    expect(blocks).toContain('&lt;!channel&gt; lost my parcel &amp; nobody answers');
    expect(blocks).toContain('48.2k followers');
    expect(blocks).toContain('<https://x.com/angrycustomer/status/');
    expect(blocks).toContain('negative (-0.82, 91% sure)');
    expect(blocks).toContain('87/100: high reach, refund request');
    expect(blocks).toContain('<@UALICE>');
    expect(blocks).toContain('*Acknowledge by*');
    expect(blocks).toContain(`<https://earshot.example.com/items/${itemId}|Open in Earshot>`);
    const actions = (post!.args.blocks as Array<{ type: string; elements?: Array<{ action_id: string; value: string }> }>).find((b) => b.type === 'actions')!;
    expect(actions.elements!.map((button) => button.action_id)).toEqual([
      SLACK_ACTION_IDS.acknowledge,
      SLACK_ACTION_IDS.handled,
      SLACK_ACTION_IDS.snooze,
      SLACK_ACTION_IDS.reassign,
    ]);
    expect(actions.elements!.every((button) => button.value === itemId)).toBe(true);

    expect(row).toMatchObject({ attempts: 1, provider_ref: `C0SUPPORT:${post!.posted!.ts}` });
    const recorded = await db.pool.query('SELECT channel, ts, role, item_id FROM slack_messages');
    expect(recorded.rows).toEqual([{ channel: 'C0SUPPORT', ts: post!.posted!.ts, role: 'alert', item_id: itemId }]);
  });

  it('sends an escalation that @mentions the lead in the channel, and a DM to a responder', async () => {
    const itemId = await seedItem(db.pool, { ackDueAt: new Date(Date.now() - 12 * 60_000) });
    await enqueueNotification(db.pool, {
      dedupeKey: `escalation:${itemId}:1:C0SUPPORT`,
      itemId,
      kind: 'escalation',
      channel: 'slack',
      recipient: 'C0SUPPORT',
      payload: { type: 'item-escalation', itemId, stepIndex: 1, mention: 'ULENA', label: '100% ack' },
    });
    await enqueueNotification(db.pool, {
      dedupeKey: `escalation:${itemId}:0:UALICE`,
      itemId,
      kind: 'escalation',
      channel: 'slack-dm',
      recipient: 'UALICE',
      payload: { type: 'item-escalation', itemId, stepIndex: 0 },
    });
    start();
    await allSent(2);
    const [channelPost] = stub.posts('C0SUPPORT');
    const firstBlock = JSON.stringify((channelPost!.args.blocks as unknown[])[0]);
    expect(firstBlock).toContain('Escalation (100% ack)* <@ULENA>');
    expect(firstBlock).toMatch(/not acknowledged, 1[12]m past its deadline/);
    expect(channelPost!.args.text).toMatch(/^Escalation: P1 item not acknowledged/);
    const [dm] = stub.posts('UALICE');
    expect(JSON.stringify(dm!.args.blocks)).toContain('Escalation (step 1)');
    const recorded = await db.pool.query<{ channel: string }>("SELECT channel FROM slack_messages WHERE channel_key = 'UALICE'");
    expect(recorded.rows).toEqual([{ channel: 'DALICE' }]);
  });

  it('delays every alert through a 429 storm, honouring Retry-After, and delivers each exactly once', async () => {
    const items = await Promise.all(Array.from({ length: 6 }, () => seedItem(db.pool)));
    for (const [index, itemId] of items.entries()) await enqueueAlert(db.pool, itemId, index % 2 === 0 ? 'C0STORMA' : 'C0STORMB');
    // The first eight calls are refused with "retry after 1 s", whatever their channel.
    stub.queue(...Array.from({ length: 8 }, () => ({ kind: 'rate-limited' as const, retryAfterSeconds: 1 })));
    const worker = start();
    const rows = await allSent(6);

    const posted = stub.posts().map(itemIdOf);
    expect(posted.sort()).toEqual([...items].sort());
    // A 429 is a wait, not a failure: no attempt is spent on it.
    expect(rows.map((row) => row.attempts)).toEqual([1, 1, 1, 1, 1, 1]);
    for (const channel of ['C0STORMA', 'C0STORMB']) {
      const calls = stub.calls.filter((call) => call.args.channel === channel);
      const lastRefusal = calls.filter((call) => call.reply === 'rate-limited').at(-1)!;
      const firstPost = calls.find((call) => call.reply === 'ok')!;
      expect(firstPost.receivedAt - lastRefusal.receivedAt).toBeGreaterThanOrEqual(950);
    }
    expect(await metricValue(worker.metrics, 'earshot_slack_rate_limited_total')).toBe(8);
    expect(await metricValue(worker.metrics, 'earshot_slack_rate_limit_wait_seconds_total')).toBe(8);
    expect(await metricValue(worker.metrics, 'earshot_notifications_sent_total', { channel: 'slack' })).toBe(6);
  });

  it('retries after a 500 with backoff and posts once', async () => {
    const itemId = await seedItem(db.pool);
    await enqueueAlert(db.pool, itemId, 'C0FLAKY');
    stub.queue({ kind: 'http-error', status: 500 });
    const worker = start();
    const [row] = await allSent(1);
    // A 500 may come after Slack posted: the retry looks in the channel first, finds nothing, posts.
    expect(stub.calls.map((call) => `${call.method} ${call.reply}`)).toEqual(['chat.postMessage http-error', 'conversations.history ok', 'chat.postMessage ok']);
    expect(stub.posts().map(itemIdOf)).toEqual([itemId]);
    expect(row!.attempts).toBe(2);
    expect(await metricValue(worker.metrics, 'earshot_notifications_failed_total', { channel: 'slack', retriable: 'true' })).toBe(1);
  });

  it('does not post twice when a post timed out after Slack had taken it', async () => {
    const itemId = await seedItem(db.pool);
    await enqueueAlert(db.pool, itemId, 'C0SLOW');
    stub.queue({ kind: 'post-then-hold' });
    start({ slack: { token: 'xoxb-test', apiUrl: stub.url, timeoutMs: 300 } });
    const [row] = await allSent(1);
    expect(stub.messages).toHaveLength(1);
    expect(stub.calls.map((call) => `${call.method} ${call.reply}`)).toEqual(['chat.postMessage post-then-hold', 'conversations.history ok']);
    expect(row!.provider_ref).toBe(`C0SLOW:${stub.messages[0]!.ts}`);
  });

  it('posts a rate-limited message on its retry without looking for it first: a 429 posted nothing', async () => {
    await enqueueAlert(db.pool, await seedItem(db.pool), 'C0BUSY');
    stub.queue({ kind: 'rate-limited', retryAfterSeconds: 0 });
    start();
    await allSent(1);
    expect(stub.calls.map((call) => `${call.method} ${call.reply}`)).toEqual(['chat.postMessage rate-limited', 'chat.postMessage ok']);
  });

  it('records a row dead after its last try, counts it and puts it on the item timeline; requeued, it is sent', async () => {
    const itemId = await seedItem(db.pool);
    await enqueueAlert(db.pool, itemId, 'C0DOWN');
    stub.setResponder(() => ({ kind: 'http-error', status: 503 }));
    const worker = start({ retry: { maxAttempts: 3 } });
    const [dead] = await waitFor(async () => {
      const found = await listDeadNotifications(db.pool, { itemId });
      return found.length === 1 && found;
    });
    expect(dead).toMatchObject({ channel: 'slack', recipient: 'C0DOWN', attempts: 3, lastError: 'Slack answered HTTP 503' });
    expect(stub.calls).toHaveLength(3);
    expect(await metricValue(worker.metrics, 'earshot_notifications_dead_total', { channel: 'slack' })).toBe(1);
    expect(await metricValue(worker.metrics, 'earshot_notification_outbox_depth', { status: 'dead' })).toBe(1);
    expect(await metricValue(worker.metrics, 'earshot_notification_outbox_depth', { status: 'pending' })).toBe(0);
    const timeline = await db.pool.query("SELECT message FROM timeline_events WHERE item_id = $1 AND type = 'notification_failed'", [itemId]);
    expect(timeline.rows[0].message).toBe('alert by slack to C0DOWN failed for good: Slack answered HTTP 503');

    stub.setResponder(null);
    expect(await requeueDeadNotifications(db.pool, [dead!.id])).toBe(1);
    await allSent(1);
    expect(stub.posts().map(itemIdOf)).toEqual([itemId]);
  });

  it('gives up at once on an error no retry can fix', async () => {
    const itemId = await seedItem(db.pool);
    await enqueueAlert(db.pool, itemId, 'C0GONE');
    stub.queue({ kind: 'slack-error', error: 'channel_not_found' });
    start();
    const [dead] = await waitFor(async () => {
      const found = await listDeadNotifications(db.pool);
      return found.length === 1 && found;
    });
    expect(dead).toMatchObject({ attempts: 1, lastError: 'Slack refused the call: channel_not_found' });
  });

  it('updates the original alert in place when the item is acknowledged, never posting it again', async () => {
    const itemId = await seedItem(db.pool);
    await enqueueAlert(db.pool, itemId, 'C0SUPPORT');
    await enqueueAlert(db.pool, itemId, 'UBOB');
    start();
    await allSent(2);
    const originals = stub.posts();

    await withTransaction(db.pool, async (client) => {
      await acknowledgeInDb(client, itemId, 'bob');
      expect(await requestAlertUpdate(client, itemId)).toBe(2);
      // The same state change asked twice updates once.
      expect(await requestAlertUpdate(client, itemId)).toBe(0);
    });
    await allSent(4);
    expect(stub.posts()).toHaveLength(2);
    const updates = stub.updates();
    expect(updates.map((call) => [call.args.channel, call.args.ts]).sort()).toEqual(originals.map((post) => [post.posted!.channel, post.posted!.ts]).sort());
    const blocks = JSON.stringify(updates[0]!.args.blocks);
    expect(blocks).toContain('Acknowledged by <@UBOB>');
    expect(blocks).not.toContain(SLACK_ACTION_IDS.acknowledge);
    expect(blocks).toContain(SLACK_ACTION_IDS.handled);

    await withTransaction(db.pool, async (client) => {
      await client.query("UPDATE items SET state = 'handled', handled_at = now(), updated_at = now() + interval '1 second' WHERE id = $1", [itemId]);
      await requestAlertUpdate(client, itemId);
    });
    await allSent(6);
    const handled = JSON.stringify(stub.updates().at(-1)!.args.blocks);
    expect(handled).toContain('*Status*\\nHandled');
    expect(handled).not.toContain('"type":"actions"');
  });

  it('threads a burst of 15 alerts for one channel under one summary', async () => {
    const items = await Promise.all(Array.from({ length: 15 }, () => seedItem(db.pool)));
    for (const itemId of items) await enqueueAlert(db.pool, itemId, 'C0BURST');
    await enqueueAlert(db.pool, items[0]!, 'C0QUIET');
    start();
    await allSent(16);

    const burst = stub.posts('C0BURST');
    const topLevel = burst.filter((call) => call.args.thread_ts === undefined);
    expect(topLevel).toHaveLength(1);
    expect(topLevel[0]!.args.text).toBe(':rotating_light: Burst: more than 10 alerts for this channel within 1m');
    const replies = burst.filter((call) => call.args.thread_ts === topLevel[0]!.posted!.ts);
    expect(replies.map(itemIdOf).sort()).toEqual([...items].sort());
    // Another channel is not part of the burst.
    expect(stub.posts('C0QUIET').map((call) => call.args.thread_ts)).toEqual([undefined]);
  });

  it('paces each channel to one call per interval while other channels go on', async () => {
    const items = await Promise.all(Array.from({ length: 4 }, () => seedItem(db.pool)));
    for (const itemId of items) await enqueueAlert(db.pool, itemId, 'C0PACED');
    for (const itemId of items) await enqueueAlert(db.pool, itemId, 'C0OTHER');
    start({ slackPacing: { channelIntervalMs: 400 } });
    await allSent(8);
    for (const channel of ['C0PACED', 'C0OTHER']) {
      const times = stub.posts(channel).map((call) => call.receivedAt);
      for (let index = 1; index < times.length; index += 1) expect(times[index]! - times[index - 1]!).toBeGreaterThanOrEqual(350);
    }
    // The two channels were served side by side, not one after the other.
    const firstOther = stub.posts('C0OTHER')[0]!.receivedAt;
    expect(firstOther).toBeLessThan(stub.posts('C0PACED').at(-1)!.receivedAt);
  });

  it('sends each row once with two workers claiming at the same time', async () => {
    const items = await Promise.all(Array.from({ length: 24 }, () => seedItem(db.pool)));
    for (const [index, itemId] of items.entries()) await enqueueAlert(db.pool, itemId, `C0TEAM${index % 8}`);
    start({ workerId: 'worker-a' });
    start({ workerId: 'worker-b' });
    await allSent(24);
    const posted = stub.posts().map((call) => `${String(call.args.channel)}:${itemIdOf(call)}`);
    expect(new Set(posted).size).toBe(24);
    expect(posted).toHaveLength(24);
  });
});
