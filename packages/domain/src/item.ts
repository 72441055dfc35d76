import { z } from 'zod';
import { CategorySchema, PrioritySchema } from './classification.js';

export const ITEM_STATES = ['open', 'acknowledged', 'snoozed', 'handled'] as const;
export const ItemStateSchema = z.enum(ITEM_STATES);
export type ItemState = z.infer<typeof ItemStateSchema>;

const isoTime = z.iso.datetime({ offset: true });

/** One unit of work for a responder: a mention (or a burst of near-duplicates) to answer. */
export const ItemSchema = z.strictObject({
  id: z.uuid(),
  mentionId: z.string().min(1),
  brandId: z.string().nullable(),
  state: ItemStateSchema,
  priority: PrioritySchema,
  category: CategorySchema,
  teamId: z.string().nullable(),
  assigneeId: z.string().nullable(),
  /** Number of mentions grouped into this item (1 + near-duplicates). */
  mentionCount: z.number().int().positive(),
  ackDueAt: isoTime.nullable(),
  handleDueAt: isoTime.nullable(),
  snoozedUntil: isoTime.nullable(),
  createdAt: isoTime,
  acknowledgedAt: isoTime.nullable(),
  handledAt: isoTime.nullable(),
});
export type Item = z.infer<typeof ItemSchema>;

export const TIMELINE_EVENT_TYPES = [
  'created',
  'routed',
  'assigned',
  'queued',
  'reassigned',
  'acknowledged',
  'snoozed',
  'unsnoozed',
  'handled',
  'note',
  'escalated',
  'notified',
  'notification_failed',
  'sla_breached',
  'burst_grouped',
] as const;
export const TimelineEventTypeSchema = z.enum(TIMELINE_EVENT_TYPES);
export type TimelineEventType = z.infer<typeof TimelineEventTypeSchema>;

/** Who caused a change and through which door. */
export const ActorSchema = z.strictObject({
  kind: z.enum(['system', 'responder', 'admin']),
  id: z.string().nullable(),
  via: z.enum(['system', 'api', 'slack', 'web', 'cli']),
});
export type Actor = z.infer<typeof ActorSchema>;

export const TimelineEventSchema = z.strictObject({
  id: z.string(),
  itemId: z.uuid(),
  at: isoTime,
  type: TimelineEventTypeSchema,
  actor: ActorSchema,
  /** Human-readable explanation, e.g. why a rule matched or who was picked. */
  message: z.string(),
  data: z.record(z.string(), z.unknown()).default({}),
});
export type TimelineEvent = z.infer<typeof TimelineEventSchema>;

export const SYSTEM_ACTOR: Actor = Object.freeze({ kind: 'system', id: null, via: 'system' });
