import type { Pool } from '@earshot/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { computeStats, computeTrends, listTopUrgentItems, StatsQueryError, StatsReportSchema, type BrandInfo } from '../src/index.js';

const BRANDS: BrandInfo[] = [
  { id: 'acme', name: 'Acme', competitor: false },
  { id: 'acme-labs', name: 'Acme Labs', competitor: false },
  { id: 'globex', name: 'Globex', competitor: true },
];
const T0 = new Date('2026-11-02T00:00:00Z');
const NOW = new Date('2026-11-03T12:00:00Z');
const minutes = (n: number) => n * 60_000;
const at = (offsetMs: number) => new Date(T0.getTime() + offsetMs);

interface Seed {
  n: number;
  platform: string;
  brands: string[];
  sentiment?: 'negative' | 'neutral' | 'positive';
  urgency?: number;
  postedAt: Date;
  item?: {
    team: string | null;
    priority: 'P1' | 'P2' | 'P3' | 'P4';
    state: 'open' | 'acknowledged' | 'snoozed' | 'handled';
    assignee?: string;
    ackAfterMin?: number;
    handleAfterMin?: number;
    ackDueMin?: number;
    handleDueMin?: number;
    slaApplies?: boolean;
  };
}

async function seed(pool: Pool, rows: Seed[]): Promise<void> {
  for (const row of rows) {
    const id = `${row.platform}:${row.n}`;
    await pool.query(
      `INSERT INTO mentions (id, platform, external_id, text, author_handle, matched_brands, payload, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, '{}', $7)`,
      [id, row.platform, String(row.n), `mention number ${row.n}`, `user${row.n}`, row.brands, row.postedAt],
    );
    if (row.sentiment) {
      await pool.query(
        `INSERT INTO classifications (mention_id, sentiment_label, sentiment_score, sentiment_confidence, urgency, category, priority, model_version, classified_at)
         VALUES ($1, $2, 0, 0.9, $3, 'complaint', 'P2', 'test', $4)`,
        [id, row.sentiment, row.urgency ?? 50, row.postedAt],
      );
    }
    const item = row.item;
    if (item) {
      const created = row.postedAt.getTime();
      const offset = (m: number | undefined) => (m === undefined ? null : new Date(created + minutes(m)));
      await pool.query(
        `INSERT INTO items (mention_id, brand_id, state, priority, category, team_id, assignee_id, sla_applies,
                            ack_due_at, handle_due_at, created_at, acknowledged_at, handled_at)
         VALUES ($1, $2, $3, $4, 'complaint', $5, $6, $7, $8, $9, $10, $11, $12)`,
        [
          id,
          row.brands[0] ?? null,
          item.state,
          item.priority,
          item.team,
          item.assignee ?? null,
          item.slaApplies ?? true,
          offset(item.ackDueMin),
          offset(item.handleDueMin),
          row.postedAt,
          offset(item.ackAfterMin),
          offset(item.handleAfterMin),
        ],
      );
    }
  }
}

describe('computeStats', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase();
    await seed(db.pool, [
      // In the window [T0, T0 + 1 day): 6 acme, 1 acme+globex, 2 globex, 1 acme-labs.
      { n: 1, platform: 'x', brands: ['acme'], sentiment: 'negative', urgency: 90, postedAt: at(minutes(10)),
        item: { team: 'support', priority: 'P1', state: 'handled', assignee: 'alice', ackAfterMin: 5, handleAfterMin: 30, ackDueMin: 15, handleDueMin: 60 } },
      { n: 2, platform: 'x', brands: ['acme'], sentiment: 'negative', urgency: 70, postedAt: at(minutes(70)),
        item: { team: 'support', priority: 'P2', state: 'acknowledged', assignee: 'bob', ackAfterMin: 20, ackDueMin: 15, handleDueMin: 24 * 60 * 3 } },
      { n: 3, platform: 'reddit', brands: ['acme'], sentiment: 'neutral', postedAt: at(minutes(130)),
        item: { team: 'support', priority: 'P2', state: 'handled', assignee: 'alice', handleAfterMin: 10, ackDueMin: 15, handleDueMin: 120 } },
      { n: 4, platform: 'reddit', brands: ['acme'], sentiment: 'positive', postedAt: at(minutes(190)),
        item: { team: 'social', priority: 'P4', state: 'handled', ackAfterMin: 40, handleAfterMin: 100, slaApplies: false } },
      { n: 5, platform: 'x', brands: ['acme'], sentiment: 'negative', urgency: 95, postedAt: at(minutes(250)),
        item: { team: 'support', priority: 'P1', state: 'open', ackDueMin: 15, handleDueMin: 60 } },
      { n: 6, platform: 'hackernews', brands: ['acme'], postedAt: at(minutes(300)) },
      { n: 7, platform: 'x', brands: ['acme', 'globex'], sentiment: 'neutral', postedAt: at(minutes(400)) },
      { n: 8, platform: 'x', brands: ['globex'], sentiment: 'positive', postedAt: at(minutes(500)) },
      { n: 9, platform: 'reddit', brands: ['globex'], sentiment: 'negative', postedAt: at(minutes(600)) },
      { n: 10, platform: 'x', brands: ['acme-labs'], sentiment: 'positive', postedAt: at(minutes(700)) },
      // Outside the window: counts for nothing but the backlog, which is "now".
      { n: 11, platform: 'x', brands: ['acme'], sentiment: 'negative', postedAt: new Date(T0.getTime() - minutes(5)),
        item: { team: 'support', priority: 'P3', state: 'open', ackDueMin: 24 * 60 * 30, handleDueMin: 24 * 60 * 60 } },
      { n: 12, platform: 'x', brands: ['acme'], sentiment: 'negative', postedAt: at(24 * 60 * minutes(1)) },
    ]);
  });
  afterAll(async () => {
    await db?.drop();
  });

  const window = { from: T0, to: at(24 * 60 * minutes(1)), brands: BRANDS, now: NOW };

  it('counts volume by brand, platform and quarter hour, and the sentiment mix, for the window only', async () => {
    const stats = await computeStats(db.pool, window);
    expect(StatsReportSchema.parse(stats)).toEqual(stats);
    expect(stats.volume.total).toBe(10);
    expect(stats.volume.byBrand).toEqual([
      { brandId: 'acme', count: 7 },
      { brandId: 'globex', count: 3 },
      { brandId: 'acme-labs', count: 1 },
    ]);
    expect(stats.volume.byPlatform).toEqual([
      { platform: 'x', count: 6 },
      { platform: 'reddit', count: 3 },
      { platform: 'hackernews', count: 1 },
    ]);
    expect(stats.volume.overTime.bucketSeconds).toBe(900);
    expect(stats.volume.overTime.buckets).toHaveLength(96);
    expect(stats.volume.overTime.buckets[0]).toEqual({ start: '2026-11-02T00:00:00.000Z', count: 1 });
    expect(stats.volume.overTime.buckets.reduce((sum, b) => sum + b.count, 0)).toBe(10);
    expect(stats.sentimentMix).toEqual({
      negative: 4,
      neutral: 2,
      positive: 3,
      unclassified: 1,
      shares: { negative: 0.4444, neutral: 0.2222, positive: 0.3333 },
    });
  });

  it('compares own brands with competitors', async () => {
    const { shareOfVoice } = await computeStats(db.pool, { ...window, brand: 'acme' });
    expect(shareOfVoice.total).toBe(11);
    expect(shareOfVoice.own).toEqual({ mentions: 8, share: 0.7273 });
    expect(shareOfVoice.competitors).toEqual({ mentions: 3, share: 0.2727 });
    expect(shareOfVoice.brands[0]).toEqual({ brandId: 'acme', name: 'Acme', competitor: false, mentions: 7, share: 0.6364 });
  });

  it('gives median and p90 response times, SLA attainment and breaches', async () => {
    const stats = await computeStats(db.pool, window);
    // Acknowledged after 5, 20, 10 (handled without ack), 40 minutes.
    expect(stats.timeToAcknowledge).toEqual({ samples: 4, median: 15 * 60, p90: 34 * 60 });
    // Handled after 30, 10, 100 minutes.
    expect(stats.timeToHandle).toEqual({ samples: 3, median: 30 * 60, p90: 86 * 60 });
    expect(stats.slaAttainment.acknowledge).toEqual({ met: 2, missed: 2, pending: 0, rate: 0.5 });
    // Item 2's handle clock is still running; item 5 is overdue.
    expect(stats.slaAttainment.handle).toEqual({ met: 2, missed: 1, pending: 1, rate: 0.6667 });
    expect(stats.breaches).toEqual({ items: 2, acknowledge: 2, handle: 1 });
  });

  it('filters by brand', async () => {
    const stats = await computeStats(db.pool, { ...window, brand: 'globex' });
    expect(stats.window.brands).toEqual(['globex']);
    expect(stats.volume.total).toBe(3);
    expect(stats.volume.byBrand).toEqual([{ brandId: 'globex', count: 3 }]);
    expect(stats.timeToAcknowledge).toEqual({ samples: 0, median: null, p90: null });
    expect(stats.slaAttainment.acknowledge.rate).toBeNull();
  });

  it('reports the backlog per team as it is now', async () => {
    const { backlog } = await computeStats(db.pool, window);
    expect(backlog).toEqual([
      { teamId: 'support', open: 2, acknowledged: 1, snoozed: 0, unassigned: 2, overdue: 1, oldestCreatedAt: '2026-11-01T23:55:00.000Z' },
    ]);
  });

  it('lists the most urgent items first', async () => {
    const top = await listTopUrgentItems(db.pool, { from: window.from, to: window.to, limit: 3 });
    expect(top.map((item) => [item.priority, item.urgency, item.authorHandle])).toEqual([
      ['P1', 95, 'user5'],
      ['P1', 90, 'user1'],
      ['P2', 70, 'user2'],
    ]);
    expect(top[0]).toMatchObject({ state: 'open', brandId: 'acme', platform: 'x', excerpt: 'mention number 5', sentiment: 'negative' });
  });

  it('reads through one client a query at a time, as a digest does inside its transaction, with the figures the pool gives', async () => {
    const client = await db.pool.connect();
    const plainQuery = client.query;
    let running = 0;
    let mostAtOnce = 0;
    const counted = async (...args: unknown[]) => {
      running++;
      mostAtOnce = Math.max(mostAtOnce, running);
      try {
        return await (plainQuery as (...queryArgs: unknown[]) => Promise<unknown>).apply(client, args);
      } finally {
        running--;
      }
    };
    client.query = counted as typeof client.query;
    try {
      expect(await computeStats(client, window)).toEqual(await computeStats(db.pool, window));
      expect(await computeTrends(client, window)).toEqual(await computeTrends(db.pool, window));
    } finally {
      client.query = plainQuery;
      client.release();
    }
    expect(mostAtOnce).toBe(1);
  });

  it('refuses a reversed window, naming the field', async () => {
    await expect(computeStats(db.pool, { ...window, from: window.to, to: window.from })).rejects.toThrow(StatsQueryError);
  });
});
