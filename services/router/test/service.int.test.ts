import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { withTransaction } from '@earshot/db';
import { requestAlertUpdate } from '@earshot/notify';
import { cancelPendingEscalations } from '@earshot/routing';
import { startEarshot, type RunningEarshot } from '@earshot/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { testLogger } from '../../../test/support/logger.js';
import { waitFor } from '../../../test/support/wait.js';
import { routerService } from '../src/index.js';
import { classified, deskYaml } from './fixtures/router-test.js';
import { startSlackStub, type SlackStub } from '../../../test/support/slack-stub.js';

let db: TestDatabase;
let dir: string;
let earshot: RunningEarshot;
let slack: SlackStub;

beforeAll(async () => {
  db = await createTestDatabase();
  slack = await startSlackStub();
  dir = mkdtempSync(join(tmpdir(), 'earshot-router-service-'));
  writeFileSync(join(dir, 'earshot.yaml'), deskYaml('\n  P1: { ack: 4s, handle: 1m }'));
  earshot = await startEarshot([routerService], {
    rawEnv: {
      DATABASE_URL: db.url,
      EARSHOT_CONFIG: join(dir, 'earshot.yaml'),
      EARSHOT_DATA_DIR: dir,
      EARSHOT_SERVICES: 'router',
      PORT: '0',
      HOST: '127.0.0.1',
      ROUTER_TICK_MS: '50',
      SLACK_BOT_TOKEN: 'xoxb-test',
      SLACK_API_URL: slack.url,
    },
    logger: testLogger,
    onFatal: (error) => {
      throw error;
    },
  });
});

afterAll(async () => {
  await earshot?.stop();
  await slack?.close();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('router service', () => {
  it('alerts the right channel on Slack, escalates to the assignee, stops when acknowledged, and alerts spikes', async () => {
    const crisis = classified(1, { classification: { category: 'crisis', priority: 'P2' }, mention: { author: { handle: 'bignews', followers: 250_000 } } });
    await earshot.bus.publish('mentions.classified', [{ key: crisis.id, value: crisis }]);
    await earshot.bus.publish('alerts.spikes', [
      {
        key: 'acme',
        value: {
          id: 'spike:acme:2026-11-23T14:00:00.000Z',
          brandId: 'acme',
          windowStart: '2026-11-23T14:00:00.000Z',
          windowEnd: '2026-11-23T15:00:00.000Z',
          negativeCount: 120,
          baselineMean: 10,
          baselineDeviation: 3,
          examples: [],
          detectedAt: '2026-11-23T15:00:00.000Z',
        },
      },
    ]);

    // The crisis rule makes it a P1 for team pr (carol): the alert in its channel, then a DM to carol at 50% of the ack time.
    const posts = () => slack.calls.filter((call) => call.method === 'chat.postMessage');
    await waitFor(() => posts().some((call) => call.args.channel === 'U0CAROL'), { timeoutMs: 20_000, what: 'the 50% ack DM to carol' });
    const { rows } = await db.pool.query<{ id: string }>('SELECT id FROM items WHERE mention_id = $1', [crisis.id]);
    const itemId = rows[0]!.id;
    // What POST /v1/items/:id/ack does: the state change, the cancellation and the alert update in one transaction.
    await withTransaction(db.pool, async (client) => {
      await client.query("UPDATE items SET state = 'acknowledged', acknowledged_at = now(), updated_at = now() WHERE id = $1", [itemId]);
      await cancelPendingEscalations(client, itemId, 'acknowledged');
      await requestAlertUpdate(client, itemId);
    });
    await waitFor(() => slack.calls.some((call) => call.method === 'chat.update' && call.args.channel === 'C0CRISIS'), { what: 'the alert to be updated in place' });

    const channelPosts = posts().filter((call) => call.args.channel === 'C0CRISIS');
    expect(channelPosts.length).toBeGreaterThanOrEqual(2); // the item alert and the spike alert
    const { rows: timers } = await db.pool.query('SELECT step_index, status FROM escalation_timers WHERE item_id = $1 ORDER BY step_index', [itemId]);
    expect(timers.map((t) => [t.step_index, t.status])).toEqual([
      [0, 'fired'],
      [1, 'cancelled'],
      [2, 'cancelled'],
      [3, 'pending'],
    ]);
    expect(posts().filter((call) => call.args.channel === 'U0CAROL')).toHaveLength(1);

    const metrics = await (await fetch(`${earshot.url}/metrics`)).text();
    expect(metrics).toContain('earshot_router_items_routed_total{team="pr",priority="P1"} 1');
    expect(metrics).toMatch(/earshot_router_escalation_steps_fired_total\{team="pr",step="0"\} 1/);
    expect(metrics).toContain('earshot_router_spike_alerts_total{brand="acme"} 1');
    expect(metrics).toMatch(/earshot_router_queue_depth\{team="support"\} 0/);
  });

  it('refuses to start on a bad router setting, naming it', async () => {
    await expect(
      startEarshot([routerService], {
        rawEnv: { DATABASE_URL: db.url, EARSHOT_CONFIG: join(dir, 'earshot.yaml'), EARSHOT_SERVICES: 'router', PORT: '0', ROUTER_TICK_MS: 'soon' },
        logger: testLogger,
        onFatal: () => undefined,
      }),
    ).rejects.toThrow(/ROUTER_TICK_MS/);
  });
});
