import { withTransaction } from '@earshot/db';
import { cancelPendingEscalations } from '@earshot/routing';
import { afterEach, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait.js';
import { classified, deskYaml, FakeClock, itemOf, openRouterTest, outbox, timeline, type RouterTest } from './fixtures/router-test.js';

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
let test: RouterTest | null = null;

async function open(yaml = deskYaml()): Promise<RouterTest> {
  test = await openRouterTest(yaml);
  return test;
}

afterEach(async () => {
  await test?.db.drop();
  test = null;
});

const escalations = async (pool: RouterTest['db']['pool'], itemId: string) =>
  (await outbox(pool, itemId)).filter((row) => row.kind === 'escalation').map((row) => [row.payload.stepIndex, row.channel, row.recipient, row.payload.mention ?? null]);
const labels = async (pool: RouterTest['db']['pool'], itemId: string) =>
  [...new Set((await outbox(pool, itemId)).filter((row) => row.kind === 'escalation').map((row) => row.payload.label))];

/** What the API does on POST /v1/items/:id/ack: the state change and the cancellation commit together. */
async function acknowledge(pool: RouterTest['db']['pool'], itemId: string, at: Date): Promise<number> {
  return withTransaction(pool, async (client) => {
    await client.query("UPDATE items SET state = 'acknowledged', acknowledged_at = $2, updated_at = $2 WHERE id = $1", [itemId, at]);
    return cancelPendingEscalations(client, itemId, 'acknowledged');
  });
}

describe('escalation', () => {
  it('escalates step by step as the SLA runs out, each step to its recipients', async () => {
    const { db, newRouter } = await open();
    const clock = new FakeClock();
    const router = newRouter(clock.now);
    const message = classified(1, { classification: { priority: 'P1' } }); // ack 10m, handle 1h
    await router.routeClassified([message]);
    const item = await itemOf(db.pool, message.id);
    expect(item.assignee_id).toBe('alice');

    clock.advance(5 * MINUTE - 1);
    await router.tick();
    expect(await escalations(db.pool, item.id)).toEqual([]);

    clock.advance(1);
    await router.tick();
    expect(await escalations(db.pool, item.id)).toEqual([[0, 'slack-dm', 'U0ALICE', null]]);

    clock.advance(5 * MINUTE);
    await router.tick();
    expect(await escalations(db.pool, item.id)).toEqual([
      [0, 'slack-dm', 'U0ALICE', null],
      [1, 'slack', 'C0SUPPORT', 'U0CAROL'],
    ]);

    clock.advance(30 * MINUTE);
    await router.tick();
    await router.tick();
    expect((await escalations(db.pool, item.id)).slice(2)).toEqual([
      [2, 'email', 'carol@acme.test', null],
      [2, 'email', 'vp@acme.test', null],
    ]);

    clock.advance(20 * MINUTE);
    await router.tick();
    expect((await escalations(db.pool, item.id)).slice(4)).toEqual([[3, 'slack', 'C0SUPPORT', null]]);
    const events = await timeline(db.pool, item.id);
    expect(events.map((e) => e.type)).toEqual(['routed', 'escalated', 'escalated', 'sla_breached', 'escalated', 'escalated', 'sla_breached']);
    expect(events[2]!.message).toBe('escalation step 2 (100% ack) fired: Slack C0SUPPORT mentioning U0CAROL');
    expect(events[4]!.message).toBe('escalation step 3 (100% ack + 30m) fired: email carol@acme.test, email vp@acme.test');
    expect(await labels(db.pool, item.id)).toEqual(['50% ack', '100% ack', '100% ack + 30m', '100% handle']);
    const { rows } = await db.pool.query("SELECT ack_breached_at, handle_breached_at FROM items WHERE id = $1", [item.id]);
    expect(rows[0].ack_breached_at.toISOString()).toBe(item.ack_due_at!.toISOString());
    expect(rows[0].handle_breached_at.toISOString()).toBe(item.handle_due_at!.toISOString());
    const breaches = (await router.context.metrics.slaBreaches.get()).values.map((v) => [v.labels.clock, v.value]);
    expect(breaches).toEqual([
      ['ack', 1],
      ['handle', 1],
    ]);
    const fired = (await router.context.metrics.escalationStepsFired.get()).values.map((v) => [v.labels.step, v.value]);
    expect(fired).toEqual([
      ['0', 1],
      ['1', 1],
      ['2', 1],
      ['3', 1],
    ]);
  });

  it('stops the ack steps when the item is acknowledged, and all steps when it is handled', async () => {
    const { db, newRouter } = await open();
    const clock = new FakeClock();
    const router = newRouter(clock.now);
    const message = classified(2, { classification: { priority: 'P1' } });
    await router.routeClassified([message]);
    const item = await itemOf(db.pool, message.id);

    clock.advance(6 * MINUTE);
    await router.tick();
    expect(await escalations(db.pool, item.id)).toHaveLength(1);

    expect(await acknowledge(db.pool, item.id, clock.now())).toBe(2);
    clock.advance(40 * MINUTE);
    await router.tick();
    expect(await escalations(db.pool, item.id)).toHaveLength(1);
    expect((await timeline(db.pool, item.id)).map((e) => e.type)).toEqual(['routed', 'escalated']);

    // Acknowledged is not handled: the handle clock still runs...
    clock.advance(20 * MINUTE);
    await router.tick();
    expect((await escalations(db.pool, item.id)).map((row) => row[0])).toEqual([0, 3]);

    // ...and handling cancels whatever is left.
    const second = classified(3, { classification: { priority: 'P1' } });
    await router.routeClassified([second]);
    const other = await itemOf(db.pool, second.id);
    const cancelled = await withTransaction(db.pool, async (client) => {
      await client.query("UPDATE items SET state = 'handled', handled_at = now() WHERE id = $1", [other.id]);
      return cancelPendingEscalations(client, other.id, 'handled');
    });
    expect(cancelled).toBe(4);
    clock.advance(2 * 60 * MINUTE);
    await router.tick();
    expect(await escalations(db.pool, other.id)).toEqual([]);
  });

  it('does not fire steps made moot by a state change that forgot to cancel them', async () => {
    const { db, newRouter } = await open();
    const clock = new FakeClock();
    const router = newRouter(clock.now);
    const message = classified(4, { classification: { priority: 'P1' } });
    await router.routeClassified([message]);
    const item = await itemOf(db.pool, message.id);
    await db.pool.query("UPDATE items SET state = 'acknowledged', acknowledged_at = $2 WHERE id = $1", [item.id, clock.now()]);
    clock.advance(2 * 60 * MINUTE);
    await router.tick();
    expect(await escalations(db.pool, item.id)).toEqual([[3, 'slack', 'C0SUPPORT', null]]);
    const { rows } = await db.pool.query('SELECT step_index, status FROM escalation_timers WHERE item_id = $1 ORDER BY step_index', [item.id]);
    expect(rows.map((r) => r.status)).toEqual(['cancelled', 'cancelled', 'cancelled', 'fired']);
  });

  it('holds escalation while snoozed, then puts the item back and fires the steps that came due', async () => {
    const { db, newRouter } = await open();
    const clock = new FakeClock();
    const router = newRouter(clock.now);
    const message = classified(5, { classification: { priority: 'P1' } });
    await router.routeClassified([message]);
    const item = await itemOf(db.pool, message.id);

    // Snoozed for 20 minutes (what POST /v1/items/:id/snooze does): steps 1 and 2 come due meanwhile.
    await db.pool.query("UPDATE items SET state = 'snoozed', snoozed_until = $2 WHERE id = $1", [item.id, new Date(clock.now().getTime() + 20 * MINUTE)]);
    clock.advance(19 * MINUTE);
    await router.tick();
    expect(await escalations(db.pool, item.id)).toEqual([]);
    expect((await itemOf(db.pool, message.id)).state).toBe('snoozed');

    clock.advance(MINUTE);
    await router.tick();
    expect((await itemOf(db.pool, message.id)).state).toBe('open');
    expect((await escalations(db.pool, item.id)).map((row) => row[0])).toEqual([0, 1]);
    // The SLA itself is not paused: the breach is on record from the moment it happened.
    expect((await timeline(db.pool, item.id)).map((e) => e.type)).toEqual(['routed', 'sla_breached', 'unsnoozed', 'escalated', 'escalated']);
  });

  it('reports a config target the outbox refuses and DMs the person its message was to mention', async () => {
    const { db, newRouter } = await open(deskYaml(undefined, (yaml) => yaml.replace('notify: [team-channel, lead], via: slack }', 'notify: [slack:support-war-room, lead], via: slack }')));
    const clock = new FakeClock();
    const router = newRouter(clock.now);
    const message = classified(7, { classification: { priority: 'P1' } });
    await router.routeClassified([message]);
    const item = await itemOf(db.pool, message.id);
    clock.advance(10 * MINUTE);
    await router.tick();
    expect(await escalations(db.pool, item.id)).toEqual([
      [0, 'slack-dm', 'U0ALICE', null],
      [1, 'slack-dm', 'U0CAROL', null],
    ]);
    const escalated = (await timeline(db.pool, item.id)).filter((e) => e.type === 'escalated');
    expect(escalated[1]!.message).toMatch(/^escalation step 2 \(100% ack\) fired: Slack DM U0CAROL; not reached: slack support-war-room: invalid notification: recipient: must be a Slack channel id/);
  });

  it('keeps the clock when an item is reassigned: the next step goes to the new assignee', async () => {
    const { db, newRouter } = await open();
    const clock = new FakeClock();
    const router = newRouter(clock.now);
    const message = classified(6, { classification: { priority: 'P1' } });
    await router.routeClassified([message]);
    const item = await itemOf(db.pool, message.id);
    await db.pool.query("UPDATE items SET assignee_id = 'bob' WHERE id = $1", [item.id]);
    clock.advance(5 * MINUTE);
    await router.tick();
    expect(await escalations(db.pool, item.id)).toEqual([[0, 'slack-dm', 'U0BOB', null]]);
  });
});

describe('escalation with several routers', () => {
  it('fires each step once when two routers run their clocks at once', async () => {
    const { db, newRouter } = await open(deskYaml('\n  P1: { ack: 2s, handle: 3s }', (yaml) => yaml.replace('100% ack + 30m', '100% ack + 500ms')));
    const routers = [newRouter(), newRouter()];
    const messages = Array.from({ length: 40 }, (_, i) => classified(100 + i, { classification: { priority: 'P1', category: 'other' } }));
    // Each router takes half the mentions, as two consumers of one group would.
    await Promise.all([routers[0]!.routeClassified(messages.slice(0, 20)), routers[1]!.routeClassified(messages.slice(20))]);
    const clocks = routers.map((router) => router.startClock(20));
    try {
      await waitFor(async () => {
        const { rows } = await db.pool.query("SELECT count(*)::int AS n FROM escalation_timers WHERE status = 'pending'");
        return rows[0].n === 0;
      }, { timeoutMs: 20_000, what: 'every step to fire' });
    } finally {
      await Promise.all(clocks.map((clock) => clock.stop()));
    }
    const { rows: timers } = await db.pool.query("SELECT count(*)::int AS n FROM escalation_timers WHERE status = 'fired'");
    expect(timers[0].n).toBe(40 * 4);
    // Timeline entries are not deduplicated: one per step and item proves each step fired once.
    const { rows: events } = await db.pool.query("SELECT item_id, data->>'stepIndex' AS step, count(*)::int AS n FROM timeline_events WHERE type = 'escalated' GROUP BY 1, 2");
    expect(events).toHaveLength(40 * 4);
    expect(events.every((row) => row.n === 1)).toBe(true);
    // community (dana, no manager): DM dana; channel + mention carol; email carol; channel.
    const { rows: notices } = await db.pool.query("SELECT count(*)::int AS n FROM notification_outbox WHERE kind = 'escalation'");
    expect(notices[0].n).toBe(40 * 4);
  });
});
