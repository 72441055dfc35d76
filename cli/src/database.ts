import { createPool, migrate, resolveDatabase, type Pool } from '@earshot/db';
import type { Logger } from '@earshot/logging';
import type { CommonEnv } from '@earshot/runtime';

/**
 * Runs `work` against the database the daemon uses: `DATABASE_URL`, the
 * running daemon's embedded PostgreSQL, or one started just for this command.
 */
export async function withDatabase<T>(env: CommonEnv, logger: Logger, work: (pool: Pool) => Promise<T>, options: { migrate?: boolean } = {}): Promise<T> {
  const database = await resolveDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.EARSHOT_DATA_DIR, logger });
  const pool = createPool(database.url, logger, { max: 4, applicationName: 'earshot-cli' });
  try {
    if (options.migrate !== false) await migrate(pool, logger);
    return await work(pool);
  } finally {
    await pool.end();
    await database.release();
  }
}
