import type { Logger } from '@earshot/logging';
import { migrate } from '@earshot/db';
import type { CommonEnv } from '@earshot/runtime';
import { withDatabase } from '../database.js';

export async function migrateCommand(env: CommonEnv, logger: Logger): Promise<number> {
  const report = await withDatabase(env, logger, (pool) => migrate(pool, logger), { migrate: false });
  for (const name of report.applied) process.stdout.write(`applied ${name}\n`);
  process.stdout.write(`${report.applied.length} migration${report.applied.length === 1 ? '' : 's'} applied, ${report.alreadyApplied} already applied\n`);
  return 0;
}
