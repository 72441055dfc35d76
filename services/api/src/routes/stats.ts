import type { Pool } from '@earshot/db';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiError, errorResponses } from '../errors.js';
import { StatsQuerySchema, StatsSchema } from '../schemas.js';
import type { StatsComputer } from '../stats.js';

const DEFAULT_RANGE_MS = 7 * 24 * 60 * 60 * 1000;
/** Bounds the work one request can ask of the database. */
const MAX_RANGE_MS = 366 * 24 * 60 * 60 * 1000;

export async function statsRoutes(app: FastifyInstance, deps: { pool: Pool; computeStats: StatsComputer; now?(): Date }): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/stats',
    {
      schema: {
        summary: 'Volume, sentiment mix, share of voice, median and p90 time to acknowledge and to handle, SLA attainment',
        tags: ['stats'],
        querystring: StatsQuerySchema,
        response: { 200: StatsSchema, ...errorResponses(400, 401, 429, 503) },
      },
    },
    async (request) => {
      const to = request.query.to ? new Date(request.query.to) : (deps.now?.() ?? new Date());
      const from = request.query.from ? new Date(request.query.from) : new Date(to.getTime() - DEFAULT_RANGE_MS);
      if (from >= to) throw new ApiError('invalid_request', 'query.from: must be before query.to');
      if (to.getTime() - from.getTime() > MAX_RANGE_MS) throw new ApiError('invalid_request', 'query.from: the range may span at most 366 days');
      return deps.computeStats(deps.pool, { from, to, brand: request.query.brand });
    },
  );
}
