import { afterEach, describe, expect, it } from 'vitest';
import { classified, deskYaml, FakeClock, itemOf, MONDAY_MORNING, openRouterTest, outbox, timeline, type RouterTest } from './fixtures/router-test.js';

const MINUTE = 60_000;
let test: RouterTest | null = null;

async function open(yaml = deskYaml()): Promise<RouterTest> {
  test = await openRouterTest(yaml);
  return test;
}

afterEach(async () => {
  await test?.db.drop();
  test = null;
});

describe('routing classified mentions into items', () => {
  it('creates the item with its team, assignee, deadlines, timers, explained timeline and channel alert', async () => {
    const { db, newRouter } = await open();
    const router = newRouter(new FakeClock().now);
    const message = classified(1, { classification: { category: 'complaint', priority: 'P2' } });
    await router.routeClassified([message]);

    const item = await itemOf(db.pool, message.id);
    expect(item).toMatchObject({ state: 'open', priority: 'P2', team_id: 'support', assignee_id: 'alice', mention_count: 1, sla_applies: true });
    expect(item.ack_due_at?.toISOString()).toBe('2026-11-23T15:20:00.000Z');
    expect(item.handle_due_at?.toISOString()).toBe('2026-11-23T17:00:00.000Z');
    expect(await timeline(db.pool, item.id)).toEqual([
      {
        type: 'routed',
        message: 'rule 3 `complaints` matched: category=complaint → team support; picked alice: least loaded of 2 on shift speaking en (0 open)',
      },
    ]);
    const { rows: timers } = await db.pool.query('SELECT step_index, clock, due_at, status FROM escalation_timers WHERE item_id = $1 ORDER BY step_index', [item.id]);
    expect(timers.map((t) => [t.step_index, t.clock, t.due_at.toISOString(), t.status])).toEqual([
      [0, 'ack', '2026-11-23T15:10:00.000Z', 'pending'],
      [1, 'ack', '2026-11-23T15:20:00.000Z', 'pending'],
      [2, 'ack', '2026-11-23T15:50:00.000Z', 'pending'],
      [3, 'handle', '2026-11-23T17:00:00.000Z', 'pending'],
    ]);
    expect(await outbox(db.pool, item.id)).toEqual([
      { dedupe_key: `alert:${item.id}:C0SUPPORT`, kind: 'alert', channel: 'slack', recipient: 'C0SUPPORT', payload: { type: 'item-alert', itemId: item.id } },
    ]);
  });

  it('makes one item, one timeline entry and one alert from a redelivered message', async () => {
    const { db, newRouter } = await open();
    const router = newRouter(new FakeClock().now);
    const message = classified(2);
    await router.routeClassified([message, message]);
    await router.routeClassified([message]);
    await newRouter(new FakeClock().now).routeClassified([message]);

    const item = await itemOf(db.pool, message.id);
    expect(await timeline(db.pool, item.id)).toHaveLength(1);
    expect(await outbox(db.pool)).toHaveLength(1);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM escalation_timers');
    expect(rows[0].n).toBe(4);
  });

  it('routes a batch once however often it is delivered: one item, timeline entry and alert per mention, alerts in arrival order', async () => {
    const { db, newRouter } = await open();
    const batch = [classified(30), classified(31), classified(32)];
    await newRouter(new FakeClock().now).routeClassified(batch);
    await newRouter(new FakeClock().now).routeClassified([...batch].reverse());

    const items = await Promise.all(batch.map((message) => itemOf(db.pool, message.id)));
    for (const item of items) expect(await timeline(db.pool, item.id)).toHaveLength(1);
    expect((await outbox(db.pool)).map((row) => row.dedupe_key)).toEqual(items.map((item) => `alert:${item.id}:C0SUPPORT`));
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM classifications WHERE mention_id = ANY($1)', [batch.map((message) => message.id)]);
    expect(rows[0].n).toBe(3);
  });

  it('adds a near-duplicate to the first mention’s item, once however often it is delivered', async () => {
    const { db, newRouter } = await open();
    const router = newRouter(new FakeClock().now);
    const first = classified(3);
    await router.routeClassified([first]);
    const repost = classified(4, { burstOf: first.id, mention: { author: { handle: 'loud', followers: 90_000 } } });
    await router.routeClassified([repost]);
    await router.routeClassified([repost, classified(5, { burstOf: first.id })]);

    const item = await itemOf(db.pool, first.id);
    expect(item.mention_count).toBe(3);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM items');
    expect(rows[0].n).toBe(1);
    const events = await timeline(db.pool, item.id);
    expect(events.map((e) => e.type)).toEqual(['routed', 'burst_grouped', 'burst_grouped']);
    expect(events[1]!.message).toBe(`near-duplicate ${repost.id} by @loud grouped into this item (2 mentions now)`);
    expect(await outbox(db.pool)).toHaveLength(1);
  });

  it('groups a near-duplicate that arrives in the same batch as its first mention', async () => {
    const { db, newRouter } = await open();
    const first = classified(40);
    await newRouter(new FakeClock().now).routeClassified([classified(41, { burstOf: first.id }), first]);
    expect((await itemOf(db.pool, first.id)).mention_count).toBe(2);
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM items');
    expect(rows[0].n).toBe(1);
  });

  it('routes a near-duplicate whose first mention has no item on its own, saying why', async () => {
    const { db, newRouter } = await open();
    const orphan = classified(6, { burstOf: 'x:never-seen' });
    await newRouter(new FakeClock().now).routeClassified([orphan]);
    const item = await itemOf(db.pool, orphan.id);
    expect((await timeline(db.pool, item.id))[0]!.message).toMatch(/^near-duplicate of x:never-seen, which has no item: routed on its own; rule 3/);
  });

  it('sends competitor mentions to a team without SLA: no deadlines, no escalation, still an alert', async () => {
    const { db, newRouter } = await open();
    const message = classified(7, { mention: { matchedBrands: ['globex'], text: 'globex is down again' } });
    await newRouter(new FakeClock().now).routeClassified([message]);
    const item = await itemOf(db.pool, message.id);
    expect(item).toMatchObject({ team_id: 'community', assignee_id: 'dana', sla_applies: false, ack_due_at: null, handle_due_at: null });
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM escalation_timers');
    expect(rows[0].n).toBe(0);
    expect((await outbox(db.pool)).map((row) => row.recipient)).toEqual(['C0COMMUNITY']);
    expect((await timeline(db.pool, item.id))[0]!.message).toContain('competitor → team community; no SLA; picked dana: next in rotation');
  });
});

describe('team queue', () => {
  it('queues items when everyone is at capacity and assigns them oldest first as capacity frees', async () => {
    const { db, newRouter } = await open();
    const clock = new FakeClock();
    const router = newRouter(clock.now);
    // support: alice and bob, one open item each at most.
    const messages = [1, 2, 3, 4].map((i) => classified(10 + i));
    await router.routeClassified(messages.slice(0, 3));
    clock.advance(MINUTE);
    await router.routeClassified(messages.slice(3));
    const [first, second, third, fourth] = await Promise.all(messages.map((m) => itemOf(db.pool, m.id)));
    expect([first!.assignee_id, second!.assignee_id, third!.assignee_id, fourth!.assignee_id]).toEqual(['alice', 'bob', null, null]);
    expect((await timeline(db.pool, third!.id))[0]!.message).toBe(
      'rule 3 `complaints` matched: category=complaint → team support; queued: all 2 on shift speaking en at capacity (1 open each)',
    );

    await router.tick();
    expect((await itemOf(db.pool, third!.mention_id)).assignee_id).toBeNull();

    // bob handles his item (through the API, elsewhere): the oldest waiting item goes to him, not the younger one.
    clock.advance(5 * MINUTE);
    await db.pool.query("UPDATE items SET state = 'handled', handled_at = $2 WHERE id = $1", [second!.id, clock.now()]);
    await router.tick();
    expect((await itemOf(db.pool, third!.mention_id)).assignee_id).toBe('bob');
    expect((await itemOf(db.pool, fourth!.mention_id)).assignee_id).toBeNull();
    const events = await timeline(db.pool, third!.id);
    expect(events.at(-1)).toEqual({ type: 'assigned', message: 'picked bob: least loaded of 2 on shift speaking en (0 open), after 6m in the support queue' });
    // The channel alert went out when it was unassigned; bob hears about it directly.
    expect((await outbox(db.pool, third!.id)).map((row) => [row.channel, row.recipient])).toEqual([
      ['slack', 'C0SUPPORT'],
      ['slack-dm', 'U0BOB'],
    ]);

    await db.pool.query("UPDATE items SET state = 'handled', handled_at = $2 WHERE id = $1", [first!.id, clock.now()]);
    await router.tick();
    expect((await itemOf(db.pool, fourth!.mention_id)).assignee_id).toBe('alice');
  });

  it('serves the queue before new items when capacity freed between batches', async () => {
    const { db, newRouter } = await open();
    const clock = new FakeClock();
    const router = newRouter(clock.now);
    const [a, b, waiting, newcomer] = [20, 21, 22, 23].map((i) => classified(i));
    await router.routeClassified([a!, b!, waiting!]);
    await db.pool.query("UPDATE items SET state = 'handled' WHERE mention_id = $1", [a!.id]);
    clock.advance(MINUTE);
    await router.routeClassified([newcomer!]);
    expect((await itemOf(db.pool, waiting!.id)).assignee_id).toBe('alice');
    expect((await itemOf(db.pool, newcomer!.id)).assignee_id).toBeNull();
  });

  it('gives an out-of-hours P1 to the on-call responder and the rest to the first shift', async () => {
    const { db, newRouter } = await open();
    // Saturday 2026-11-21 10:00 New York: support is off.
    const clock = new FakeClock(new Date('2026-11-21T15:00:00Z'));
    const router = newRouter(clock.now);
    const urgent = classified(30, { classification: { priority: 'P1' } });
    const routine = classified(31);
    await router.routeClassified([urgent, routine]);

    const p1 = await itemOf(db.pool, urgent.id);
    expect(p1.assignee_id).toBe('bob');
    expect((await timeline(db.pool, p1.id))[0]!.message).toContain('picked bob: on call, nobody on shift for a P1');
    expect((await outbox(db.pool, p1.id)).map((row) => [row.channel, row.recipient])).toEqual([
      ['slack', 'C0SUPPORT'],
      ['slack-dm', 'U0BOB'],
    ]);
    const p3 = await itemOf(db.pool, routine.id);
    expect(p3.assignee_id).toBeNull();
    expect((await timeline(db.pool, p3.id))[0]!.message).toContain('queued: nobody on shift; the next shift starts 2026-11-23T13:00:00.000Z');

    await router.tick();
    expect((await itemOf(db.pool, routine.id)).assignee_id).toBeNull();
    clock.set(MONDAY_MORNING);
    await router.tick();
    // bob has the P1 and a cap of 1: alice takes the queued item when her shift starts.
    expect((await itemOf(db.pool, routine.id)).assignee_id).toBe('alice');
  });
});

describe('spike alerts', () => {
  it('alerts the crisis team channel, mentioning its lead, once per spike id', async () => {
    const { db, newRouter } = await open();
    const router = newRouter(new FakeClock().now);
    const spike = {
      id: 'spike:acme:2026-11-23T14:00:00.000Z',
      brandId: 'acme',
      windowStart: '2026-11-23T14:00:00.000Z',
      windowEnd: '2026-11-23T15:00:00.000Z',
      negativeCount: 240,
      baselineMean: 12,
      baselineDeviation: 4,
      examples: [{ mentionId: 'x:1', text: 'acme is down', authorHandle: 'someone' }],
      detectedAt: '2026-11-23T15:00:00.000Z',
    };
    await router.alertSpikes([spike]);
    await router.alertSpikes([spike]);
    expect(await outbox(db.pool)).toEqual([
      { dedupe_key: `spike:${spike.id}:C0CRISIS`, kind: 'spike', channel: 'slack', recipient: 'C0CRISIS', payload: { type: 'spike', spike, mention: 'U0CAROL' } },
    ]);
  });
});
