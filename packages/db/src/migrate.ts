import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@earshot/logging';
import { checkout, type Pool } from './pool.js';

/** Arbitrary but fixed: every migrator of every version takes the same lock. */
const MIGRATION_LOCK_KEY = 7_734_120_001;
const FILE_NAME = /^(\d{14})_([a-z0-9_]+)\.sql$/;

export interface Migration {
  version: string;
  name: string;
  sql: string;
  checksum: string;
}

export interface MigrationReport {
  applied: string[];
  alreadyApplied: number;
}

/**
 * The `migrations/` folder: `EARSHOT_MIGRATIONS_DIR` when set (containers),
 * else the nearest one above this file (a checkout).
 */
export function findMigrationsDir(configured = process.env.EARSHOT_MIGRATIONS_DIR): string {
  if (configured) return resolve(configured);
  for (let dir = dirname(fileURLToPath(import.meta.url)); ; dir = dirname(dir)) {
    const candidate = join(dir, 'migrations');
    if (existsSync(candidate) && statSync(candidate).isDirectory()) return candidate;
    if (dirname(dir) === dir) throw new Error('no migrations/ folder found; set EARSHOT_MIGRATIONS_DIR');
  }
}

export function readMigrations(dir: string): Migration[] {
  return readdirSync(dir)
    .filter((file) => file.endsWith('.sql'))
    .sort()
    .map((file) => {
      const match = FILE_NAME.exec(file);
      if (!match) throw new Error(`migration file "${file}" must be named YYYYMMDDHHMMSS_snake_case_name.sql`);
      const sql = readFileSync(join(dir, file), 'utf8');
      return { version: match[1]!, name: match[2]!, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

/**
 * Applies pending migrations, each in its own transaction, under a session
 * advisory lock so concurrent migrators (several replicas starting at once)
 * run them one after another and the later ones find nothing to do.
 */
export async function migrate(pool: Pool, logger: Logger, dir = findMigrationsDir()): Promise<MigrationReport> {
  const migrations = readMigrations(dir);
  const { client, release } = await checkout(pool);
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
    await client.query(`
      CREATE TABLE IF NOT EXISTS schema_migrations (
        version    text PRIMARY KEY,
        name       text NOT NULL,
        checksum   text NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT now()
      )`);
    const { rows } = await client.query<{ version: string; checksum: string }>('SELECT version, checksum FROM schema_migrations');
    const applied = new Map(rows.map((row) => [row.version, row.checksum]));
    const report: MigrationReport = { applied: [], alreadyApplied: 0 };
    for (const migration of migrations) {
      const checksum = applied.get(migration.version);
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          logger.warn({ migration: `${migration.version}_${migration.name}` }, 'applied migration was edited afterwards; add a new migration instead');
        }
        report.alreadyApplied += 1;
        continue;
      }
      await client.query('BEGIN');
      try {
        await client.query(migration.sql);
        await client.query('INSERT INTO schema_migrations (version, name, checksum) VALUES ($1, $2, $3)', [
          migration.version,
          migration.name,
          migration.checksum,
        ]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${migration.version}_${migration.name} failed: ${(error as Error).message}`, { cause: error });
      }
      report.applied.push(`${migration.version}_${migration.name}`);
      logger.info({ migration: `${migration.version}_${migration.name}` }, 'migration applied');
    }
    return report;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    release();
  }
}
