import type { EarshotConfig } from '@earshot/config';
import { withTransaction, type Pool } from '@earshot/db';

/**
 * Mirrors the config's responders and teams into the database, where items,
 * tokens and stats refer to them. Entries removed from the config are marked
 * inactive rather than deleted, so history keeps its names.
 */
export async function syncDirectory(pool: Pool, config: EarshotConfig): Promise<void> {
  await withTransaction(pool, async (client) => {
    // One writer at a time when several replicas start together.
    await client.query("SELECT pg_advisory_xact_lock(hashtext('earshot.directory'))");
    await client.query('UPDATE responders SET active = false');
    for (const responder of config.responders) {
      await client.query(
        `INSERT INTO responders (id, name, email, slack_user_id, languages, timezone, active, synced_at)
         VALUES ($1, $2, $3, $4, $5, $6, true, now())
         ON CONFLICT (id) DO UPDATE SET name = $2, email = $3, slack_user_id = $4, languages = $5, timezone = $6, active = true, synced_at = now()`,
        [responder.id, responder.name, responder.email ?? null, responder.slackUserId ?? null, responder.languages, responder.timezone ?? null],
      );
    }
    await client.query('UPDATE teams SET active = false');
    await client.query('DELETE FROM team_members');
    for (const team of config.teams) {
      await client.query(
        `INSERT INTO teams (id, name, lead_id, on_call_id, slack_channel, strategy, max_open_per_responder, active, synced_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, true, now())
         ON CONFLICT (id) DO UPDATE SET name = $2, lead_id = $3, on_call_id = $4, slack_channel = $5, strategy = $6,
           max_open_per_responder = $7, active = true, synced_at = now()`,
        [team.id, team.name ?? null, team.lead ?? null, team.onCall ?? null, team.slackChannel ?? null, team.strategy, team.maxOpenPerResponder ?? null],
      );
      await client.query(
        'INSERT INTO team_members (team_id, responder_id, position) SELECT $1, member, position FROM unnest($2::text[]) WITH ORDINALITY AS m(member, position)',
        [team.id, team.members],
      );
    }
  });
}
