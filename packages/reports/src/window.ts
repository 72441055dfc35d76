import { z } from 'zod';

const HOUR_S = 3_600;
const DAY_S = 24 * HOUR_S;

/** Longest window a stats query may cover; keeps every query bounded. */
export const MAX_WINDOW_DAYS = 400;
/** Most buckets `volume.overTime` returns; the bucket size grows to stay under it. */
export const MAX_BUCKETS = 200;

/** Bucket sizes for volume over time, in seconds, smallest first. */
const BUCKET_SIZES_S = [5 * 60, 15 * 60, HOUR_S, 6 * HOUR_S, DAY_S, 7 * DAY_S, 30 * DAY_S];

/** The smallest bucket that splits [from, to) into at most MAX_BUCKETS buckets. */
export function chooseBucketSeconds(from: Date, to: Date): number {
  const spanS = Math.max(1, (to.getTime() - from.getTime()) / 1000);
  return BUCKET_SIZES_S.find((size) => spanS / size <= MAX_BUCKETS) ?? BUCKET_SIZES_S[BUCKET_SIZES_S.length - 1]!;
}

/** Start of every bucket of [from, to), aligned on `from`. */
export function bucketStarts(from: Date, to: Date, bucketSeconds: number): Date[] {
  const starts: Date[] = [];
  for (let at = from.getTime(); at < to.getTime(); at += bucketSeconds * 1000) starts.push(new Date(at));
  return starts;
}

export class StatsQueryError extends Error {
  readonly retriable = false;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
    this.name = 'StatsQueryError';
  }
}

/** Throws a StatsQueryError naming the field when the window is empty, reversed or too long. */
export function checkWindow(from: Date, to: Date): void {
  if (Number.isNaN(from.getTime())) throw new StatsQueryError('from', 'is not a valid time');
  if (Number.isNaN(to.getTime())) throw new StatsQueryError('to', 'is not a valid time');
  if (from.getTime() >= to.getTime()) throw new StatsQueryError('to', 'must be after from');
  if (to.getTime() - from.getTime() > MAX_WINDOW_DAYS * DAY_S * 1000) {
    throw new StatsQueryError('from', `the window must not exceed ${MAX_WINDOW_DAYS} days`);
  }
}

const DEFAULT_WINDOW_MS = 7 * DAY_S * 1000;

/**
 * The query string of `GET /v1/stats`: `from` and `to` as ISO times (default:
 * the 7 days up to now), `brand` optional. Parse with `.parse({...query})`,
 * or `parseStatsQuery(query, now)` to fill the defaults.
 */
export const StatsQuerySchema = z.strictObject({
  from: z.iso.datetime({ offset: true, message: 'must be an ISO time like 2026-11-01T00:00:00Z' }).optional(),
  to: z.iso.datetime({ offset: true, message: 'must be an ISO time like 2026-11-08T00:00:00Z' }).optional(),
  brand: z.string().min(1).max(64).optional(),
});

export interface StatsWindow {
  from: Date;
  to: Date;
  brand?: string;
}

/** Validates a stats query (ZodError or StatsQueryError, each naming the field) and fills the default window. */
export function parseStatsQuery(query: unknown, now: Date = new Date()): StatsWindow {
  const parsed = StatsQuerySchema.parse(query);
  const to = parsed.to ? new Date(parsed.to) : now;
  const from = parsed.from ? new Date(parsed.from) : new Date(to.getTime() - DEFAULT_WINDOW_MS);
  checkWindow(from, to);
  return parsed.brand === undefined ? { from, to } : { from, to, brand: parsed.brand };
}
