import type { BrandConfig } from '@earshot/config';
import type { Pool } from '@earshot/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../callers.js';
import { errorResponses } from '../errors.js';

const MeSchema = z
  .strictObject({
    role: z.enum(['responder', 'lead', 'admin']),
    responderId: z.string().nullable().describe('Null for an admin token made without a responder.'),
    name: z.string().nullable(),
    teamIds: z.array(z.string()).describe('Teams the responder is a member or the lead of.'),
  })
  .meta({ id: 'Me' });

const DirectorySchema = z
  .strictObject({
    brands: z.array(z.strictObject({ id: z.string(), name: z.string(), competitor: z.boolean() })),
    teams: z.array(z.strictObject({ id: z.string(), name: z.string(), leadId: z.string().nullable(), memberIds: z.array(z.string()) })),
    responders: z.array(z.strictObject({ id: z.string(), name: z.string() })),
  })
  .meta({ id: 'Directory' });

/**
 * Who the token speaks for, and the configured brands, teams and responders
 * (names only: no e-mail or Slack ids), for filters and the reassign form.
 */
export async function directoryRoutes(app: FastifyInstance, deps: { pool: Pool; brands: readonly BrandConfig[] }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();

  api.get(
    '/me',
    { schema: { summary: 'Who this token speaks for: role, responder and teams', tags: ['directory'], response: { 200: MeSchema, ...errorResponses(401, 403, 429, 503) } } },
    async (request) => {
      const caller = requireCaller(request);
      const { rows } = caller.responderId === null ? { rows: [] } : await deps.pool.query<{ name: string }>('SELECT name FROM responders WHERE id = $1', [caller.responderId]);
      return { role: caller.role, responderId: caller.responderId, name: rows[0]?.name ?? null, teamIds: [...caller.teamIds] };
    },
  );

  api.get(
    '/directory',
    {
      schema: {
        summary: 'Configured brands, active teams (lead and members) and active responders, by id',
        tags: ['directory'],
        response: { 200: DirectorySchema, ...errorResponses(401, 403, 429, 503) },
      },
    },
    async () => {
      const [teams, responders] = await Promise.all([
        deps.pool.query<{ id: string; name: string; leadId: string | null; memberIds: string[] }>(
          `SELECT t.id, coalesce(t.name, t.id) AS name, t.lead_id AS "leadId",
                  ARRAY(SELECT tm.responder_id FROM team_members tm WHERE tm.team_id = t.id ORDER BY tm.position) AS "memberIds"
             FROM teams t WHERE t.active ORDER BY t.id`,
        ),
        deps.pool.query<{ id: string; name: string }>('SELECT id, name FROM responders WHERE active ORDER BY id'),
      ]);
      return {
        brands: deps.brands.map((brand) => ({ id: brand.id, name: brand.name ?? brand.id, competitor: brand.competitor })),
        teams: teams.rows,
        responders: responders.rows,
      };
    },
  );
}
