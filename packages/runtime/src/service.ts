import type { Bus } from '@earshot/bus';
import type { EarshotConfig } from '@earshot/config';
import type { Pool } from '@earshot/db';
import type { Logger } from '@earshot/logging';
import type { FastifyInstance } from 'fastify';
import type { Registry } from 'prom-client';
import type { CommonEnv, ServiceName } from './env.js';

/** What the runtime hands every service: shared infrastructure, built once per process. */
export interface ServiceContext {
  config: EarshotConfig;
  env: CommonEnv;
  /** The raw process environment, for each service's own `env.ts` loader. */
  rawEnv: Record<string, string | undefined>;
  logger: Logger;
  pool: Pool;
  bus: Bus;
  /** The process's one HTTP server; a service may add routes before it listens. */
  http: FastifyInstance;
  metrics: Registry;
}

export interface RunningService {
  /** Stops intake, finishes work in hand and releases what the service holds. */
  stop(): Promise<void>;
}

export interface ServiceDefinition {
  name: ServiceName;
  start(context: ServiceContext): Promise<RunningService>;
}
