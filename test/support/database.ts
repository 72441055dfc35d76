import { createPool, createScratchDatabase, migrate, type Pool } from '@earshot/db';
import { inject } from 'vitest';
import { testLogger } from './logger.js';

export interface TestDatabase {
  url: string;
  pool: Pool;
  drop(): Promise<void>;
}

/** A fresh, migrated database of its own for one test file, dropped afterwards. */
export async function createTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const scratch = await createScratchDatabase(inject('databaseUrl'), 'earshot_test');
  const pool = createPool(scratch.url, testLogger, { max: 10 });
  if (options.migrate !== false) await migrate(pool, testLogger);
  return {
    url: scratch.url,
    pool,
    async drop() {
      await pool.end();
      await scratch.drop();
    },
  };
}
