import { ConfigError } from '@earshot/config';
import { createLogger } from '@earshot/logging';
import { EnvError, loadCommonEnv } from './env.js';
import { startEarshot, type RunningEarshot } from './run.js';
import type { ServiceDefinition } from './service.js';

/**
 * The process life of `earshot start` and each service's main.ts: start,
 * run until SIGTERM/SIGINT, drain within the shutdown timeout and exit 0.
 * A bad config or environment exits 1 with every problem listed; a consumer
 * that dies for good exits 1 so the orchestrator restarts the process.
 */
export async function runUntilSignal(definitions: readonly ServiceDefinition[]): Promise<void> {
  let env;
  try {
    env = loadCommonEnv();
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  }
  const logger = createLogger({ level: env.LOG_LEVEL, name: 'earshot' });
  let earshot: RunningEarshot | null = null;
  let exiting = false;

  const exit = async (code: number, reason: string) => {
    if (exiting) return;
    exiting = true;
    logger.info({ reason }, 'shutting down');
    const deadline = setTimeout(() => {
      logger.error({ timeoutMs: env.EARSHOT_SHUTDOWN_TIMEOUT_MS }, 'graceful shutdown timed out; exiting');
      process.exit(1);
    }, env.EARSHOT_SHUTDOWN_TIMEOUT_MS);
    deadline.unref();
    try {
      await earshot?.stop();
    } catch (error) {
      logger.error({ err: error }, 'error while shutting down');
      code = code || 1;
    }
    process.exit(code);
  };

  process.once('SIGTERM', () => void exit(0, 'SIGTERM'));
  process.once('SIGINT', () => void exit(0, 'SIGINT'));
  try {
    earshot = await startEarshot(definitions, {
      logger,
      onFatal: (error) => void exit(1, `fatal: ${error.message}`),
    });
  } catch (error) {
    if (error instanceof ConfigError || error instanceof EnvError) process.stderr.write(`${error.message}\n`);
    else logger.fatal({ err: error }, 'earshot failed to start');
    process.exit(1);
  }
}
