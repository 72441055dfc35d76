export {
  DurationPercentilesSchema,
  SlaClockSchema,
  StatsReportSchema,
  TeamBacklogSchema,
  UrgentItemSchema,
  type DurationPercentiles,
  type SlaClock,
  type StatsReport,
  type TeamBacklog,
  type UrgentItem,
} from './schema.js';
export { computeStats, listTopUrgentItems, summarizeShareOfVoice, type BrandInfo, type Queryable, type StatsOptions } from './stats.js';
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
