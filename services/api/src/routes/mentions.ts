import type { Bus } from '@earshot/bus';
import type { Pool } from '@earshot/db';
import { mentionId, type Mention } from '@earshot/domain';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiError, errorResponses } from '../errors.js';
import { MentionsAcceptedSchema, mentionsBodySchema } from '../schemas.js';

/** A batch of the largest mentions (40,000 characters of text each) still fits; anything bigger is refused with 413. */
const MENTIONS_BODY_LIMIT = 8 * 1024 * 1024;

/**
 * POST /v1/mentions: other systems push mentions into the pipeline, exactly
 * as an ingestor would. Idempotent on platform + externalId: repeats inside
 * a request are sent once, and a mention the classifier has already stored
 * is not sent again (so it is not classified twice). One still in flight
 * may be sent twice; the classifier stores a mention once, whatever the
 * redeliveries, so that yields one item all the same.
 */
export async function mentionRoutes(app: FastifyInstance, deps: { pool: Pool; bus: Bus; maxPerRequest: number }): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().post(
    '/mentions',
    {
      bodyLimit: MENTIONS_BODY_LIMIT,
      schema: {
        summary: 'Push one mention or an array of them into the pipeline (mentions.raw); idempotent on platform + externalId',
        tags: ['mentions'],
        body: mentionsBodySchema(deps.maxPerRequest),
        response: { 202: MentionsAcceptedSchema, ...errorResponses(400, 401, 413, 415, 429, 503) },
      },
    },
    async (request, reply) => {
      const byId = new Map<string, Mention>();
      for (const mention of Array.isArray(request.body) ? request.body : [request.body]) {
        const id = mentionId(mention);
        if (!byId.has(id)) byId.set(id, mention);
      }
      const ids = [...byId.keys()];
      const { rows } = await deps.pool.query<{ id: string }>('SELECT id FROM mentions WHERE id = ANY($1)', [ids]);
      const stored = new Set(rows.map((row) => row.id));
      const queued = ids.filter((id) => !stored.has(id));
      if (queued.length > 0) {
        try {
          await deps.bus.publish('mentions.raw', queued.map((id) => ({ key: id, value: byId.get(id)! })));
        } catch (error) {
          request.log.warn({ err: error, count: queued.length }, 'could not publish pushed mentions');
          throw new ApiError('unavailable', 'the message bus did not accept the mentions; nothing was queued, retry');
        }
      }
      return reply.code(202).send({ ids, queued, alreadyStored: ids.filter((id) => stored.has(id)) });
    },
  );
}
