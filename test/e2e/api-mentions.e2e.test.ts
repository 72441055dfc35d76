import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/database.js';
import { daemonUrl, exitOf, runCli, spawnCli } from '../support/cli.js';
import { fakeMention } from '../support/mentions.js';
import { waitFor } from '../support/wait.js';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
});
afterAll(async () => {
  await db?.drop();
});

async function itemsOf(mentionId: string): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM items WHERE mention_id = $1', [mentionId]);
  return rows[0]!.n;
}

describe('POST /v1/mentions through the whole daemon', () => {
  // The whole pipeline: the api publishes, the classifier stores, the router opens the item.
  it('makes one item of a mention pushed twice, and does not send it again once stored', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'earshot-e2e-api-'));
    const daemon = spawnCli(['start'], { env: { DATABASE_URL: db.url, EARSHOT_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'info' } });
    try {
      const url = await daemonUrl(daemon);
      const created = await runCli(['token', 'create', '--role', 'admin'], { env: { DATABASE_URL: db.url, EARSHOT_DATA_DIR: dataDir } });
      expect(created.code, created.stderr).toBe(0);
      const push = (body: unknown) =>
        fetch(`${url}/v1/mentions`, {
          method: 'POST',
          headers: { authorization: `Bearer ${created.stdout.trim()}`, 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });

      const mention = fakeMention(1, { text: '@acme my order never arrived and support does not answer' });
      const id = `${mention.platform}:${mention.externalId}`;
      // Twice at once: neither is stored yet, so both are published; the pipeline must still make one item.
      const answers = await Promise.all([push(mention), push(mention)]);
      expect(answers.map((answer) => answer.status)).toEqual([202, 202]);
      // A later mention on the same log: once its item exists, both copies before it have gone through.
      const marker = fakeMention(2, { text: '@acme where is my refund?' });
      expect((await push(marker)).status).toBe(202);
      await waitFor(async () => (await itemsOf(`${marker.platform}:${marker.externalId}`)) > 0, { what: 'the marker item', timeoutMs: 60_000 });

      expect(await itemsOf(id)).toBe(1);

      const again = await push(mention);
      expect(await again.json()).toEqual({ ids: [id], queued: [], alreadyStored: [id] });
    } finally {
      daemon.kill('SIGTERM');
      await exitOf(daemon);
    }
  });
});
