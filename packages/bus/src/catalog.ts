import { ClassifiedMentionSchema, DeadLetterSchema, MentionSchema, SpikeAlertSchema } from '@earshot/domain';
import type { z } from 'zod';

/** Every topic Earshot uses and the schema its values must satisfy, on both ends. */
export const TOPIC_CATALOG = {
  'mentions.raw': MentionSchema,
  'mentions.classified': ClassifiedMentionSchema,
  'mentions.dlq': DeadLetterSchema,
  /** Added to DESIGN.md's three: possible crises, from the classifier to the router. */
  'alerts.spikes': SpikeAlertSchema,
} as const;

export type TopicName = keyof typeof TOPIC_CATALOG;
export type TopicValue<T extends TopicName> = z.output<(typeof TOPIC_CATALOG)[T]>;
export type TopicInput<T extends TopicName> = z.input<(typeof TOPIC_CATALOG)[T]>;

export const DEAD_LETTER_TOPIC = 'mentions.dlq' satisfies TopicName;
export const TOPIC_NAMES = Object.keys(TOPIC_CATALOG) as TopicName[];
