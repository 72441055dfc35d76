import { formatDuration, type EscalationStep } from '@earshot/config';
import { withTransaction, type PoolClient } from '@earshot/db';
import { requestAlertUpdates } from '@earshot/notify';
import { resolveStep, type Delivery, type ResolvedDeliveries, type SlaClock } from '@earshot/routing';
import type { RouterContext } from './context.js';
import { NO_TEAM } from './metrics.js';
import { enqueueAll, escalationNotice } from './notifications.js';
import { appendTimeline, type TimelineEntry } from './timeline.js';

/** Timers handled per transaction: short transactions, so acknowledging never waits long on a firing step. */
const FIRE_BATCH = 100;
/** Rows per statement for snooze ends and breaches. */
const SWEEP_BATCH = 500;

interface DueTimer {
  id: string;
  item_id: string;
  step_index: number;
  clock: SlaClock;
  state: string;
  acknowledged_at: Date | null;
  team_id: string | null;
  assignee_id: string | null;
}

/** `breach` or `100% ack + 30m`: how the step is named in messages. */
function stepLabel(step: EscalationStep): string {
  if (step.name) return step.name;
  const { percent, clock, offsetMs } = step.at;
  const offset = offsetMs === 0 ? '' : ` ${offsetMs > 0 ? '+' : '-'} ${formatDuration(Math.abs(offsetMs))}`;
  return `${percent}% ${clock}${offset}`;
}

function describeDelivery(delivery: Delivery): string {
  const where = { slack: 'Slack', 'slack-dm': 'Slack DM', email: 'email' }[delivery.channel];
  return `${where} ${delivery.recipient}${delivery.mention ? ` mentioning ${delivery.mention}` : ''}`;
}

/**
 * Queues one step's notifications. A channel message the outbox refuses (a
 * `slack:` target in the config that is not a channel) would also lose the
 * person it was to mention, so they get a direct message instead.
 */
async function queueStep(client: PoolClient, itemId: string, stepIndex: number, label: string, resolved: ResolvedDeliveries): Promise<ResolvedDeliveries> {
  const notice = (delivery: Delivery) => escalationNotice(itemId, stepIndex, label, delivery);
  const first = await enqueueAll(client, resolved.deliveries.map(notice));
  const refused = new Set(first.refused.map(({ request }) => request.recipient));
  const accepted = resolved.deliveries.filter((delivery) => !refused.has(delivery.recipient));
  const stillMentioned = new Set(accepted.map((delivery) => delivery.mention));
  const orphaned = [...new Set(resolved.deliveries.filter((d) => refused.has(d.recipient) && d.mention !== undefined && !stillMentioned.has(d.mention)).map((d) => d.mention!))];
  const fallbacks: Delivery[] = orphaned.map((user) => ({ channel: 'slack-dm', recipient: user }));
  const second = await enqueueAll(client, fallbacks.map(notice));
  const refusedFallbacks = new Set(second.refused.map(({ request }) => request.recipient));
  return {
    deliveries: [...accepted, ...fallbacks.filter((delivery) => !refusedFallbacks.has(delivery.recipient))],
    unreachable: [...resolved.unreachable, ...first.refused.map(({ reason }) => reason), ...second.refused.map(({ reason }) => reason)],
  };
}

/**
 * Fires the escalation steps that are due, FIRE_BATCH at a time. Each due
 * timer row is locked with SKIP LOCKED together with its item, marked fired
 * and its notifications queued in the same transaction: whatever the number
 * of replicas and however often they restart, a step fires once. Steps made
 * moot by the item's state (handled; acknowledged, for ack-clock steps) are
 * cancelled here too, in case the change that made them moot did not. A
 * snoozed item's steps wait for the snooze to end. Returns the rows handled.
 */
export async function fireDueSteps(context: RouterContext): Promise<number> {
  const now = context.now();
  const fired: Array<{ teamId: string | null; stepIndex: number }> = [];
  const handled = await withTransaction(context.pool, async (client) => {
    const { rows } = await client.query<DueTimer>(
      `SELECT t.id, t.item_id, t.step_index, coalesce(t.clock, 'ack') AS clock, i.state, i.acknowledged_at, i.team_id, i.assignee_id
       FROM escalation_timers t JOIN items i ON i.id = t.item_id
       WHERE t.status = 'pending' AND t.due_at <= $1
         AND NOT (i.state = 'snoozed' AND coalesce(i.snoozed_until > $1, true))
       ORDER BY t.due_at
       LIMIT $2
       FOR UPDATE OF t, i SKIP LOCKED`,
      [now, FIRE_BATCH],
    );
    const cancelled: string[] = [];
    const firedIds: string[] = [];
    const timeline: TimelineEntry[] = [];
    for (const timer of rows) {
      const step = context.config.escalation[timer.step_index];
      const moot = timer.state === 'handled' || (timer.clock === 'ack' && (timer.state === 'acknowledged' || timer.acknowledged_at !== null));
      if (moot || step === undefined) {
        if (step === undefined) context.logger.warn({ itemId: timer.item_id, stepIndex: timer.step_index }, 'escalation step no longer in the config; cancelling its timer');
        cancelled.push(timer.id);
        continue;
      }
      const label = stepLabel(step);
      const resolved = resolveStep(step, context.directory.contactsFor({ teamId: timer.team_id, assigneeId: timer.assignee_id }));
      const { deliveries, unreachable } = await queueStep(client, timer.item_id, timer.step_index, label, resolved);
      firedIds.push(timer.id);
      fired.push({ teamId: timer.team_id, stepIndex: timer.step_index });
      const sent = deliveries.length > 0 ? deliveries.map(describeDelivery).join(', ') : 'nobody to notify';
      timeline.push({
        itemId: timer.item_id,
        type: 'escalated',
        message: `escalation step ${timer.step_index + 1} (${label}) fired: ${sent}${unreachable.length > 0 ? `; not reached: ${unreachable.join('; ')}` : ''}`,
        data: { stepIndex: timer.step_index, deliveries, unreachable },
        at: now,
      });
    }
    await client.query(
      `UPDATE escalation_timers SET status = CASE WHEN id = ANY($1::bigint[]) THEN 'fired' ELSE 'cancelled' END,
              fired_at = CASE WHEN id = ANY($1::bigint[]) THEN $3::timestamptz END
       WHERE id = ANY($1::bigint[]) OR id = ANY($2::bigint[])`,
      [firedIds, cancelled, now],
    );
    await appendTimeline(client, timeline);
    return rows.length;
  });
  for (const { teamId, stepIndex } of fired) context.metrics.escalationStepsFired.inc({ team: teamId ?? NO_TEAM, step: String(stepIndex) });
  return handled;
}

/** Fires every due step, a batch at a time, until none is left (or `maxBatches` ran, so one pass stays bounded). */
export async function fireAllDueSteps(context: RouterContext, maxBatches = 50): Promise<void> {
  for (let batch = 0; batch < maxBatches; batch += 1) {
    if ((await fireDueSteps(context)) < FIRE_BATCH) return;
  }
}

/**
 * Puts items whose snooze ended back to the state they were snoozed from
 * (acknowledged if they had been, else open); their remaining steps then
 * fire as they come due, those due during the snooze at once.
 */
export async function endSnoozes(context: RouterContext): Promise<void> {
  const now = context.now();
  await withTransaction(context.pool, async (client) => {
    const { rows } = await client.query<{ id: string; state: string }>(
      `UPDATE items SET state = CASE WHEN acknowledged_at IS NULL THEN 'open' ELSE 'acknowledged' END, snoozed_until = NULL, updated_at = $1
       WHERE id IN (SELECT id FROM items WHERE state = 'snoozed' AND snoozed_until <= $1 ORDER BY snoozed_until LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, state`,
      [now, SWEEP_BATCH],
    );
    await appendTimeline(
      client,
      rows.map((row) => ({ itemId: row.id, type: 'unsnoozed' as const, message: `snooze ended; back to ${row.state}`, data: { state: row.state }, at: now })),
    );
    await requestAlertUpdates(client, rows.map((row) => row.id));
  });
}

/**
 * Records each SLA breach once per item and clock: the moment a deadline
 * passes without the item being acknowledged (ack clock) or handled (handle
 * clock). The breach time stored is the deadline itself.
 */
export async function recordBreaches(context: RouterContext): Promise<void> {
  const now = context.now();
  const breaches = await withTransaction(context.pool, async (client) => {
    const ack = await client.query<{ id: string; team_id: string | null; priority: string; due: Date }>(
      `UPDATE items SET ack_breached_at = ack_due_at
       WHERE id IN (SELECT id FROM items WHERE ack_due_at <= $1 AND ack_breached_at IS NULL AND acknowledged_at IS NULL AND state <> 'handled'
                    LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, team_id, priority, ack_due_at AS due`,
      [now, SWEEP_BATCH],
    );
    const handle = await client.query<{ id: string; team_id: string | null; priority: string; due: Date }>(
      `UPDATE items SET handle_breached_at = handle_due_at
       WHERE id IN (SELECT id FROM items WHERE handle_due_at <= $1 AND handle_breached_at IS NULL AND state <> 'handled'
                    LIMIT $2 FOR UPDATE SKIP LOCKED)
       RETURNING id, team_id, priority, handle_due_at AS due`,
      [now, SWEEP_BATCH],
    );
    const all = [
      ...ack.rows.map((row) => ({ ...row, clock: 'ack' as const })),
      ...handle.rows.map((row) => ({ ...row, clock: 'handle' as const })),
    ];
    await appendTimeline(
      client,
      all.map((row) => ({
        itemId: row.id,
        type: 'sla_breached' as const,
        message: `${row.clock === 'ack' ? 'acknowledge' : 'handle'} SLA breached: it was due ${row.due.toISOString()}`,
        data: { clock: row.clock, dueAt: row.due.toISOString() },
        at: now,
      })),
    );
    return all;
  });
  for (const breach of breaches) context.metrics.slaBreaches.inc({ team: breach.team_id ?? NO_TEAM, priority: breach.priority, clock: breach.clock });
}
