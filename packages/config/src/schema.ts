import { CategorySchema, PrioritySchema } from '@earshot/domain';
import cron from 'node-cron';
import { z } from 'zod';
import { DurationSchema } from './duration.js';
import { EscalationStepSchema } from './escalation.js';
import { SourceSchema } from './sources.js';
import { CalendarDateSchema, TimeZoneSchema, WorkingHoursSchema } from './time.js';

const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be an id of letters, digits, - and _');
const Language = z.string().regex(/^[a-z]{2,3}$/, 'must be a two- or three-letter language code like "en"');

export const BrandSchema = z.strictObject({
  id: Id,
  name: z.string().min(1),
  query: z.string().min(1, 'must not be empty'),
  /** Competitors are tracked for share of voice; their mentions carry no SLA unless a rule says so. */
  competitor: z.boolean().default(false),
});

export const ResponderSchema = z.strictObject({
  id: Id,
  name: z.string().min(1),
  email: z.email().optional(),
  slackUserId: z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id like U0123ABCD').optional(),
  languages: z.array(Language).min(1).default(['en']),
  skills: z.array(z.string().min(1)).default([]),
  timezone: TimeZoneSchema.optional(),
  /** Personal working hours; otherwise the team's hours apply. */
  hours: WorkingHoursSchema.optional(),
});

export const TeamSchema = z.strictObject({
  id: Id,
  name: z.string().optional(),
  members: z.array(Id).min(1, 'a team needs at least one member'),
  lead: Id.optional(),
  slackChannel: z.string().regex(/^[CGD][A-Z0-9]+$|^#[a-z0-9_-]+$/, 'must be a Slack channel id like C0123ABCD or a name like #support').optional(),
  strategy: z.enum(['least-loaded', 'round-robin']).default('round-robin'),
  maxOpenPerResponder: z.number().int().positive().optional(),
  onCall: Id.optional(),
  hours: WorkingHoursSchema.optional(),
  holidays: z.array(CalendarDateSchema).default([]),
  managerEmail: z.email().optional(),
});

export const RoutingMatchSchema = z.strictObject({
  brand: z.array(Id).min(1).optional(),
  competitor: z.boolean().optional(),
  platform: z.array(z.string().min(1)).min(1).optional(),
  category: z.array(CategorySchema).min(1).optional(),
  priority: z.array(PrioritySchema).min(1).optional(),
  language: z.array(Language).min(1).optional(),
  /** Whole words, case-insensitive; any one of them matches. */
  keywords: z.array(z.string().min(1)).min(1).optional(),
  minFollowers: z.number().int().nonnegative().optional(),
  maxFollowers: z.number().int().nonnegative().optional(),
  /** VIP lists: author handles (without @) that this rule catches. */
  authors: z.array(z.string().min(1)).min(1).optional(),
  verified: z.boolean().optional(),
});

export const RoutingRuleSchema = z.strictObject({
  name: z.string().min(1),
  /** No `match` means the rule matches everything: the default. */
  match: RoutingMatchSchema.optional(),
  team: Id,
  /** `none` routes without SLA clocks or escalation (analysis, thank-you queues). */
  sla: z.enum(['default', 'none']).default('default'),
  /** Override the classifier's priority, e.g. every VIP mention is P2 at least. */
  priority: PrioritySchema.optional(),
});

const SlaTargetSchema = z.strictObject({
  ack: DurationSchema,
  handle: DurationSchema,
  /** Count only the assigned team's working hours. */
  businessHours: z.boolean().default(false),
});

export const SlaSchema = z
  .strictObject({ P1: SlaTargetSchema.optional(), P2: SlaTargetSchema.optional(), P3: SlaTargetSchema.optional(), P4: SlaTargetSchema.optional() })
  .default({});

export const PrioritiesSchema = z
  .strictObject({
    P1: z.number().min(0).max(100).default(80),
    P2: z.number().min(0).max(100).default(60),
    P3: z.number().min(0).max(100).default(30),
  })
  .default({ P1: 80, P2: 60, P3: 30 })
  .refine((t) => t.P1 > t.P2 && t.P2 > t.P3, { message: 'urgency thresholds must decrease: P1 > P2 > P3' });

const DigestRecipient = z.string().regex(/^(slack:[CGD#][A-Za-z0-9_-]+|email:[^@\s]+@[^@\s]+)$/, 'must be slack:CHANNEL or email:ADDRESS');

export const DigestSchema = z.strictObject({
  name: z.string().optional(),
  cron: z.string().refine((expression) => cron.validate(expression), {
    error: (issue) => `"${String(issue.input)}" is not a cron expression; write e.g. "0 9 * * 1-5"`,
  }),
  timezone: TimeZoneSchema.default('UTC'),
  to: z.array(DigestRecipient).min(1),
  brands: z.array(Id).optional(),
});

export const NoiseSchema = z
  .strictObject({
    mutedAuthors: z.array(z.string().min(1)).default([]),
    mutedDomains: z.array(z.string().min(1)).default([]),
    mutedWords: z.array(z.string().min(1)).default([]),
  })
  .default({ mutedAuthors: [], mutedDomains: [], mutedWords: [] });

export const ConfigSchema = z
  .strictObject({
    brands: z.array(BrandSchema).min(1, 'list at least one brand to listen for'),
    sources: z.array(SourceSchema).default([]),
    responders: z.array(ResponderSchema).default([]),
    teams: z.array(TeamSchema).default([]),
    routing: z.array(RoutingRuleSchema).default([]),
    sla: SlaSchema,
    priorities: PrioritiesSchema,
    escalation: z.array(EscalationStepSchema).default([]),
    digests: z.array(DigestSchema).default([]),
    noise: NoiseSchema,
  });

export type EarshotConfig = z.infer<typeof ConfigSchema>;
export type BrandConfig = z.infer<typeof BrandSchema>;
export type ResponderConfig = z.infer<typeof ResponderSchema>;
export type TeamConfig = z.infer<typeof TeamSchema>;
export type RoutingRule = z.infer<typeof RoutingRuleSchema>;
export type RoutingMatch = z.infer<typeof RoutingMatchSchema>;
export type SlaTarget = z.infer<typeof SlaTargetSchema>;
export type DigestConfig = z.infer<typeof DigestSchema>;
export type NoiseConfig = z.infer<typeof NoiseSchema>;
