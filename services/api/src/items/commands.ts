import { withTransaction, type Pool, type PoolClient } from '@earshot/db';
import type { Actor, TimelineEventType } from '@earshot/domain';
import { cancelPendingEscalations } from '@earshot/routing';
import { actorKey, actorOf, canActOn, reassignRefusal, type Caller } from '../access.js';
import { ApiError } from '../errors.js';
import type { ItemDetail, ItemView } from '../schemas.js';
import type { AssigneeAlerter } from './assignee-alert.js';
import { findItem, TIMELINE_COLUMNS, toItemView, toSnapshot, toTimelineEntry, writeSnapshot, type ItemRow } from './repository.js';
import { decide, type ItemCommand, type ItemRequest } from './transitions.js';

/**
 * Asks for the item's Slack alert to be updated in place (chat.update) once
 * this transaction commits. It runs inside the transaction so the request
 * and the state change are stored together or not at all.
 */
export type AlertUpdateRequester = (client: PoolClient, itemId: string) => Promise<unknown>;

export interface ItemCommandDeps {
  pool: Pool;
  requestAlertUpdate: AlertUpdateRequester;
  alertNewAssignee: AssigneeAlerter;
  /** Called after commit for each applied change, e.g. to count it. */
  onApplied?(change: { command: ItemCommand['kind']; via: Caller['via'] }): void;
  now?(): Date;
}

export interface CommandOutcome {
  changed: boolean;
  item: ItemView;
}

/** How long a change waits for another change of the same item before giving up (Slack wants an answer within 3 s). */
const LOCK_TIMEOUT = '2s';

async function lockItem(client: PoolClient, caller: Caller, itemId: string): Promise<ItemRow> {
  await client.query(`SET LOCAL lock_timeout = '${LOCK_TIMEOUT}'`);
  let row: ItemRow | null;
  try {
    row = await findItem(client, itemId, { lock: true });
  } catch (error) {
    if ((error as { code?: string }).code === '55P03') throw new ApiError('unavailable', 'the item is being changed by another request; retry');
    throw error;
  }
  if (!row) throw new ApiError('not_found', `no item ${itemId}`);
  if (!canActOn(caller, toSnapshot(row))) {
    throw new ApiError('forbidden', `item ${itemId} belongs to team ${row.team_id ?? '(none)'}; you act on items of ${caller.teamIds.length > 0 ? `teams ${caller.teamIds.join(', ')}` : 'no team'}`);
  }
  return row;
}

async function insertEvent(
  client: PoolClient,
  itemId: string,
  actor: Actor,
  event: { type: TimelineEventType; message: string; data: Record<string, unknown> },
  at: Date,
) {
  const { rows } = await client.query(
    `INSERT INTO timeline_events (item_id, at, type, actor_kind, actor_id, via, message, data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
     RETURNING ${TIMELINE_COLUMNS}`,
    [itemId, at, event.type, actor.kind, actor.id, actor.via, event.message, event.data],
  );
  return toTimelineEntry(rows[0]);
}

/** Checks a reassignment's target against the directory; the field named is the body's. */
async function checkReassignTarget(client: PoolClient, teamId: string, responderId: string | null): Promise<void> {
  const { rows } = await client.query<{ team_active: boolean | null; responder_active: boolean | null; member: boolean }>(
    `SELECT (SELECT active FROM teams WHERE id = $1) AS team_active,
            (SELECT active FROM responders WHERE id = $2) AS responder_active,
            EXISTS (SELECT 1 FROM team_members WHERE team_id = $1 AND responder_id = $2) AS member`,
    [teamId, responderId],
  );
  const facts = rows[0]!;
  if (!facts.team_active) throw new ApiError('invalid_request', `body.team: no team ${teamId} in the config`);
  if (responderId === null) return;
  if (!facts.responder_active) throw new ApiError('invalid_request', `body.responder: no responder ${responderId} in the config`);
  if (!facts.member) throw new ApiError('invalid_request', `body.responder: ${responderId} is not a member of team ${teamId}; give the team as well`);
}

/**
 * Applies one state change under the item's row lock, so changes arriving
 * together (Slack and the API) apply one after the other, each seeing the
 * state the previous one left. Writes the timeline event, adjusts the
 * escalation timers and requests the Slack update in the same transaction.
 */
export async function runItemCommand(deps: ItemCommandDeps, caller: Caller, itemId: string, request: ItemRequest): Promise<CommandOutcome> {
  const outcome = await withTransaction(deps.pool, async (client) => {
    const row = await lockItem(client, caller, itemId);
    const snapshot = toSnapshot(row);
    const command = resolveRequest(request, row);
    if (command.kind === 'reassign') {
      const refusal = reassignRefusal(caller, snapshot, command);
      if (refusal) throw new ApiError('forbidden', refusal);
      await checkReassignTarget(client, command.teamId, command.responderId);
    }
    // Taken once the lock is held, so changes to one item are stamped in the order they applied.
    const now = deps.now?.() ?? new Date();
    const decision = decide(snapshot, command, actorKey(caller), now);
    if (decision.outcome === 'conflict') {
      throw new ApiError('state_conflict', `item ${itemId} is ${row.state}: ${decision.message}`, { state: row.state, item: toItemView(row) });
    }
    if (decision.outcome === 'unchanged') return { changed: false, item: toItemView(row) };
    const updated = await writeSnapshot(client, itemId, decision.next, now);
    const event = await insertEvent(client, itemId, actorOf(caller), decision.event, now);
    if (decision.escalation !== 'keep') await cancelPendingEscalations(client, itemId, decision.escalation);
    await deps.requestAlertUpdate(client, itemId);
    if (command.kind === 'reassign' && command.responderId !== null && command.responderId !== caller.responderId) {
      await deps.alertNewAssignee(client, { itemId, teamId: command.teamId, assigneeId: command.responderId, eventId: event.id });
    }
    return { changed: true, item: toItemView(updated) };
  });
  if (outcome.changed) deps.onApplied?.({ command: request.kind, via: caller.via });
  return outcome;
}

function resolveRequest(request: ItemRequest, row: ItemRow): ItemCommand {
  if (request.kind !== 'reassign' || request.teamId !== null) return request as ItemCommand;
  if (row.team_id === null) throw new ApiError('invalid_request', 'body.team: the item is in no team yet; say which team');
  return { ...request, teamId: row.team_id };
}

/**
 * Adds a note to an item's timeline in any state. With an idempotency key,
 * a repeat (a client retrying after a lost answer) returns the note already
 * stored instead of adding it twice; the row lock makes that check race-free.
 */
export async function addNote(
  deps: Pick<ItemCommandDeps, 'pool' | 'now'>,
  caller: Caller,
  itemId: string,
  note: { text: string; idempotencyKey?: string | undefined },
): Promise<{ item: ItemView; event: ItemDetail['timeline'][number] }> {
  return withTransaction(deps.pool, async (client) => {
    const row = await lockItem(client, caller, itemId);
    if (note.idempotencyKey) {
      const { rows } = await client.query(
        `SELECT ${TIMELINE_COLUMNS} FROM timeline_events WHERE item_id = $1 AND type = 'note' AND data->>'idempotencyKey' = $2`,
        [itemId, note.idempotencyKey],
      );
      if (rows[0]) return { item: toItemView(row), event: toTimelineEntry(rows[0]) };
    }
    const event = await insertEvent(client, itemId, actorOf(caller), {
      type: 'note',
      message: note.text,
      data: note.idempotencyKey ? { idempotencyKey: note.idempotencyKey } : {},
    }, deps.now?.() ?? new Date());
    return { item: toItemView(row), event };
  });
}
