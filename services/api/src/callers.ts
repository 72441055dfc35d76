import { authenticate } from '@earshot/auth';
import type { Pool } from '@earshot/db';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Caller } from './access.js';
import { ApiError } from './errors.js';

interface DirectoryRow {
  id: string;
  active: boolean;
  team_ids: string[];
  leads_a_team: boolean;
}

/** A responder's teams (member or lead, active teams only) in one query. */
const RESPONDER_SQL = `
  SELECT r.id, r.active,
         ARRAY(SELECT tm.team_id FROM team_members tm JOIN teams t ON t.id = tm.team_id AND t.active WHERE tm.responder_id = r.id
               UNION SELECT t.id FROM teams t WHERE t.lead_id = r.id AND t.active) AS team_ids,
         EXISTS (SELECT 1 FROM teams t WHERE t.lead_id = r.id AND t.active) AS leads_a_team
    FROM responders r`;

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the bearer-token hook on every /v1 route. */
    caller: Caller | null;
  }
}

const BEARER = /^Bearer +([^\s]+) *$/i;

/** The web inbox says so in a header, so the timeline can tell its clicks from scripts' API calls. */
function doorOf(request: FastifyRequest): 'api' | 'web' {
  return request.headers['x-earshot-client'] === 'web' ? 'web' : 'api';
}

function unauthorized(reply: FastifyReply, message: string): ApiError {
  void reply.header('www-authenticate', 'Bearer realm="earshot"');
  return new ApiError('unauthorized', message);
}

/** onRequest hook: resolves `Authorization: Bearer <token>` to a caller, or answers 401/403. The token itself is never logged. */
export function bearerTokenHook(pool: Pool) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    const header = request.headers.authorization;
    if (!header) throw unauthorized(reply, 'missing Authorization header; send Authorization: Bearer <token> (make one with `earshot token create`)');
    const token = BEARER.exec(header)?.[1];
    if (!token) throw unauthorized(reply, 'the Authorization header must be "Bearer <token>"');
    const principal = await authenticate(pool, token);
    if (!principal) throw unauthorized(reply, 'unknown or revoked token');
    if (principal.responderId === null) {
      request.caller = { role: principal.role, responderId: null, tokenId: principal.tokenId, teamIds: [], via: doorOf(request) };
      return;
    }
    const { rows } = await pool.query<DirectoryRow>(`${RESPONDER_SQL} WHERE r.id = $1`, [principal.responderId]);
    const responder = rows[0];
    if (!responder?.active) throw new ApiError('forbidden', `token ${principal.tokenId} speaks for responder ${principal.responderId}, who is no longer in the config`);
    request.caller = { role: principal.role, responderId: responder.id, tokenId: principal.tokenId, teamIds: responder.team_ids, via: doorOf(request) };
  };
}

/**
 * The caller behind a Slack user, or null when no active responder has that
 * `slackUserId`. Slack users have no token, so their role comes from the
 * directory: the lead of a team is a lead, everyone else a responder.
 */
export async function callerForSlackUser(pool: Pool, slackUserId: string): Promise<Caller | null> {
  const { rows } = await pool.query<DirectoryRow>(`${RESPONDER_SQL} WHERE r.slack_user_id = $1 AND r.active`, [slackUserId]);
  const responder = rows[0];
  if (!responder) return null;
  return { role: responder.leads_a_team ? 'lead' : 'responder', responderId: responder.id, tokenId: null, teamIds: responder.team_ids, via: 'slack' };
}

export function requireCaller(request: FastifyRequest): Caller {
  if (!request.caller) throw new ApiError('unauthorized', 'no caller on this request');
  return request.caller;
}
