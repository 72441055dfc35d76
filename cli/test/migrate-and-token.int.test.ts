import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '@earshot/auth';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { runCli } from '../../test/support/cli.js';

describe('earshot migrate and token against an external database', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await db.drop();
  });

  it('lets two migrators run at once; both succeed and each migration is applied once', async () => {
    const [first, second] = await Promise.all([
      runCli(['migrate'], { env: { DATABASE_URL: db.url } }),
      runCli(['migrate'], { env: { DATABASE_URL: db.url } }),
    ]);
    expect([first.code, second.code]).toEqual([0, 0]);
    const applied = [first, second].map((r) => Number(/(\d+) migrations? applied/.exec(r.stdout)?.[1]));
    const { rows } = await db.pool.query('SELECT count(*)::int AS n FROM schema_migrations');
    expect(applied.reduce((a, b) => a + b, 0)).toBe(rows[0].n);
    expect(Math.min(...applied)).toBe(0);

    const again = await runCli(['migrate'], { env: { DATABASE_URL: db.url } });
    expect(again.stdout).toContain(`0 migrations applied, ${rows[0].n} already applied`);
  });

  it('creates a token that is printed once and stored only as a hash, and revokes it', async () => {
    const created = await runCli(['token', 'create', '--role', 'admin', '--label', 'ops'], { env: { DATABASE_URL: db.url } });
    expect(created.code).toBe(0);
    const token = created.stdout.trim();
    expect(token).toMatch(/^esk_[A-Za-z0-9_-]{40,}$/);
    const { rows } = await db.pool.query('SELECT id, token_hash, role, label FROM api_tokens');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ token_hash: hashToken(token), role: 'admin', label: 'ops' });
    expect(JSON.stringify(rows)).not.toContain(token);

    const revoked = await runCli(['token', 'revoke', rows[0].id], { env: { DATABASE_URL: db.url } });
    expect(revoked.code).toBe(0);
    const twice = await runCli(['token', 'revoke', rows[0].id], { env: { DATABASE_URL: db.url } });
    expect(twice.code).toBe(1);
  });

  it('refuses a responder token for someone the config does not know', async () => {
    const result = await runCli(['token', 'create', '--responder', 'mallory'], { env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('unknown responder "mallory"');
    const made = await runCli(['token', 'create', '--responder', 'alice', '--role', 'lead'], { env: { DATABASE_URL: db.url } });
    expect(made.code).toBe(0);
    expect(made.stderr).toContain('lead for alice');
  });
});
