export {
  DurationPercentilesSchema,
  SlaClockSchema,
  StatsReportSchema,
  StatsTrendsSchema,
  TeamBacklogSchema,
  UrgentItemSchema,
  type DurationPercentiles,
  type SlaClock,
  type StatsReport,
  type StatsTrends,
  type TeamBacklog,
  type UrgentItem,
} from './schema.js';
export { computeStats, computeTrends, listTopUrgentItems, summarizeShareOfVoice, type BrandInfo, type Queryable, type StatsOptions, type TrendsOptions } from './stats.js';
export {
  bucketStarts,
  checkWindow,
  chooseBucketSeconds,
  MAX_BUCKETS,
  MAX_WINDOW_DAYS,
  parseStatsQuery,
  StatsQueryError,
  StatsQuerySchema,
  type StatsWindow,
} from './window.js';
