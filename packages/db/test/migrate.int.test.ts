import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPool, migrate } from '@earshot/db';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { testLogger } from '../../../test/support/logger.js';

/** Every table, column, index and constraint: what a migration could change. */
async function schemaSnapshot(db: TestDatabase): Promise<string> {
  const { rows } = await db.pool.query(`
    SELECT 'column' AS kind, table_name || '.' || column_name || ':' || data_type || ':' || is_nullable || ':' || coalesce(column_default, '') AS detail
      FROM information_schema.columns WHERE table_schema = 'public'
    UNION ALL SELECT 'index', indexdef FROM pg_indexes WHERE schemaname = 'public'
    UNION ALL SELECT 'constraint', conrelid::regclass || ':' || conname || ':' || pg_get_constraintdef(oid) FROM pg_constraint WHERE connamespace = 'public'::regnamespace
    ORDER BY 1, 2`);
  return rows.map((row) => `${row.kind} ${row.detail}`).join('\n');
}

describe('migrations', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('creates the schema once; applying again changes nothing', async () => {
    const first = await migrate(db.pool, testLogger);
    expect(first.applied.length).toBeGreaterThan(0);
    const before = await schemaSnapshot(db);
    for (const table of ['mentions', 'classifications', 'items', 'timeline_events', 'responders', 'teams', 'api_tokens', 'notification_outbox', 'source_cursors', 'escalation_timers']) {
      expect(before).toContain(`column ${table}.`);
    }
    const second = await migrate(db.pool, testLogger);
    expect(second).toEqual({ applied: [], alreadyApplied: first.applied.length });
    expect(await schemaSnapshot(db)).toBe(before);
  });

  it('serialises concurrent migrators on separate connections', async () => {
    const fresh = await createTestDatabase({ migrate: false });
    const pools = [createPool(fresh.url, testLogger), createPool(fresh.url, testLogger), createPool(fresh.url, testLogger)];
    try {
      const reports = await Promise.all(pools.map((pool) => migrate(pool, testLogger)));
      const appliedTotal = reports.reduce((sum, report) => sum + report.applied.length, 0);
      const { rows } = await fresh.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
      expect(appliedTotal).toBe(rows[0].n);
    } finally {
      await Promise.all(pools.map((pool) => pool.end()));
      await fresh.drop();
    }
  });

  it('keeps mentions unique on platform and external id', async () => {
    const insert = () =>
      db.pool.query(
        `INSERT INTO mentions (id, platform, external_id, text, author_handle, payload, created_at)
         VALUES ('x:1', 'x', '1', 'hello', 'someone', '{}', now())`,
      );
    await insert();
    await expect(insert()).rejects.toThrow(/duplicate key/);
  });
});
