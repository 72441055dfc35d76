import type { Pool, PoolClient } from '@earshot/db';
import type { DurationPercentiles, SlaClock, StatsReport, StatsTrends, TeamBacklog, UrgentItem } from './schema.js';
import { bucketStarts, checkWindow, chooseBucketSeconds } from './window.js';

export type Queryable = Pool | PoolClient;

/**
 * Runs `reads` side by side on a pool, each on a connection of its own, and
 * one after another on a single client: a client runs one query at a time
 * (pg queues the rest, and from pg 9 refuses them), as a digest does inside
 * its transaction.
 */
async function readAll<T extends readonly unknown[]>(db: Queryable, reads: { readonly [K in keyof T]: () => Promise<T[K]> }): Promise<T> {
  if (!('release' in db)) return (await Promise.all(reads.map((read) => read()))) as unknown as T;
  const results: unknown[] = [];
  for (const read of reads) results.push(await read());
  return results as unknown as T;
}

/** The brand facts share of voice needs; `config.brands` fits. */
export interface BrandInfo {
  id: string;
  name?: string;
  competitor: boolean;
}

export interface StatsOptions {
  from: Date;
  /** Exclusive. */
  to: Date;
  /** Only mentions and items of this brand (or these brands); share of voice always compares every brand. */
  brand?: string | readonly string[];
  /** The configured brands (`config.brands`): names and the competitor flag for share of voice. */
  brands: readonly BrandInfo[];
  /** "Now" for SLA clocks still running and for the backlog's overdue count. */
  now?: Date;
}

/**
 * Every figure of `GET /v1/stats` and of the digests, one SQL pass each
 * (percentiles with percentile_cont). Every query is bounded by the window
 * (at most MAX_WINDOW_DAYS, on indexed times) and returns grouped rows only.
 */
export async function computeStats(db: Queryable, options: StatsOptions): Promise<StatsReport> {
  checkWindow(options.from, options.to);
  const now = options.now ?? new Date();
  const brandFilter = options.brand === undefined ? null : typeof options.brand === 'string' ? [options.brand] : [...options.brand];
  const window = [options.from, options.to, brandFilter] as const;

  const [volume, byBrand, overTime, sentiment, shareOfVoice, response, backlog] = await readAll(db, [
    () => volumeByPlatform(db, window),
    () => volumeByBrand(db, window),
    () => volumeOverTime(db, window),
    () => sentimentMix(db, window),
    () => brandMentions(db, options.from, options.to),
    () => responseTimes(db, window, now),
    () => backlogByTeam(db, brandFilter, now),
  ] as const);

  return {
    window: { from: options.from.toISOString(), to: options.to.toISOString(), brands: brandFilter, generatedAt: now.toISOString() },
    volume: { total: volume.total, byBrand, byPlatform: volume.byPlatform, overTime },
    sentimentMix: sentiment,
    shareOfVoice: summarizeShareOfVoice(shareOfVoice, options.brands),
    timeToAcknowledge: response.timeToAcknowledge,
    timeToHandle: response.timeToHandle,
    slaAttainment: response.slaAttainment,
    breaches: response.breaches,
    backlog,
  };
}

type Window = readonly [from: Date, to: Date, brands: string[] | null];

const MENTIONS_IN_WINDOW = 'm.created_at >= $1 AND m.created_at < $2 AND ($3::text[] IS NULL OR m.matched_brands && $3::text[])';
const ITEMS_IN_WINDOW = 'i.created_at >= $1 AND i.created_at < $2 AND ($3::text[] IS NULL OR i.brand_id = ANY($3::text[]))';

async function volumeByPlatform(db: Queryable, window: Window): Promise<{ total: number; byPlatform: Array<{ platform: string; count: number }> }> {
  // One pass: the per-platform groups and the grand total (platform IS NULL in the () grouping set).
  const { rows } = await db.query<{ platform: string | null; count: number }>(
    `SELECT m.platform, count(*)::int AS count FROM mentions m WHERE ${MENTIONS_IN_WINDOW}
     GROUP BY GROUPING SETS ((m.platform), ()) ORDER BY count DESC, m.platform`,
    [...window],
  );
  const total = rows.find((row) => row.platform === null)?.count ?? 0;
  return { total, byPlatform: rows.filter((row) => row.platform !== null).map((row) => ({ platform: row.platform!, count: row.count })) };
}

async function volumeByBrand(db: Queryable, window: Window): Promise<Array<{ brandId: string; count: number }>> {
  const { rows } = await db.query<{ brandId: string; count: number }>(
    `SELECT b.brand AS "brandId", count(*)::int AS count
     FROM mentions m CROSS JOIN LATERAL unnest(m.matched_brands) AS b(brand)
     WHERE ${MENTIONS_IN_WINDOW} AND ($3::text[] IS NULL OR b.brand = ANY($3::text[]))
     GROUP BY b.brand ORDER BY count DESC, b.brand`,
    [...window],
  );
  return rows;
}

async function volumeOverTime(db: Queryable, window: Window): Promise<StatsReport['volume']['overTime']> {
  const [from, to] = window;
  const bucketSeconds = chooseBucketSeconds(from, to);
  const { rows } = await db.query<{ start: Date; count: number }>(
    `SELECT date_bin(make_interval(secs => $4), m.created_at, $1) AS start, count(*)::int AS count
     FROM mentions m WHERE ${MENTIONS_IN_WINDOW} GROUP BY 1`,
    [...window, bucketSeconds],
  );
  const counts = new Map(rows.map((row) => [row.start.getTime(), row.count]));
  return {
    bucketSeconds,
    buckets: bucketStarts(from, to, bucketSeconds).map((start) => ({ start: start.toISOString(), count: counts.get(start.getTime()) ?? 0 })),
  };
}

async function sentimentMix(db: Queryable, window: Window): Promise<StatsReport['sentimentMix']> {
  const { rows } = await db.query<{ label: string | null; count: number }>(
    `SELECT c.sentiment_label AS label, count(*)::int AS count
     FROM mentions m LEFT JOIN classifications c ON c.mention_id = m.id
     WHERE ${MENTIONS_IN_WINDOW} GROUP BY c.sentiment_label`,
    [...window],
  );
  const of = (label: string | null) => rows.find((row) => row.label === label)?.count ?? 0;
  const negative = of('negative');
  const neutral = of('neutral');
  const positive = of('positive');
  const classified = negative + neutral + positive;
  return {
    negative,
    neutral,
    positive,
    unclassified: of(null),
    shares: { negative: ratio(negative, classified), neutral: ratio(neutral, classified), positive: ratio(positive, classified) },
  };
}

async function brandMentions(db: Queryable, from: Date, to: Date): Promise<Map<string, number>> {
  const { rows } = await db.query<{ brandId: string; count: number }>(
    `SELECT b.brand AS "brandId", count(*)::int AS count
     FROM mentions m CROSS JOIN LATERAL unnest(m.matched_brands) AS b(brand)
     WHERE m.created_at >= $1 AND m.created_at < $2 GROUP BY b.brand`,
    [from, to],
  );
  return new Map(rows.map((row) => [row.brandId, row.count]));
}

/** Share of voice over the configured brands; brands no longer configured are left out. */
export function summarizeShareOfVoice(mentions: ReadonlyMap<string, number>, brands: readonly BrandInfo[]): StatsReport['shareOfVoice'] {
  const counted = brands.map((brand) => ({ brand, mentions: mentions.get(brand.id) ?? 0 }));
  const total = counted.reduce((sum, entry) => sum + entry.mentions, 0);
  const own = counted.filter((entry) => !entry.brand.competitor).reduce((sum, entry) => sum + entry.mentions, 0);
  return {
    total,
    own: { mentions: own, share: ratio(own, total) },
    competitors: { mentions: total - own, share: ratio(total - own, total) },
    brands: counted
      .map(({ brand, mentions: count }) => ({
        brandId: brand.id,
        name: brand.name ?? brand.id,
        competitor: brand.competitor,
        mentions: count,
        share: ratio(count, total),
      }))
      .sort((a, b) => b.mentions - a.mentions || a.brandId.localeCompare(b.brandId)),
  };
}

interface ResponseRow {
  team_id: string | null;
  items: number;
  ack_samples: number;
  ack_median: number | null;
  ack_p90: number | null;
  handle_samples: number;
  handle_median: number | null;
  handle_p90: number | null;
  ack_met: number;
  ack_missed: number;
  ack_pending: number;
  handle_met: number;
  handle_missed: number;
  handle_pending: number;
  breached_items: number;
}

type ResponseFigures = Pick<StatsReport, 'timeToAcknowledge' | 'timeToHandle' | 'slaAttainment' | 'breaches'>;

/**
 * Response times, SLA attainment and breaches in one pass over the window's
 * items: one row for all of them, or one per team. An item handled without
 * an explicit acknowledgement counts as acknowledged when it was handled.
 */
async function responseTimeRows(db: Queryable, window: Window, now: Date, perTeam: boolean): Promise<ResponseRow[]> {
  const { rows } = await db.query<ResponseRow>(
    `WITH w AS (
       SELECT i.team_id, i.created_at, i.ack_due_at, i.handle_due_at, i.handled_at, i.sla_applies,
              coalesce(i.acknowledged_at, i.handled_at) AS acked_at
       FROM items i WHERE ${ITEMS_IN_WINDOW}
     ), clocks AS (
       SELECT w.*,
         extract(epoch FROM w.acked_at - w.created_at)::float8 AS ack_s,
         extract(epoch FROM w.handled_at - w.created_at)::float8 AS handle_s,
         (w.sla_applies AND w.ack_due_at IS NOT NULL AND coalesce(w.acked_at, $4) > w.ack_due_at) AS ack_missed,
         (w.sla_applies AND w.handle_due_at IS NOT NULL AND coalesce(w.handled_at, $4) > w.handle_due_at) AS handle_missed
       FROM w
     )
     SELECT
       ${perTeam ? 'team_id' : 'NULL::text AS team_id'},
       count(*)::int AS items,
       count(ack_s)::int AS ack_samples,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY ack_s) AS ack_median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY ack_s) AS ack_p90,
       count(handle_s)::int AS handle_samples,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY handle_s) AS handle_median,
       percentile_cont(0.9) WITHIN GROUP (ORDER BY handle_s) AS handle_p90,
       count(*) FILTER (WHERE sla_applies AND ack_due_at IS NOT NULL AND acked_at <= ack_due_at)::int AS ack_met,
       count(*) FILTER (WHERE ack_missed)::int AS ack_missed,
       count(*) FILTER (WHERE sla_applies AND ack_due_at IS NOT NULL AND acked_at IS NULL AND ack_due_at >= $4)::int AS ack_pending,
       count(*) FILTER (WHERE sla_applies AND handle_due_at IS NOT NULL AND handled_at <= handle_due_at)::int AS handle_met,
       count(*) FILTER (WHERE handle_missed)::int AS handle_missed,
       count(*) FILTER (WHERE sla_applies AND handle_due_at IS NOT NULL AND handled_at IS NULL AND handle_due_at >= $4)::int AS handle_pending,
       count(*) FILTER (WHERE ack_missed OR handle_missed)::int AS breached_items
     FROM clocks
     ${perTeam ? 'GROUP BY team_id ORDER BY team_id NULLS LAST' : ''}`,
    [...window, now],
  );
  return rows;
}

function responseFigures(row: ResponseRow): ResponseFigures {
  return {
    timeToAcknowledge: percentiles(row.ack_samples, row.ack_median, row.ack_p90),
    timeToHandle: percentiles(row.handle_samples, row.handle_median, row.handle_p90),
    slaAttainment: {
      acknowledge: clock(row.ack_met, row.ack_missed, row.ack_pending),
      handle: clock(row.handle_met, row.handle_missed, row.handle_pending),
    },
    breaches: { items: row.breached_items, acknowledge: row.ack_missed, handle: row.handle_missed },
  };
}

async function responseTimes(db: Queryable, window: Window, now: Date): Promise<ResponseFigures> {
  const [row] = await responseTimeRows(db, window, now, false);
  return responseFigures(row!);
}

export interface TrendsOptions {
  from: Date;
  /** Exclusive. */
  to: Date;
  /** The configured brands (`config.brands`): each gets a series, competitors included. */
  brands: readonly BrandInfo[];
  /** "Now" for SLA clocks still running. */
  now?: Date;
}

/**
 * The dashboard's series over [from, to): mentions per brand and per
 * sentiment in each bucket (bucket size as for `volume.overTime`), and
 * response times and SLA attainment per team. Three grouped queries.
 */
export async function computeTrends(db: Queryable, options: TrendsOptions): Promise<StatsTrends> {
  checkWindow(options.from, options.to);
  const now = options.now ?? new Date();
  const { from, to } = options;
  const bucketSeconds = chooseBucketSeconds(from, to);
  const starts = bucketStarts(from, to, bucketSeconds);
  const slot = new Map(starts.map((start, index) => [start.getTime(), index]));
  const series = () => starts.map(() => 0);

  const [brandRows, sentimentRows, teamRows] = await readAll(db, [
    () => db.query<{ start: Date; brandId: string; count: number }>(
      `SELECT date_bin(make_interval(secs => $3), m.created_at, $1) AS start, b.brand AS "brandId", count(*)::int AS count
       FROM mentions m CROSS JOIN LATERAL unnest(m.matched_brands) AS b(brand)
       WHERE m.created_at >= $1 AND m.created_at < $2 GROUP BY 1, 2`,
      [from, to, bucketSeconds],
    ),
    () => db.query<{ start: Date; label: string | null; count: number }>(
      `SELECT date_bin(make_interval(secs => $3), m.created_at, $1) AS start, c.sentiment_label AS label, count(*)::int AS count
       FROM mentions m LEFT JOIN classifications c ON c.mention_id = m.id
       WHERE m.created_at >= $1 AND m.created_at < $2 GROUP BY 1, 2`,
      [from, to, bucketSeconds],
    ),
    () => responseTimeRows(db, [from, to, null], now, true),
  ] as const);

  const byBrand = new Map(options.brands.map((brand) => [brand.id, series()]));
  for (const row of brandRows.rows) {
    const index = slot.get(row.start.getTime());
    const counts = byBrand.get(row.brandId);
    if (index !== undefined && counts) counts[index] = row.count;
  }
  const sentiment = { negative: series(), neutral: series(), positive: series(), unclassified: series() };
  for (const row of sentimentRows.rows) {
    const index = slot.get(row.start.getTime());
    const label = row.label === 'negative' || row.label === 'neutral' || row.label === 'positive' ? row.label : 'unclassified';
    if (index !== undefined) sentiment[label][index] = row.count;
  }

  return {
    window: { from: from.toISOString(), to: to.toISOString(), generatedAt: now.toISOString() },
    bucketSeconds,
    bucketStarts: starts.map((start) => start.toISOString()),
    brands: options.brands.map((brand) => ({ brandId: brand.id, name: brand.name ?? brand.id, competitor: brand.competitor, counts: byBrand.get(brand.id)! })),
    sentiment,
    teams: teamRows.map((row) => {
      const figures = responseFigures(row);
      return { teamId: row.team_id, items: row.items, timeToAcknowledge: figures.timeToAcknowledge, timeToHandle: figures.timeToHandle, slaAttainment: figures.slaAttainment };
    }),
  };
}

async function backlogByTeam(db: Queryable, brands: string[] | null, now: Date): Promise<TeamBacklog[]> {
  const { rows } = await db.query<{
    teamId: string | null;
    open: number;
    acknowledged: number;
    snoozed: number;
    unassigned: number;
    overdue: number;
    oldest: Date | null;
  }>(
    `SELECT i.team_id AS "teamId",
       count(*) FILTER (WHERE i.state = 'open')::int AS open,
       count(*) FILTER (WHERE i.state = 'acknowledged')::int AS acknowledged,
       count(*) FILTER (WHERE i.state = 'snoozed')::int AS snoozed,
       count(*) FILTER (WHERE i.assignee_id IS NULL)::int AS unassigned,
       count(*) FILTER (WHERE (i.acknowledged_at IS NULL AND i.ack_due_at < $2) OR i.handle_due_at < $2)::int AS overdue,
       min(i.created_at) AS oldest
     FROM items i
     WHERE i.state <> 'handled' AND ($1::text[] IS NULL OR i.brand_id = ANY($1::text[]))
     GROUP BY i.team_id ORDER BY i.team_id NULLS LAST`,
    [brands, now],
  );
  return rows.map(({ oldest, ...row }) => ({ ...row, oldestCreatedAt: oldest === null ? null : oldest.toISOString() }));
}

/**
 * The window's most urgent items (priority first, then urgency, newest
 * first), for digests. At most `limit` rows (1 … 50).
 */
export async function listTopUrgentItems(
  db: Queryable,
  options: { from: Date; to: Date; brand?: string | readonly string[]; limit?: number },
): Promise<UrgentItem[]> {
  checkWindow(options.from, options.to);
  const brandFilter = options.brand === undefined ? null : typeof options.brand === 'string' ? [options.brand] : [...options.brand];
  const limit = Math.min(Math.max(Math.trunc(options.limit ?? 5), 1), 50);
  const { rows } = await db.query<{
    itemId: string;
    priority: UrgentItem['priority'];
    urgency: number | null;
    sentiment: UrgentItem['sentiment'];
    state: UrgentItem['state'];
    brandId: string | null;
    platform: string;
    authorHandle: string;
    text: string;
    url: string | null;
    createdAt: Date;
  }>(
    `SELECT i.id AS "itemId", i.priority, c.urgency, c.sentiment_label AS sentiment, i.state, i.brand_id AS "brandId",
            m.platform, m.author_handle AS "authorHandle", left(m.text, 281) AS text, m.url, i.created_at AS "createdAt"
     FROM items i JOIN mentions m ON m.id = i.mention_id LEFT JOIN classifications c ON c.mention_id = m.id
     WHERE ${ITEMS_IN_WINDOW}
     ORDER BY i.priority, c.urgency DESC NULLS LAST, i.created_at DESC
     LIMIT $4`,
    [options.from, options.to, brandFilter, limit],
  );
  return rows.map(({ text, createdAt, ...row }) => ({
    ...row,
    excerpt: text.length > 280 ? `${text.slice(0, 279)}…` : text,
    createdAt: createdAt.toISOString(),
  }));
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : round(part / whole, 4);
}

function percentiles(samples: number, median: number | null, p90: number | null): DurationPercentiles {
  return { samples, median: median === null ? null : round(median, 3), p90: p90 === null ? null : round(p90, 3) };
}

function clock(met: number, missed: number, pending: number): SlaClock {
  return { met, missed, pending, rate: ratio(met, met + missed) };
}

function round(value: number, digits: number): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
