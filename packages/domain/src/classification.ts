import { z } from 'zod';
import { MentionSchema } from './mention.js';

export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;
export const SentimentLabelSchema = z.enum(SENTIMENT_LABELS);
export type SentimentLabel = z.infer<typeof SentimentLabelSchema>;

export const CATEGORIES = ['complaint', 'question', 'praise', 'lead', 'crisis', 'spam', 'other'] as const;
export const CategorySchema = z.enum(CATEGORIES);
export type Category = z.infer<typeof CategorySchema>;

export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export const PrioritySchema = z.enum(PRIORITIES);
export type Priority = z.infer<typeof PrioritySchema>;

export const SentimentSchema = z.strictObject({
  label: SentimentLabelSchema,
  /** -1 (most negative) … 1 (most positive). */
  score: z.number().min(-1).max(1),
  /** 0 … 1: the model's probability for `label`. */
  confidence: z.number().min(0).max(1),
});
export type Sentiment = z.infer<typeof SentimentSchema>;

export const UrgencySchema = z.strictObject({
  score: z.number().int().min(0).max(100),
  reasons: z.array(z.string()),
});
export type Urgency = z.infer<typeof UrgencySchema>;

export const ClassificationSchema = z.strictObject({
  sentiment: SentimentSchema,
  urgency: UrgencySchema,
  category: CategorySchema,
  priority: PrioritySchema,
  modelVersion: z.string().min(1),
  classifiedAt: z.iso.datetime({ offset: true }),
});
export type Classification = z.infer<typeof ClassificationSchema>;

/** What the classifier publishes on `mentions.classified`. */
export const ClassifiedMentionSchema = z.strictObject({
  id: z.string().min(1),
  mention: MentionSchema,
  classification: ClassificationSchema,
  /** Set when this mention is a near-duplicate of an earlier one (repost, syndicated story). */
  burstOf: z.string().min(1).optional(),
});
export type ClassifiedMention = z.infer<typeof ClassifiedMentionSchema>;
