import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness } from './harness.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.close();
});

async function timers(itemId: string) {
  const { rows } = await api.pool.query<{ step_index: number; status: string; due_at: Date }>(
    'SELECT step_index, status, due_at FROM escalation_timers WHERE item_id = $1 ORDER BY step_index',
    [itemId],
  );
  return rows;
}

async function timeline(itemId: string) {
  const { rows } = await api.pool.query('SELECT type, actor_kind, actor_id, via, message, data FROM timeline_events WHERE item_id = $1 ORDER BY id', [itemId]);
  return rows;
}

describe('a responder works an item through the REST API', () => {
  it('lists their open items, acknowledges one and marks it handled with a note', async () => {
    const itemId = await api.seedItem({ assignee: 'alice' });

    const list = await api.request('alice', { method: 'GET', url: '/v1/items?status=open&assignee=me' });
    expect(list.statusCode).toBe(200);
    const entry = list.json().items.find((item: { id: string }) => item.id === itemId);
    expect(entry).toMatchObject({ id: itemId, state: 'open', assigneeId: 'alice', teamId: 'support', mention: { platform: 'x' } });

    const ack = await api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/ack` });
    expect(ack.statusCode).toBe(200);
    expect(ack.json()).toMatchObject({ id: itemId, state: 'acknowledged', acknowledgedBy: 'alice' });
    // Acknowledging stops the ack-clock step only; the handle clock keeps running.
    expect((await timers(itemId)).map((t) => t.status)).toEqual(['cancelled', 'pending']);

    const handled = await api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/handled`, payload: { note: 'refund issued' } });
    expect(handled.statusCode).toBe(200);
    expect(handled.json()).toMatchObject({ state: 'handled', handledBy: 'alice' });
    expect((await timers(itemId)).map((t) => t.status)).toEqual(['cancelled', 'cancelled']);

    expect(await timeline(itemId)).toMatchObject([
      { type: 'created' },
      { type: 'acknowledged', actor_kind: 'responder', actor_id: 'alice', via: 'api' },
      { type: 'handled', actor_kind: 'responder', actor_id: 'alice', via: 'api', data: { note: 'refund issued' } },
    ]);
    // Each change asked for the Slack alert to be updated.
    expect(await api.alertUpdates(itemId)).toBe(2);
  });

  it('shows one item with its mention, classification, assignment and timeline', async () => {
    const itemId = await api.seedItem();
    const response = await api.request('bob', { method: 'GET', url: `/v1/items/${itemId}` });
    expect(response.statusCode).toBe(200);
    const body = response.json();
    expect(body.item).toMatchObject({ id: itemId, state: 'open', priority: 'P2' });
    expect(body.mention).toMatchObject({ platform: 'x', author: { handle: expect.any(String) } });
    expect(body.classification).toMatchObject({ sentiment: { label: 'negative' }, category: 'complaint', priority: 'P2' });
    expect(body.assignment).toMatchObject({ teamId: 'support', assigneeId: 'alice', routingRule: 'default', slaApplies: true });
    expect(body.timeline).toMatchObject([{ type: 'created', actor: { kind: 'system', via: 'system' } }]);
  });
});

describe('repeats and conflicts', () => {
  it('answers a repeated ack by the same responder with the same item and writes nothing more', async () => {
    const itemId = await api.seedItem();
    const first = await api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/ack` });
    const second = await api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/ack` });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual(first.json());
    expect((await timeline(itemId)).filter((e) => e.type === 'acknowledged')).toHaveLength(1);
  });

  it('refuses handling an item someone else handled with 409 and the current state', async () => {
    const itemId = await api.seedItem({ state: 'handled', assignee: 'bob' });
    const response = await api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/handled` });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'state_conflict',
      message: expect.stringContaining('already handled by bob'),
      details: { state: 'handled', item: { id: itemId, state: 'handled', handledBy: 'bob' } },
    });
  });

  it('refuses an ack after handling, and a second person acking an acknowledged item', async () => {
    const handled = await api.seedItem({ state: 'handled' });
    expect((await api.request('alice', { method: 'POST', url: `/v1/items/${handled}/ack` })).statusCode).toBe(409);
    const acked = await api.seedItem({ state: 'acknowledged', assignee: 'alice' });
    const response = await api.request('bob', { method: 'POST', url: `/v1/items/${acked}/ack` });
    expect(response.statusCode).toBe(409);
    expect(response.json().error.message).toContain('already acknowledged by alice');
  });

  it('lets a teammate acknowledge an item assigned to someone else, and takes it over', async () => {
    const itemId = await api.seedItem({ assignee: 'alice' });
    const response = await api.request('bob', { method: 'POST', url: `/v1/items/${itemId}/ack` });
    expect(response.json()).toMatchObject({ state: 'acknowledged', assigneeId: 'bob', acknowledgedBy: 'bob' });
    expect((await timeline(itemId)).at(-1)).toMatchObject({ type: 'acknowledged', data: { previousAssignee: 'alice' } });
  });
});

describe('snooze, reassign and notes', () => {
  it('snoozes an item until a time, leaving its escalation steps for the router to hold until then', async () => {
    const itemId = await api.seedItem();
    const before = await timers(itemId);
    const until = new Date(Date.now() + 2 * 3_600_000);
    const response = await api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/snooze`, payload: { until: until.toISOString() } });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ state: 'snoozed', snoozedUntil: until.toISOString() });
    expect(await timers(itemId)).toEqual(before);
    // Snoozing again to the same time is a harmless repeat.
    const again = await api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/snooze`, payload: { until: until.toISOString() } });
    expect(again.statusCode).toBe(200);
    expect((await timeline(itemId)).filter((e) => e.type === 'snoozed')).toHaveLength(1);
  });

  it('lets a lead reassign to a member, or back to the team queue for the router', async () => {
    const itemId = await api.seedItem({ assignee: 'alice', state: 'acknowledged' });
    const toBob = await api.request('carol', { method: 'POST', url: `/v1/items/${itemId}/reassign`, payload: { responder: 'bob' } });
    expect(toBob.statusCode).toBe(200);
    // Still acknowledged (alice met the acknowledge deadline); bob takes the acknowledgement over.
    expect(toBob.json()).toMatchObject({ teamId: 'support', assigneeId: 'bob', state: 'acknowledged', acknowledgedBy: 'alice' });
    // bob may not watch the channel: he is told directly, once for this reassignment.
    const { rows: direct } = await api.pool.query("SELECT channel, recipient, payload FROM notification_outbox WHERE item_id = $1 AND kind = 'alert'", [itemId]);
    expect(direct).toEqual([{ channel: 'slack-dm', recipient: 'UBOB', payload: { type: 'item-alert', itemId } }]);
    const bobAcks = await api.request('bob', { method: 'POST', url: `/v1/items/${itemId}/ack` });
    expect(bobAcks.json()).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'bob' });

    const toQueue = await api.request('carol', { method: 'POST', url: `/v1/items/${itemId}/reassign`, payload: { team: 'support' } });
    expect(toQueue.json()).toMatchObject({ teamId: 'support', assigneeId: null, state: 'acknowledged' });
    expect((await timeline(itemId)).filter((e) => e.type === 'reassigned').map((e) => e.data.to)).toEqual([
      { teamId: 'support', assigneeId: 'bob' },
      { teamId: 'support', assigneeId: null },
    ]);
  });

  it('lets an admin move an item to another team and responder', async () => {
    const itemId = await api.seedItem();
    const response = await api.request('admin', { method: 'POST', url: `/v1/items/${itemId}/reassign`, payload: { team: 'community', responder: 'dave' } });
    expect(response.json()).toMatchObject({ teamId: 'community', assigneeId: 'dave' });
    const refused = await api.request('admin', { method: 'POST', url: `/v1/items/${itemId}/reassign`, payload: { responder: 'alice' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.message).toBe('body.responder: alice is not a member of team community; give the team as well');
  });

  it('adds notes, once per idempotency key', async () => {
    const itemId = await api.seedItem({ state: 'handled' });
    const headers = { 'idempotency-key': 'note-1' };
    const first = await api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/notes`, payload: { text: 'customer replied, all good' }, headers });
    expect(first.statusCode).toBe(201);
    expect(first.json().event).toMatchObject({ type: 'note', message: 'customer replied, all good', actor: { kind: 'responder', id: 'alice', via: 'api' } });
    const retry = await api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/notes`, payload: { text: 'customer replied, all good' }, headers });
    expect(retry.json()).toEqual(first.json());
    expect((await timeline(itemId)).filter((e) => e.type === 'note')).toHaveLength(1);
  });
});

describe('listing', () => {
  beforeEach(async () => {
    await api.pool.query('DELETE FROM items');
  });

  it('pages in a stable order: priority, then next SLA deadline, then id, with an opaque cursor', async () => {
    const base = Date.now();
    const ids = {
      p1: await api.seedItem({ priority: 'P1', ackDueAt: new Date(base + 60_000) }),
      p2soon: await api.seedItem({ priority: 'P2', ackDueAt: new Date(base + 60_000) }),
      p2later: await api.seedItem({ priority: 'P2', ackDueAt: new Date(base + 120_000) }),
      p2acked: await api.seedItem({ priority: 'P2', state: 'acknowledged', ackDueAt: new Date(base), handleDueAt: new Date(base + 90_000) }),
      p2none: await api.seedItem({ priority: 'P2', ackDueAt: null, handleDueAt: null }),
      p3: await api.seedItem({ priority: 'P3' }),
    };
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const response = await api.request('admin', { method: 'GET', url: `/v1/items?limit=2${cursor ? `&cursor=${cursor}` : ''}` });
      expect(response.statusCode).toBe(200);
      const page = response.json();
      seen.push(...page.items.map((item: { id: string }) => item.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([ids.p1, ids.p2soon, ids.p2acked, ids.p2later, ids.p2none, ids.p3]);
  });

  it('filters by status, assignee, team, priority, brand and platform', async () => {
    const mine = await api.seedItem({ assignee: 'alice', priority: 'P1' });
    const bobs = await api.seedItem({ assignee: 'bob', brand: 'globex', platform: 'reddit' });
    const queued = await api.seedItem({ assignee: null });
    const community = await api.seedItem({ team: 'community', assignee: 'dave', state: 'acknowledged' });
    const list = async (as: 'alice' | 'admin', query: string) =>
      (await api.request(as, { method: 'GET', url: `/v1/items?${query}` })).json().items.map((item: { id: string }) => item.id).sort();
    expect(await list('alice', 'assignee=me')).toEqual([mine]);
    expect(await list('alice', 'assignee=none')).toEqual([queued]);
    expect(await list('alice', '')).toEqual([mine, bobs, queued].sort());
    expect(await list('admin', 'status=acknowledged')).toEqual([community]);
    expect(await list('admin', 'status=open,acknowledged&team=community')).toEqual([community]);
    expect(await list('admin', 'priority=P1')).toEqual([mine]);
    expect(await list('admin', 'brand=globex')).toEqual([bobs]);
    expect(await list('admin', 'platform=reddit')).toEqual([bobs]);
  });
});
