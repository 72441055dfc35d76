import { z } from 'zod';
import { summarizeZodError } from './validation.js';

/** Lower-case slug: known platforms (x, reddit, hackernews, …) and any other system pushing mentions in. */
export const PlatformSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a lower-case platform name like "x" or "reddit"');
export type Platform = z.infer<typeof PlatformSchema>;

const count = z.number().int().nonnegative();
const isoTime = z.iso.datetime({ offset: true });

export const AuthorSchema = z.strictObject({
  handle: z.string().min(1).max(200),
  name: z.string().max(300).optional(),
  url: z.url().optional(),
  followers: count.optional(),
  verified: z.boolean().optional(),
});
export type Author = z.infer<typeof AuthorSchema>;

export const EngagementSchema = z.strictObject({
  likes: count.optional(),
  reposts: count.optional(),
  replies: count.optional(),
  quotes: count.optional(),
  views: count.optional(),
});
export type Engagement = z.infer<typeof EngagementSchema>;

/** A pointer to another post on the same platform (the post replied to or quoted). */
export const PostRefSchema = z.strictObject({
  externalId: z.string().min(1).max(200),
  url: z.url().optional(),
});

/**
 * A mention as every ingestor publishes it on `mentions.raw` and as
 * `POST /v1/mentions` accepts it. Identity is platform + externalId.
 */
export const MentionSchema = z.strictObject({
  platform: PlatformSchema,
  externalId: z.string().min(1).max(200),
  url: z.url().optional(),
  title: z.string().max(1000).optional(),
  text: z.string().max(40_000),
  lang: z
    .string()
    .regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a BCP 47 language tag like "en" or "pt-BR"')
    .optional(),
  author: AuthorSchema,
  createdAt: isoTime,
  engagement: EngagementSchema.default({}),
  inReplyTo: PostRefSchema.optional(),
  quoteOf: PostRefSchema.optional(),
  matchedBrands: z.array(z.string().min(1)).default([]),
  sourceId: z.string().min(1).optional(),
});
export type Mention = z.infer<typeof MentionSchema>;
export type MentionInput = z.input<typeof MentionSchema>;

/** The one spelling of a mention's id, used as the Kafka key and the database key. */
export function mentionId(mention: Pick<Mention, 'platform' | 'externalId'>): string {
  return `${mention.platform}:${mention.externalId}`;
}

/** One NDJSON line as a mention, or the reason it is not one (for messages naming the line). */
export function parseMentionLine(line: string): Mention | string {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return 'not valid JSON';
  }
  const parsed = MentionSchema.safeParse(json);
  return parsed.success ? parsed.data : summarizeZodError(parsed.error);
}
