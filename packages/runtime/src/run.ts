import { createBus, type Bus } from '@earshot/bus';
import { loadConfig, resolveConfigPath, type EarshotConfig } from '@earshot/config';
import { createPool, migrate, resolveDatabase, type DatabaseTarget, type Pool } from '@earshot/db';
import { createLogger, type Logger } from '@earshot/logging';
import type { FastifyInstance } from 'fastify';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { loadCommonEnv, SERVICE_NAMES, type CommonEnv } from './env.js';
import { syncDirectory } from './directory.js';
import { buildHttpServer } from './http.js';
import type { RunningService, ServiceDefinition } from './service.js';

export interface StartOptions {
  rawEnv?: Record<string, string | undefined>;
  logger?: Logger;
  /** A consumer died for good; the caller decides how to exit. */
  onFatal(error: Error): void;
}

export interface RunningEarshot {
  env: CommonEnv;
  config: EarshotConfig;
  logger: Logger;
  pool: Pool;
  bus: Bus;
  http: FastifyInstance;
  /** Base URL the HTTP server listens on. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Builds the shared infrastructure once (config, database, migrations, bus,
 * HTTP server) and starts the services named by EARSHOT_SERVICES on it.
 */
export async function startEarshot(definitions: readonly ServiceDefinition[], options: StartOptions): Promise<RunningEarshot> {
  const rawEnv = options.rawEnv ?? process.env;
  const env = loadCommonEnv(rawEnv);
  const logger = options.logger ?? createLogger({ level: env.LOG_LEVEL, name: 'earshot' });
  const { config, source } = loadConfig(resolveConfigPath(env.EARSHOT_CONFIG));
  const selected = SERVICE_NAMES.flatMap((name) => definitions.filter((definition) => definition.name === name && env.EARSHOT_SERVICES.includes(name)));
  // A service's own main.ts brings only its definition; naming another one explicitly is a mistake worth stopping for.
  const unavailable = env.EARSHOT_SERVICES.filter((name) => !definitions.some((definition) => definition.name === name));
  if (rawEnv.EARSHOT_SERVICES && unavailable.length > 0) throw new Error(`EARSHOT_SERVICES names ${unavailable.join(', ')}, which this binary does not run`);
  if (selected.length === 0) throw new Error('no service to run: EARSHOT_SERVICES selects none of this binary\'s services');
  logger.info({ config: source, services: selected.map((s) => s.name) }, 'starting earshot');

  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((error: unknown) => logger.error({ err: error }, 'cleanup failed'));
  };
  try {
    const database: DatabaseTarget = await resolveDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.EARSHOT_DATA_DIR, logger });
    cleanups.push(() => database.release());
    // Each embedded-bus subscription holds one connection for as long as it runs; leave room for the work.
    const pool = createPool(database.url, logger, { max: 20, applicationName: `earshot:${env.EARSHOT_SERVICES.join('+')}` });
    cleanups.push(() => pool.end());
    // Safe with several replicas starting at once: migrations run under an advisory lock.
    await migrate(pool, logger);
    await syncDirectory(pool, config);

    const bus = createBus({
      kafkaBrokers: env.KAFKA_BROKERS,
      topicPrefix: env.KAFKA_TOPIC_PREFIX,
      clientId: `earshot-${env.EARSHOT_SERVICES.join('-')}`,
      pool,
      logger,
      onFatal: options.onFatal,
    });
    cleanups.push(() => bus.close());
    const metrics = new Registry();
    collectDefaultMetrics({ register: metrics });
    const http = buildHttpServer(logger, { pool, bus, metrics });
    cleanups.push(() => http.close());

    const running: Array<{ name: string; service: RunningService }> = [];
    for (const definition of selected) {
      const service = await definition.start({ config, env, rawEnv, logger: logger.child({ service: definition.name }), pool, bus, http, metrics });
      running.push({ name: definition.name, service });
    }
    await http.listen({ port: env.PORT, host: env.HOST });
    const address = http.server.address();
    const port = typeof address === 'object' && address ? address.port : env.PORT;
    const url = `http://${env.HOST === '0.0.0.0' ? '127.0.0.1' : env.HOST}:${port}`;
    logger.info({ url, database: database.mode, bus: bus.kind }, 'earshot is running');

    let stopping: Promise<void> | null = null;
    const stop = async () => {
      // Order matters: stop intake first, then let each service finish the
      // work in hand (pipeline order), then flush the producer, then close pools.
      await http.close();
      for (const { name, service } of running) {
        await service.stop().catch((error: unknown) => logger.error({ err: error, service: name }, 'service did not stop cleanly'));
      }
      await bus.close();
      await pool.end();
      await database.release();
      logger.info('earshot stopped');
    };
    return { env, config, logger, pool, bus, http, url, stop: () => (stopping ??= stop()) };
  } catch (error) {
    await cleanUp();
    throw error;
  }
}
