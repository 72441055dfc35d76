import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../test/support/database.js';
import { runCli } from '../../test/support/cli.js';
import { fakeMention } from '../../test/support/mentions.js';

describe('earshot replay', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase();
  });
  afterAll(async () => {
    await db.drop();
  });

  it('publishes every valid line on mentions.raw and names the bad lines by number', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'earshot-replay-')), 'mentions.ndjson');
    writeFileSync(
      file,
      [JSON.stringify(fakeMention(1)), '{"platform": "x"', '', JSON.stringify({ ...fakeMention(2), createdAt: 'last tuesday' }), JSON.stringify(fakeMention(3))].join('\n'),
    );
    const result = await runCli(['replay', file], { env: { DATABASE_URL: db.url } });
    expect(result.code).toBe(1);
    expect(result.stdout).toContain('published 2 mentions to mentions.raw; skipped 2 invalid lines');
    expect(result.stderr).toContain(`${file}:2: not valid JSON`);
    expect(result.stderr).toMatch(new RegExp(`${file}:4: createdAt`));
    const { rows } = await db.pool.query<{ key: string }>("SELECT key FROM bus_messages WHERE topic = 'mentions.raw' ORDER BY id");
    expect(rows.map((row) => row.key)).toEqual([`x:${fakeMention(1).externalId}`, `x:${fakeMention(3).externalId}`]);
  });
});
