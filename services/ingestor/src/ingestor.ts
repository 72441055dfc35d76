import type { Bus } from '@earshot/bus';
import type { EarshotConfig } from '@earshot/config';
import { createConnector, SourceConfigError, type Connector, type CreateConnectorOptions } from '@earshot/connectors';
import type { Pool } from '@earshot/db';
import type { Logger } from '@earshot/logging';
import { compileBrandQueries } from '@earshot/matcher';
import type { Registry } from 'prom-client';
import type { IngestorEnv } from './env.js';
import { LockSession } from './lock-session.js';
import { IngestorMetrics } from './metrics.js';
import { SourceRunner } from './source-runner.js';

export interface IngestorDeps {
  config: EarshotConfig;
  pool: Pool;
  bus: Bus;
  logger: Logger;
  metrics: Registry;
  /** The process environment: each source's credentials are read from the variables it names. */
  rawEnv: Record<string, string | undefined>;
  settings: IngestorEnv;
  now?: () => number;
}

export interface Ingestor {
  /** Sources that are running (enabled and correctly configured), by id. */
  readonly sourceIds: readonly string[];
  /** The lock session's backend pid, for tests that end it as a crash would. */
  lockSessionPid(): Promise<number | null>;
  stop(): Promise<void>;
}

/**
 * Starts a runner for every enabled source. The brands' queries are compiled
 * once here; a source that cannot work as configured (a missing credential)
 * is logged and left out, and the others run.
 */
export function buildIngestor(deps: IngestorDeps): Ingestor {
  const now = deps.now ?? Date.now;
  const matcher = compileBrandQueries(deps.config.brands);
  const metrics = new IngestorMetrics(deps.metrics, now);
  let session: LockSession | null = null;
  let opening: Promise<LockSession> | null = null;
  const currentSession = async (): Promise<LockSession> => {
    if (session?.alive) return session;
    opening ??= LockSession.open(deps.pool, deps.logger).finally(() => {
      opening = null;
    });
    session = await opening;
    return session;
  };

  const runners: SourceRunner[] = [];
  for (const source of deps.config.sources) {
    const logger = deps.logger.child({ sourceId: source.id, platform: source.platform });
    if (!source.enabled) {
      logger.info('source disabled in the config');
      continue;
    }
    const options: CreateConnectorOptions = { env: deps.rawEnv, matcher, logger, now, requestTimeoutMs: deps.settings.INGESTOR_REQUEST_TIMEOUT_MS };
    let connector: Connector;
    try {
      connector = createConnector(source, options);
    } catch (error) {
      if (!(error instanceof SourceConfigError)) throw error;
      logger.error({ err: error }, 'source not started: fix its config');
      metrics.errors.inc({ source: source.id, platform: source.platform });
      continue;
    }
    runners.push(
      new SourceRunner({
        connector,
        pool: deps.pool,
        bus: deps.bus,
        logger,
        metrics,
        now,
        session: currentSession,
        settings: {
          lockRetryMs: deps.settings.INGESTOR_LOCK_RETRY_MS,
          minBackoffMs: deps.settings.INGESTOR_MIN_BACKOFF_MS,
          maxBackoffMs: deps.settings.INGESTOR_MAX_BACKOFF_MS,
        },
      }),
    );
  }
  for (const runner of runners) runner.start();
  deps.logger.info({ sources: runners.length }, 'ingestor started');

  return {
    sourceIds: runners.map((runner) => runner.sourceId),
    lockSessionPid: async () => (session?.alive ? session.backendPid() : null),
    async stop() {
      // Stop scheduling and finish the polls in hand, then end the session: every lock goes with it.
      await Promise.all(runners.map((runner) => runner.stop()));
      session?.close();
    },
  };
}
