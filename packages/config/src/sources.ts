import { z } from 'zod';
import { DurationSchema } from './duration.js';

const Id = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/i, 'must be an id of letters, digits, - and _');
const EnvVarName = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'must be the NAME of an environment variable (secrets never go in the config)');

/** Credentials name env vars, never values; each platform lists the names it reads. */
function credentials<const K extends string>(keys: readonly [K, ...K[]]) {
  return z.strictObject(Object.fromEntries(keys.map((key) => [key, EnvVarName.optional()])) as Record<K, z.ZodOptional<typeof EnvVarName>>);
}

/** Keys every source takes, whatever its platform. */
const common = {
  id: Id,
  /** How often to poll; each connector has a sensible default. */
  every: DurationSchema.optional(),
  /** Self-hosted instances and tests point a connector elsewhere. */
  baseUrl: z.url().optional(),
  /** How far back the first poll reaches. */
  backfill: DurationSchema.optional(),
  enabled: z.boolean().default(true),
  /** Platform-side pre-filter; the brands' own queries are still applied to every post. */
  query: z.string().min(1).optional(),
};

const nonEmptyStrings = z.array(z.string().min(1)).min(1);

export const SourceSchema = z.discriminatedUnion(
  'platform',
  [
    z.strictObject({ ...common, platform: z.literal('x'), credentials: credentials(['bearerToken']).optional() }),
    z.strictObject({
      ...common,
      platform: z.literal('reddit'),
      subreddits: nonEmptyStrings.optional(),
      userAgent: z.string().optional(),
      credentials: credentials(['clientId', 'clientSecret']).optional(),
    }),
    z.strictObject({ ...common, platform: z.literal('hackernews'), tags: z.array(z.enum(['story', 'comment'])).optional() }),
    z.strictObject({
      ...common,
      platform: z.literal('mastodon'),
      hashtags: nonEmptyStrings.optional(),
      credentials: credentials(['accessToken']).optional(),
    }),
    z.strictObject({ ...common, platform: z.literal('bluesky'), credentials: credentials(['identifier', 'appPassword']).optional() }),
    z.strictObject({
      ...common,
      platform: z.literal('bluesky-jetstream'),
      collections: nonEmptyStrings.optional(),
      /** AppView for handle and follower-count lookups of matching posts (the firehose carries only DIDs). */
      appViewUrl: z.url().optional(),
    }),
    z.strictObject({
      ...common,
      platform: z.literal('youtube'),
      videoIds: nonEmptyStrings.optional(),
      channelId: z.string().optional(),
      dailyQuota: z.number().int().positive().optional(),
      credentials: credentials(['apiKey']).optional(),
    }),
    z.strictObject({ ...common, platform: z.literal('rss'), url: z.url().optional(), urls: z.array(z.url()).min(1).optional() }),
    z.strictObject({
      ...common,
      platform: z.literal('stackexchange'),
      site: z.string().default('stackoverflow'),
      tagged: nonEmptyStrings.optional(),
      credentials: credentials(['key']).optional(),
    }),
    z.strictObject({ ...common, platform: z.literal('file'), path: z.string().min(1) }),
  ],
  {
    error: (issue) =>
      issue.code === 'invalid_union'
        ? 'platform must be one of x, reddit, hackernews, mastodon, bluesky, bluesky-jetstream, youtube, rss, stackexchange, file'
        : undefined,
  },
);
export type SourceConfig = z.infer<typeof SourceSchema>;
export type SourcePlatform = SourceConfig['platform'];
