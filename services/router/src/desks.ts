import type { PoolClient } from '@earshot/db';
import { chooseAssignee, isWorkingAt, memberSchedule, nextWorkingMoment, type AssignmentDecision, type AssignmentRequest, type Directory } from '@earshot/routing';

type Client = Pick<PoolClient, 'query'>;

/**
 * Serializes assignment in these teams for the rest of the transaction, across
 * replicas: loads, caps and the rotation stay consistent. Always taken in
 * sorted order, so two transactions never wait on each other in a cycle.
 */
export async function lockTeams(client: Client, teamIds: Iterable<string>): Promise<void> {
  for (const teamId of [...new Set(teamIds)].sort()) {
    await client.query("SELECT pg_advisory_xact_lock(hashtext('earshot.team'), hashtext($1))", [teamId]);
  }
}

/** The same lock without waiting: false when another replica is assigning in the team right now. */
export async function tryLockTeam(client: Client, teamId: string): Promise<boolean> {
  const { rows } = await client.query<{ locked: boolean }>("SELECT pg_try_advisory_xact_lock(hashtext('earshot.team'), hashtext($1)) AS locked", [teamId]);
  return rows[0]?.locked === true;
}

/** Items count against a responder's cap until handled; snoozed ones too, they come back. */
const OPEN_LOAD_SQL = `SELECT assignee_id, count(*)::int AS open FROM items WHERE assignee_id = ANY($1) AND state <> 'handled' GROUP BY assignee_id`;

/**
 * Who in some teams can take work at one moment, read once per transaction
 * and kept current in memory as items are assigned. Call `lockTeams` first.
 */
export interface Desks {
  /** Picks an assignee (or says why the item waits); an assignment counts towards the load at once. Null for a team not in the config. */
  choose(teamId: string, item: AssignmentRequest['item']): AssignmentDecision | null;
  /** Writes where each team's rotation now stands. */
  saveRotations(client: Client): Promise<void>;
}

export async function openDesks(client: Client, teamIds: Iterable<string>, directory: Directory, now: Date): Promise<Desks> {
  const teams = [...new Set(teamIds)].flatMap((id) => directory.team(id) ?? []);
  const memberIds = [...new Set(teams.flatMap((team) => [...team.members, ...(team.onCall ? [team.onCall] : [])]))];
  const loadRows = await client.query<{ assignee_id: string; open: number }>(OPEN_LOAD_SQL, [memberIds]);
  const rotationRows = await client.query<{ team_id: string; last_responder_id: string }>(
    'SELECT team_id, last_responder_id FROM team_rotation WHERE team_id = ANY($1)',
    [teams.map((team) => team.id)],
  );
  const loads = new Map(loadRows.rows.map((row) => [row.assignee_id, row.open]));
  const lastAssigned = new Map(rotationRows.rows.map((row) => [row.team_id, row.last_responder_id]));
  const moved = new Set<string>();
  // Shifts do not change within a transaction: work them out once per member and team.
  const schedules = new Map(teams.map((team) => [team.id, team.members.map((id) => ({ id, schedule: memberSchedule(directory.responder(id) ?? {}, team) }))]));
  const onShift = new Map([...schedules].map(([teamId, members]) => [teamId, new Map(members.map(({ id, schedule }) => [id, isWorkingAt(schedule, now)]))]));
  /** When the first member of a team with nobody on shift starts work, for the queue's explanation. */
  const nextShift = (teamId: string): Date | null =>
    (schedules.get(teamId) ?? [])
      .map(({ schedule }) => nextWorkingMoment(schedule, now))
      .reduce<Date | null>((first, at) => (at !== null && (first === null || at < first) ? at : first), null);

  return {
    choose(teamId, item) {
      const team = directory.team(teamId);
      if (team === undefined) return null;
      const decision = chooseAssignee({
        team,
        members: team.members.map((id) => {
          const responder = directory.responder(id);
          return {
            id,
            onShift: onShift.get(teamId)?.get(id) ?? false,
            openItems: loads.get(id) ?? 0,
            languages: responder?.languages ?? [],
            skills: responder?.skills ?? [],
          };
        }),
        lastAssigned: lastAssigned.get(teamId) ?? null,
        item,
      });
      if (decision.kind === 'queued' && ![...(onShift.get(teamId)?.values() ?? [])].some(Boolean)) {
        const next = nextShift(teamId);
        if (next !== null) return { ...decision, explanation: `${decision.explanation}; the next shift starts ${next.toISOString()}` };
      }
      if (decision.kind === 'assigned') {
        loads.set(decision.responderId, (loads.get(decision.responderId) ?? 0) + 1);
        // An on-call pick is outside the rotation: it must not make the on-shift members lose their turn.
        if (!decision.viaOnCall) {
          lastAssigned.set(teamId, decision.responderId);
          moved.add(teamId);
        }
      }
      return decision;
    },
    async saveRotations(writer) {
      if (moved.size === 0) return;
      const changed = [...moved];
      await writer.query(
        `INSERT INTO team_rotation (team_id, last_responder_id, updated_at)
         SELECT team_id, responder_id, $3 FROM unnest($1::text[], $2::text[]) AS r(team_id, responder_id)
         ON CONFLICT (team_id) DO UPDATE SET last_responder_id = excluded.last_responder_id, updated_at = excluded.updated_at`,
        [changed, changed.map((teamId) => lastAssigned.get(teamId)!), now],
      );
    },
  };
}
