import type { Pool } from '@earshot/db';
import type { Stats } from './schemas.js';

export interface StatsRange {
  from: Date;
  to: Date;
  brand?: string | undefined;
}

/** What GET /v1/stats calls; meant to be @earshot/reports' computeStats once that package lands. */
export type StatsComputer = (pool: Pool, range: StatsRange) => Promise<Stats>;

interface TotalsRow {
  mentions: number;
  negative: number;
  neutral: number;
  positive: number;
}

interface ItemFiguresRow {
  items: number;
  acknowledged: number;
  ack_median_ms: number | null;
  ack_p90_ms: number | null;
  handled: number;
  handle_median_ms: number | null;
  handle_p90_ms: number | null;
  ack_met: number;
  ack_missed: number;
  handle_met: number;
  handle_missed: number;
}

const rate = (met: number, missed: number) => (met + missed === 0 ? null : met / (met + missed));
const ms = (value: number | null) => (value === null ? null : Math.round(value));

/**
 * The API's own figures until @earshot/reports lands. Mentions count by when
 * they were posted; response times and SLA attainment by the items opened in
 * the range, an item still inside its deadline counting as neither met nor missed.
 */
export const computeStatsInApi: StatsComputer = async (pool, range) => {
  const brand = range.brand ?? null;
  const [totals, voices, items] = await Promise.all([
    pool.query<TotalsRow>(
      `SELECT count(*)::int AS mentions,
              count(*) FILTER (WHERE c.sentiment_label = 'negative')::int AS negative,
              count(*) FILTER (WHERE c.sentiment_label = 'neutral')::int AS neutral,
              count(*) FILTER (WHERE c.sentiment_label = 'positive')::int AS positive
         FROM mentions m LEFT JOIN classifications c ON c.mention_id = m.id
        WHERE m.created_at >= $1 AND m.created_at < $2 AND ($3::text IS NULL OR $3 = ANY(m.matched_brands))`,
      [range.from, range.to, brand],
    ),
    pool.query<{ brand_id: string; mentions: number }>(
      `SELECT brand_id, count(*)::int AS mentions
         FROM mentions m, unnest(m.matched_brands) AS brand_id
        WHERE m.created_at >= $1 AND m.created_at < $2
        GROUP BY brand_id ORDER BY mentions DESC, brand_id`,
      [range.from, range.to],
    ),
    pool.query<ItemFiguresRow>(
      `SELECT count(*)::int AS items,
              count(acknowledged_at)::int AS acknowledged,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM acknowledged_at - created_at) * 1000) AS ack_median_ms,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM acknowledged_at - created_at) * 1000) AS ack_p90_ms,
              count(handled_at)::int AS handled,
              percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM handled_at - created_at) * 1000) AS handle_median_ms,
              percentile_cont(0.9) WITHIN GROUP (ORDER BY extract(epoch FROM handled_at - created_at) * 1000) AS handle_p90_ms,
              count(*) FILTER (WHERE sla_applies AND acknowledged_at <= ack_due_at)::int AS ack_met,
              count(*) FILTER (WHERE sla_applies AND (acknowledged_at > ack_due_at OR (acknowledged_at IS NULL AND ack_due_at < now())))::int AS ack_missed,
              count(*) FILTER (WHERE sla_applies AND handled_at <= handle_due_at)::int AS handle_met,
              count(*) FILTER (WHERE sla_applies AND (handled_at > handle_due_at OR (handled_at IS NULL AND handle_due_at < now())))::int AS handle_missed
         FROM items
        WHERE created_at >= $1 AND created_at < $2 AND ($3::text IS NULL OR brand_id = $3)`,
      [range.from, range.to, brand],
    ),
  ]);
  const total = totals.rows[0]!;
  const figures = items.rows[0]!;
  const allBrandMentions = voices.rows.reduce((sum, row) => sum + row.mentions, 0);
  return {
    from: range.from.toISOString(),
    to: range.to.toISOString(),
    brand,
    volume: { mentions: total.mentions, items: figures.items },
    sentiment: { negative: total.negative, neutral: total.neutral, positive: total.positive },
    shareOfVoice: voices.rows.map((row) => ({ brandId: row.brand_id, mentions: row.mentions, share: row.mentions / allBrandMentions })),
    timeToAcknowledge: { count: figures.acknowledged, medianMs: ms(figures.ack_median_ms), p90Ms: ms(figures.ack_p90_ms) },
    timeToHandle: { count: figures.handled, medianMs: ms(figures.handle_median_ms), p90Ms: ms(figures.handle_p90_ms) },
    slaAttainment: {
      acknowledge: { met: figures.ack_met, missed: figures.ack_missed, rate: rate(figures.ack_met, figures.ack_missed) },
      handle: { met: figures.handle_met, missed: figures.handle_missed, rate: rate(figures.handle_met, figures.handle_missed) },
    },
  };
};
