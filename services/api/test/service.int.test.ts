import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueToken } from '@earshot/auth';
import { SLACK_ACTION_IDS } from '@earshot/domain';
import { startEarshot, type RunningEarshot } from '@earshot/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { testLogger } from '../../../test/support/logger.js';
import { apiService } from '../src/index.js';
import { seedItem, SIGNING_SECRET, slackClick, TEST_CONFIG_YAML } from './harness.js';

let db: TestDatabase;
let dir: string;
let earshot: RunningEarshot;

function start(extraEnv: Record<string, string> = {}) {
  return startEarshot([apiService], {
    rawEnv: {
      DATABASE_URL: db.url,
      EARSHOT_CONFIG: join(dir, 'earshot.yaml'),
      EARSHOT_DATA_DIR: dir,
      EARSHOT_SERVICES: 'api',
      PORT: '0',
      HOST: '127.0.0.1',
      ...extraEnv,
    },
    logger: testLogger,
    onFatal: (error) => {
      throw error;
    },
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'earshot-api-service-'));
  writeFileSync(join(dir, 'earshot.yaml'), TEST_CONFIG_YAML);
  earshot = await start({ SLACK_SIGNING_SECRET: SIGNING_SECRET });
});

afterAll(async () => {
  await earshot?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('api service (startEarshot, real HTTP)', () => {
  it('lets a responder list, acknowledge and handle over HTTP, and queues the Slack alert update through notify', async () => {
    const itemId = await seedItem(earshot.pool, { assignee: 'alice' });
    const { token } = await issueToken(earshot.pool, { role: 'responder', responderId: 'alice' });
    const headers = { authorization: `Bearer ${token}` };

    const list = (await (await fetch(`${earshot.url}/v1/items?status=open&assignee=me`, { headers })).json()) as { items: Array<{ id: string }> };
    expect(list.items.map((item) => item.id)).toEqual([itemId]);
    const ack = await fetch(`${earshot.url}/v1/items/${itemId}/ack`, { method: 'POST', headers });
    expect(ack.status).toBe(200);
    const handled = await fetch(`${earshot.url}/v1/items/${itemId}/handled`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify({ note: 'replied publicly' }),
    });
    expect(await handled.json()).toMatchObject({ id: itemId, state: 'handled', handledBy: 'alice' });

    // packages/notify's requestAlertUpdate queued one chat.update per change of the posted alert.
    const { rows } = await earshot.pool.query("SELECT payload FROM notification_outbox WHERE item_id = $1 AND kind = 'update' ORDER BY id", [itemId]);
    expect(rows).toHaveLength(2);
    expect(rows[0].payload).toMatchObject({ type: 'item-update', itemId });
  });

  it('answers signed Slack clicks on the same server', async () => {
    const itemId = await seedItem(earshot.pool, { assignee: 'bob' });
    const click = slackClick({ user: 'UBOB', actionId: SLACK_ACTION_IDS.acknowledge, itemId });
    const response = await fetch(`${earshot.url}/slack/actions`, { method: 'POST', headers: click.headers as Record<string, string>, body: String(click.payload) });
    expect(response.status).toBe(200);
    const { rows } = await earshot.pool.query('SELECT state, acknowledged_by FROM items WHERE id = $1', [itemId]);
    expect(rows[0]).toEqual({ state: 'acknowledged', acknowledged_by: 'bob' });
  });

  it('keeps the health, readiness and metrics endpoints outside the API\'s auth and format', async () => {
    expect((await fetch(`${earshot.url}/readyz`)).status).toBe(200);
    const metrics = await (await fetch(`${earshot.url}/metrics`)).text();
    expect(metrics).toContain('earshot_api_request_duration_seconds');
    expect(metrics).toContain('process_cpu_seconds_total');
  });

  it('does not serve Slack actions without a signing secret, and refuses a bad API environment', async () => {
    const withoutSlack = await start();
    try {
      const response = await fetch(`${withoutSlack.url}/slack/actions`, { method: 'POST' });
      expect(response.status).toBe(404);
    } finally {
      await withoutSlack.stop();
    }
    await expect(start({ EARSHOT_API_RATE_LIMIT_PER_MINUTE: 'lots' })).rejects.toThrow('EARSHOT_API_RATE_LIMIT_PER_MINUTE');
  });
});
