export { DurationSchema, formatDuration, parseDuration } from './duration.js';
export {
  EscalationStepSchema,
  parseEscalationWhen,
  parseNotifyTarget,
  type EscalationStep,
  type EscalationWhen,
  type NotifyTarget,
} from './escalation.js';
export {
  ConfigError,
  formatIssue,
  loadConfig,
  parseConfigText,
  readConfigFile,
  resolveConfigPath,
  type ConfigIssue,
  type ConfigResult,
} from './load.js';
export type { ConfigProblem } from './references.js';
export {
  ConfigSchema,
  type BrandConfig,
  type DigestConfig,
  type EarshotConfig,
  type NoiseConfig,
  type ResponderConfig,
  type RoutingMatch,
  type RoutingRule,
  type SlaTarget,
  type TeamConfig,
} from './schema.js';
export { SourceSchema, type SourceConfig, type SourcePlatform } from './sources.js';
export { isValidTimeZone, parseClock, parseWeekdays, TimeZoneSchema, WorkingHoursSchema, type WorkingHours } from './time.js';
export { DEMO_CONFIG_YAML } from './demo.js';
