import pg from 'pg';
import type { Logger } from '@earshot/logging';

export type Pool = pg.Pool;
export type PoolClient = pg.PoolClient;

export interface PoolOptions {
  /** Connections per pool; each service keeps its own small pool. */
  max?: number;
  applicationName?: string;
}

export function createPool(connectionString: string, logger: Logger, options: PoolOptions = {}): Pool {
  const pool = new pg.Pool({
    connectionString,
    max: options.max ?? 10,
    application_name: options.applicationName ?? 'earshot',
    // Fail fast when the database is down instead of queueing callers forever.
    connectionTimeoutMillis: 10_000,
    idleTimeoutMillis: 30_000,
  });
  // An idle client losing its connection (database restart) must not crash the process.
  // The error carries the whole client; its code and message say all that matters.
  pool.on('error', (error: Error & { code?: string }) => logger.warn({ code: error.code, reason: error.message }, 'idle database connection lost'));
  return pool;
}

/**
 * A checked-out client with a guard for errors the connection reports
 * between queries (a database restart): pg emits those as events, and an
 * event nobody listens to crashes the process. `release` destroys a client
 * that broke instead of returning it to the pool.
 */
export async function checkout(pool: Pool): Promise<{ client: PoolClient; release(): void }> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const noteBroken = (error: Error) => {
    broken = error;
  };
  client.on('error', noteBroken);
  return {
    client,
    release() {
      client.removeListener('error', noteBroken);
      client.release(broken);
    },
  };
}

/** Runs `work` in a transaction, rolling back on any error. */
export async function withTransaction<T>(pool: Pool, work: (client: PoolClient) => Promise<T>): Promise<T> {
  const { client, release } = await checkout(pool);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    release();
  }
}

export async function isDatabaseReachable(pool: Pool): Promise<boolean> {
  try {
    await pool.query('SELECT 1');
    return true;
  } catch {
    return false;
  }
}
