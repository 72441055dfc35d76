import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEarshot, type RunningEarshot } from '@earshot/runtime';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { testLogger } from '../../../test/support/logger.js';
import { waitFor } from '../../../test/support/wait.js';
import { routerService } from '../src/index.js';
import { classified, deskYaml } from './fixtures/router-test.js';

let db: TestDatabase;
let dir: string;
let earshot: RunningEarshot;

beforeAll(async () => {
  db = await createTestDatabase();
  dir = mkdtempSync(join(tmpdir(), 'earshot-router-service-'));
  writeFileSync(join(dir, 'earshot.yaml'), deskYaml('\n  P1: { ack: 1s, handle: 2s }'));
  earshot = await startEarshot([routerService], {
    rawEnv: {
      DATABASE_URL: db.url,
      EARSHOT_CONFIG: join(dir, 'earshot.yaml'),
      EARSHOT_DATA_DIR: dir,
      EARSHOT_SERVICES: 'router',
      PORT: '0',
      HOST: '127.0.0.1',
      ROUTER_TICK_MS: '50',
    },
    logger: testLogger,
    onFatal: (error) => {
      throw error;
    },
  });
});

afterAll(async () => {
  await earshot?.stop();
  await db?.drop();
  rmSync(dir, { recursive: true, force: true });
});

describe('router service', () => {
  it('routes what arrives on mentions.classified, escalates it on its clock, and alerts spikes', async () => {
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

    // The crisis rule makes it P1 for team pr (carol): alert the channel, then DM carol at 50%, then the channel at breach.
    const rows = await waitFor(
      async () => {
        const { rows } = await db.pool.query<{ kind: string; channel: string; recipient: string }>(
          'SELECT kind, channel, recipient FROM notification_outbox ORDER BY id',
        );
        return rows.filter((row) => row.kind === 'escalation').length >= 3 && rows.some((row) => row.kind === 'spike') ? rows : null;
      },
      { timeoutMs: 20_000, what: 'the alert, the escalation steps and the spike alert' },
    );
    expect(rows.filter((row) => row.kind !== 'spike')).toEqual(
      expect.arrayContaining([
        { kind: 'alert', channel: 'slack', recipient: 'C0CRISIS' },
        { kind: 'escalation', channel: 'slack-dm', recipient: 'U0CAROL' },
        { kind: 'escalation', channel: 'slack', recipient: 'C0CRISIS' },
      ]),
    );
    expect(rows.filter((row) => row.kind === 'spike')).toEqual([{ kind: 'spike', channel: 'slack', recipient: 'C0CRISIS' }]);

    const metrics = await (await fetch(`${earshot.url}/metrics`)).text();
    expect(metrics).toContain('earshot_router_items_routed_total{team="pr",priority="P1"} 1');
    expect(metrics).toMatch(/earshot_router_escalation_steps_fired_total\{team="pr",step="0"\} 1/);
    expect(metrics).toContain('earshot_router_spike_alerts_total{brand="acme"} 1');
    expect(metrics).toMatch(/earshot_router_queue_depth\{team="support"\} 0/);
    await waitFor(async () => /earshot_router_sla_breaches_total\{team="pr",priority="P1",clock="ack"\} 1/.test(await (await fetch(`${earshot.url}/metrics`)).text()), {
      what: 'the breach to be counted',
    });
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
