import type { Bus } from '@earshot/bus';
import { isDatabaseReachable, type Pool } from '@earshot/db';
import type { Logger } from '@earshot/logging';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';

export interface OpsRoutesOptions {
  pool: Pool;
  bus: Bus;
  metrics: Registry;
}

/** The process's HTTP server, with the endpoints every service answers (orchestrator probes, Prometheus). */
export function buildHttpServer(logger: Logger, options: OpsRoutesOptions): FastifyInstance {
  const http = Fastify({
    // Per-request logs at info would drown the pipeline's own; errors still show.
    // (pino's and fastify's Logger types differ only in generics.)
    loggerInstance: logger.child({ component: 'http' }, { level: 'warn' }) as unknown as FastifyBaseLogger,
    bodyLimit: 1_048_576,
    // Behind a load balancer; lets rate limits and logs see the client.
    trustProxy: true,
  });

  http.get('/healthz', async () => ({ status: 'ok' }));

  http.get('/readyz', async (_request, reply) => {
    const [database, bus] = await Promise.all([isDatabaseReachable(options.pool), options.bus.isHealthy()]);
    const ready = database && bus;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database, bus: { kind: options.bus.kind, reachable: bus } });
  });

  http.get('/metrics', async (_request, reply) =>
    reply.type(options.metrics.contentType).send(await options.metrics.metrics()),
  );
  return http;
}
