import type { BrandConfig } from '@earshot/config';
import type { Pool } from '@earshot/db';
import { computeStats, parseStatsQuery, StatsQueryError, StatsQuerySchema, StatsReportSchema } from '@earshot/reports';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiError, errorResponses } from '../errors.js';

const StatsResponseSchema = StatsReportSchema.meta({ id: 'Stats' });

export async function statsRoutes(app: FastifyInstance, deps: { pool: Pool; brands: readonly BrandConfig[]; now?(): Date }): Promise<void> {
  app.withTypeProvider<ZodTypeProvider>().get(
    '/stats',
    {
      schema: {
        summary: 'Volume, sentiment mix, share of voice, median and p90 time to acknowledge and to handle, SLA attainment, breaches, backlog',
        description: 'Default range: the 7 days up to now; at most 400 days.',
        tags: ['stats'],
        querystring: StatsQuerySchema,
        response: { 200: StatsResponseSchema, ...errorResponses(400, 401, 429, 503) },
      },
    },
    async (request) => {
      const now = deps.now?.() ?? new Date();
      let window;
      try {
        window = parseStatsQuery(request.query, now);
      } catch (error) {
        if (error instanceof StatsQueryError) throw new ApiError('invalid_request', `query.${error.message}`);
        throw error;
      }
      return computeStats(deps.pool, { ...window, brands: deps.brands, now });
    },
  );
}
