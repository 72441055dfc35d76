import type { Pool, PoolClient } from '@earshot/db';
import type { Logger } from '@earshot/logging';

/** First key of every source lock, so ingestor locks never collide with other advisory locks (migrations'). */
const SOURCE_LOCK_SPACE = 0x45415253; // "EARS"

/**
 * One database session held for as long as the ingestor runs: it holds the
 * session advisory lock of every source this replica owns, and the cursor
 * writes go through it. If the process dies, PostgreSQL ends the session and
 * the locks go with it; if the connection breaks, `alive` turns false and
 * the sources are given up, since another replica may own them now. Writing
 * cursors through the locking session means a replica that lost its locks
 * cannot move a cursor any more.
 */
export class LockSession {
  private isAlive = true;

  private constructor(
    private readonly client: PoolClient,
    private readonly logger: Logger,
  ) {
    client.on('error', (error) => this.lost(error));
    client.on('end', () => this.lost(new Error('connection ended')));
  }

  static async open(pool: Pool, logger: Logger): Promise<LockSession> {
    return new LockSession(await pool.connect(), logger);
  }

  get alive(): boolean {
    return this.isAlive;
  }

  /** The backend process id, for tests that end the session from outside as a crash would. */
  async backendPid(): Promise<number> {
    const { rows } = await this.client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid');
    return rows[0]!.pid;
  }

  async tryLock(sourceId: string): Promise<boolean> {
    const { rows } = await this.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS locked', [SOURCE_LOCK_SPACE, sourceId]);
    return rows[0]?.locked === true;
  }

  async unlock(sourceId: string): Promise<void> {
    await this.client.query('SELECT pg_advisory_unlock($1, hashtext($2))', [SOURCE_LOCK_SPACE, sourceId]);
  }

  /** Runs a statement in the locking session; fails once the session is gone. */
  async query(sql: string, params: unknown[]): Promise<void> {
    if (!this.isAlive) throw new Error('the lock session is gone');
    await this.client.query(sql, params);
  }

  /** Ends the session (and so every lock it holds); the connection is not returned to the pool. */
  close(): void {
    if (!this.isAlive) return;
    this.isAlive = false;
    this.client.release(true);
  }

  private lost(error: Error): void {
    if (!this.isAlive) return;
    this.isAlive = false;
    this.logger.warn({ err: error }, 'lost the lock session: giving up every source until a new one is open');
    this.client.release(error);
  }
}
