import { z } from 'zod';

const isoTime = z.iso.datetime({ offset: true });
const count = z.number().int().nonnegative();
/** 0 … 1; null when there is nothing to divide by. */
const share = z.number().min(0).max(1).nullable();

/**
 * Percentiles of a response time over the items created in the window, in
 * seconds. `samples` is how many items had reached that point; the figures
 * are null when none had.
 */
export const DurationPercentilesSchema = z.strictObject({
  samples: count,
  median: z.number().nonnegative().nullable(),
  p90: z.number().nonnegative().nullable(),
});

/**
 * One SLA clock over the items created in the window that have an SLA:
 * `met` = reached before the due time, `missed` = reached late or overdue and
 * not reached yet, `pending` = not reached and not due yet. `rate` =
 * met / (met + missed).
 */
export const SlaClockSchema = z.strictObject({
  met: count,
  missed: count,
  pending: count,
  rate: share,
});

export const TeamBacklogSchema = z.strictObject({
  /** null: items no team took (no routing rule matched and no default). */
  teamId: z.string().nullable(),
  open: count,
  acknowledged: count,
  snoozed: count,
  unassigned: count,
  /** Unhandled items past a due time: ack (until acknowledged) or handle. */
  overdue: count,
  oldestCreatedAt: isoTime.nullable(),
});

/**
 * What `computeStats` returns and `GET /v1/stats` serves: plain JSON (ISO
 * times, numbers, null when a figure has no data).
 *
 * Mentions are counted by when they were posted (`mentions.created_at`),
 * items by when they were opened (`items.created_at`); both in [from, to).
 * A mention that matches two brands counts once in `volume.total` and once
 * for each brand in `byBrand` and `shareOfVoice`. The backlog is the state
 * now, not of the window.
 */
export const StatsReportSchema = z.strictObject({
  window: z.strictObject({
    from: isoTime,
    to: isoTime,
    /** The brand filter applied, or null for all brands. */
    brands: z.array(z.string()).nullable(),
    generatedAt: isoTime,
  }),
  volume: z.strictObject({
    total: count,
    byBrand: z.array(z.strictObject({ brandId: z.string(), count })),
    byPlatform: z.array(z.strictObject({ platform: z.string(), count })),
    overTime: z.strictObject({
      bucketSeconds: z.number().int().positive(),
      /** Every bucket of the window, empty ones included, oldest first. */
      buckets: z.array(z.strictObject({ start: isoTime, count })),
    }),
  }),
  sentimentMix: z.strictObject({
    negative: count,
    neutral: count,
    positive: count,
    /** Mentions stored without a classification. */
    unclassified: count,
    /** Shares of the classified mentions. */
    shares: z.strictObject({ negative: share, neutral: share, positive: share }),
  }),
  /**
   * Every configured brand's mentions in the window (the brand filter does not
   * apply: share of voice is a comparison), own brands against competitors.
   */
  shareOfVoice: z.strictObject({
    total: count,
    own: z.strictObject({ mentions: count, share }),
    competitors: z.strictObject({ mentions: count, share }),
    brands: z.array(z.strictObject({ brandId: z.string(), name: z.string(), competitor: z.boolean(), mentions: count, share })),
  }),
  /** From the item's creation to its acknowledgement (or handling, when it was handled without one). */
  timeToAcknowledge: DurationPercentilesSchema,
  /** From the item's creation to its handling. */
  timeToHandle: DurationPercentilesSchema,
  slaAttainment: z.strictObject({ acknowledge: SlaClockSchema, handle: SlaClockSchema }),
  breaches: z.strictObject({
    /** Items that missed either clock. */
    items: count,
    acknowledge: count,
    handle: count,
  }),
  backlog: z.array(TeamBacklogSchema),
});
export type StatsReport = z.infer<typeof StatsReportSchema>;
export type DurationPercentiles = z.infer<typeof DurationPercentilesSchema>;
export type SlaClock = z.infer<typeof SlaClockSchema>;
export type TeamBacklog = z.infer<typeof TeamBacklogSchema>;

/** The most urgent items of a window, for digests. */
export const UrgentItemSchema = z.strictObject({
  itemId: z.uuid(),
  priority: z.enum(['P1', 'P2', 'P3', 'P4']),
  urgency: z.number().int().min(0).max(100).nullable(),
  sentiment: z.enum(['negative', 'neutral', 'positive']).nullable(),
  state: z.enum(['open', 'acknowledged', 'snoozed', 'handled']),
  brandId: z.string().nullable(),
  platform: z.string(),
  authorHandle: z.string(),
  /** The mention's text, cut to 280 characters. */
  excerpt: z.string(),
  url: z.string().nullable(),
  createdAt: isoTime,
});
export type UrgentItem = z.infer<typeof UrgentItemSchema>;

/**
 * What `computeTrends` returns and `GET /v1/stats/trends` serves: the
 * dashboard's series. Every array of counts lines up with `bucketStarts`
 * (every bucket of [from, to), empty ones included, oldest first).
 */
export const StatsTrendsSchema = z.strictObject({
  window: z.strictObject({ from: isoTime, to: isoTime, generatedAt: isoTime }),
  bucketSeconds: z.number().int().positive(),
  bucketStarts: z.array(isoTime),
  /** Mentions per configured brand and bucket, own brands and competitors alike (share of voice over time). */
  brands: z.array(z.strictObject({ brandId: z.string(), name: z.string(), competitor: z.boolean(), counts: z.array(count) })),
  /** Mentions per sentiment label and bucket; `unclassified` were stored without a classification. */
  sentiment: z.strictObject({ negative: z.array(count), neutral: z.array(count), positive: z.array(count), unclassified: z.array(count) }),
  /** Per team (null: items no team took), over the items created in the window. */
  teams: z.array(
    z.strictObject({
      teamId: z.string().nullable(),
      items: count,
      timeToAcknowledge: DurationPercentilesSchema,
      timeToHandle: DurationPercentilesSchema,
      slaAttainment: z.strictObject({ acknowledge: SlaClockSchema, handle: SlaClockSchema }),
    }),
  ),
});
export type StatsTrends = z.infer<typeof StatsTrendsSchema>;
