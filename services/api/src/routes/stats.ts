import type { BrandConfig } from '@earshot/config';
import type { Pool } from '@earshot/db';
import { computeStats, computeTrends, parseStatsQuery, StatsQueryError, StatsQuerySchema, StatsReportSchema, StatsTrendsSchema, type StatsWindow } from '@earshot/reports';
import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { ApiError, errorResponses } from '../errors.js';

const StatsResponseSchema = StatsReportSchema.meta({ id: 'Stats' });
const TrendsResponseSchema = StatsTrendsSchema.meta({ id: 'StatsTrends' });
const TrendsQuerySchema = StatsQuerySchema.omit({ brand: true });

/** The query's window with its defaults; a bad one is a 400 naming the field. */
function windowOf(query: unknown, now: Date): StatsWindow {
  try {
    return parseStatsQuery(query, now);
  } catch (error) {
    if (error instanceof StatsQueryError) throw new ApiError('invalid_request', `query.${error.message}`);
    throw error;
  }
}

export async function statsRoutes(app: FastifyInstance, deps: { pool: Pool; brands: readonly BrandConfig[]; now?(): Date }): Promise<void> {
  const api = app.withTypeProvider<ZodTypeProvider>();
  api.get(
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
      return computeStats(deps.pool, { ...windowOf(request.query, now), brands: deps.brands, now });
    },
  );

  api.get(
    '/stats/trends',
    {
      schema: {
        summary: 'Series for charts: mentions per brand (competitors too) and per sentiment in each time bucket; response times and SLA attainment per team',
        description: 'Default range: the 7 days up to now; at most 400 days. Buckets as for `volume.overTime` of /v1/stats.',
        tags: ['stats'],
        querystring: TrendsQuerySchema,
        response: { 200: TrendsResponseSchema, ...errorResponses(400, 401, 429, 503) },
      },
    },
    async (request) => {
      const now = deps.now?.() ?? new Date();
      const { from, to } = windowOf(request.query, now);
      return computeTrends(deps.pool, { from, to, brands: deps.brands, now });
    },
  );
}
