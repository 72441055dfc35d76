import type { EarshotConfig } from '@earshot/config';
import type { Pool } from '@earshot/db';
import type { Logger } from '@earshot/logging';
import { buildDirectory, compileRules, type Directory, type RuleSet } from '@earshot/routing';
import type { RouterMetrics } from './metrics.js';

/** What every part of the router works with, built once per start. */
export interface RouterContext {
  pool: Pool;
  config: EarshotConfig;
  directory: Directory;
  rules: RuleSet;
  metrics: RouterMetrics;
  logger: Logger;
  /** The clock; tests pass their own. */
  now(): Date;
}

export interface RouterContextOptions {
  pool: Pool;
  config: EarshotConfig;
  metrics: RouterMetrics;
  logger: Logger;
  now?: () => Date;
}

/** Compiles the routing rules (throwing `RoutingConfigError` for a bad keyword) and indexes the directory. */
export function createRouterContext(options: RouterContextOptions): RouterContext {
  return {
    pool: options.pool,
    config: options.config,
    directory: buildDirectory(options.config),
    rules: compileRules(options.config.routing, options.config.brands),
    metrics: options.metrics,
    logger: options.logger,
    now: options.now ?? (() => new Date()),
  };
}
