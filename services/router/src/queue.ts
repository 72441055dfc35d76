import { withTransaction, type PoolClient } from '@earshot/db';
import { formatDuration } from '@earshot/config';
import type { Category, Priority } from '@earshot/domain';
import { requestAlertUpdates } from '@earshot/notify';
import { queueAssignmentAlerts } from '@earshot/routing';
import type { RouterContext } from './context.js';
import { openDesks, tryLockTeam, type Desks } from './desks.js';
import { NO_TEAM } from './metrics.js';
import { enqueueAll, itemAlert, reasonsByItem } from './notifications.js';
import { appendTimeline, type TimelineEntry } from './timeline.js';

/** Queued items looked at per team and pass: enough to use any capacity that freed up, bounded so a long queue costs little. */
const QUEUE_SCAN_LIMIT = 100;

interface QueuedItem {
  id: string;
  priority: Priority;
  category: Category;
  created_at: Date;
  platform: string;
  lang: string | null;
}

/**
 * Gives the team's waiting items, oldest first, to whoever can take them now.
 * An item nobody can take (e.g. in a language only a busy member reads) does
 * not hold back the younger ones behind it. Needs the team lock and `desks`
 * opened under it. Returns how many items were assigned.
 */
export async function assignFromQueue(client: PoolClient, context: RouterContext, teamId: string, desks: Desks, now: Date): Promise<number> {
  const { rows } = await client.query<QueuedItem>(
    `SELECT i.id, i.priority, i.category, i.created_at, m.platform, m.lang
     FROM items i JOIN mentions m ON m.id = i.mention_id
     WHERE i.team_id = $1 AND i.assignee_id IS NULL AND i.state <> 'handled'
     ORDER BY i.created_at, i.id
     LIMIT $2`,
    [teamId, QUEUE_SCAN_LIMIT],
  );
  const picks: Array<{ id: string; assignee: string; entry: TimelineEntry }> = [];
  for (const item of rows) {
    const decision = desks.choose(teamId, { priority: item.priority, category: item.category, platform: item.platform, lang: item.lang ?? undefined });
    if (decision?.kind !== 'assigned') continue;
    const waited = formatDuration(Math.max(1000, Math.floor((now.getTime() - item.created_at.getTime()) / 1000) * 1000));
    picks.push({
      id: item.id,
      assignee: decision.responderId,
      entry: {
        itemId: item.id,
        type: 'assigned',
        message: `${decision.explanation}, after ${waited} in the ${teamId} queue`,
        data: { assigneeId: decision.responderId, teamId, fromQueue: true, viaOnCall: decision.viaOnCall },
        at: now,
      },
    });
  }
  if (picks.length === 0) return 0;

  // The rows were read without locks, so an item being handled or reassigned through the API is never
  // held up by the queue; the conditions here skip any that were taken or closed since.
  const { rows: updated } = await client.query<{ id: string }>(
    `UPDATE items SET assignee_id = a.assignee, assigned_at = $3, updated_at = $3
     FROM unnest($1::uuid[], $2::text[]) AS a(id, assignee)
     WHERE items.id = a.id AND items.assignee_id IS NULL AND items.state <> 'handled'
     RETURNING items.id`,
    [picks.map((pick) => pick.id), picks.map((pick) => pick.assignee), now],
  );
  const done = new Set(updated.map((row) => row.id));
  const assigned = picks.filter((pick) => done.has(pick.id));
  await appendTimeline(client, assigned.map((pick) => pick.entry));
  const alerts = assigned.flatMap(({ id, assignee }) => {
    const contact = context.directory.contactsFor({ teamId, assigneeId: assignee }).assignee;
    return (contact === null ? [] : queueAssignmentAlerts(contact)).map((delivery) => itemAlert(id, delivery));
  });
  const { refused } = await enqueueAll(client, alerts);
  for (const [itemId, reasons] of reasonsByItem(refused)) context.logger.warn({ itemId, refused: reasons }, 'alert not queued');
  // The channel alert posted while it waited shows it unassigned: have it edited in place.
  await requestAlertUpdates(client, assigned.map((pick) => pick.id));
  return assigned.length;
}

/**
 * One pass over every team queue: capacity frees up when items are handled
 * (through the API, on another replica) and when shifts start, neither of
 * which the router hears about, so it looks. A team another replica is
 * assigning in right now is left to it. Updates the queue-depth gauge.
 */
export async function drainQueues(context: RouterContext): Promise<void> {
  const now = context.now();
  const { rows } = await context.pool.query<{ team_id: string | null; waiting: number }>(
    `SELECT team_id, count(*)::int AS waiting FROM items WHERE assignee_id IS NULL AND state <> 'handled' GROUP BY team_id`,
  );
  const depth = new Map<string, number>(context.config.teams.map((team) => [team.id, 0]));
  for (const row of rows) {
    const teamId = row.team_id ?? NO_TEAM;
    let waiting = row.waiting;
    if (row.team_id !== null && context.directory.team(row.team_id) !== undefined) {
      waiting -= await withTransaction(context.pool, async (client) => {
        if (!(await tryLockTeam(client, teamId))) return 0;
        const desks = await openDesks(client, [teamId], context.directory, now);
        const assigned = await assignFromQueue(client, context, teamId, desks, now);
        await desks.saveRotations(client);
        return assigned;
      });
    }
    depth.set(teamId, waiting);
  }
  for (const [teamId, waiting] of depth) context.metrics.queueDepth.set({ team: teamId }, waiting);
}
