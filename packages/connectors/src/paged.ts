import { z } from 'zod';
import type { Connector, ConnectorContext, CursorValue, PollResult } from './connector.js';
import { newestCreatedAt, selectMentions, type Candidate } from './normalise.js';

/** What one request to one feed brought back. */
export interface FeedStep<S> {
  candidates: Candidate[];
  state: S;
  /** More pages are waiting: poll again as soon as the platform allows. */
  more: boolean;
  fetched: number;
  skipped: number;
  /** The wait the platform's rate-limit headers ask for before the next request (ms). */
  platformWaitMs?: number;
}

/**
 * A platform polled by pages over one or more feeds (hashtags, videos,
 * subreddit comments and search, feed URLs). Each `step` makes one request.
 */
export interface PagedPlatform<S> {
  readonly feeds: readonly string[];
  readonly stateSchema: z.ZodType<S>;
  /** The state of a feed never polled: reach back `backfill`. */
  initialState(feed: string, now: number): S;
  step(feed: string, state: S, signal: AbortSignal | undefined): Promise<FeedStep<S>>;
  /** How often each feed is polled once caught up (ms). */
  readonly everyMs: number;
  /** The politeness floor between two requests to the platform (ms). */
  readonly minIntervalMs: number;
}

const FeedEntrySchema = z.object({
  state: z.unknown(),
  /** When the feed was last asked, ms since the epoch. */
  polledAt: z.number().optional(),
  more: z.boolean().default(false),
});
const PagedCursorSchema = z.object({ feeds: z.record(z.string(), FeedEntrySchema) });
type FeedEntry = z.infer<typeof FeedEntrySchema>;

/**
 * A connector over feeds: each poll asks one page of one feed (a feed with
 * pages waiting first, else the one asked least recently), so the cursor can
 * move after every page. The cursor is `{feeds: {<key>: {state, polledAt, more}}}`.
 */
export function pagedConnector<S>(context: ConnectorContext, platform: PagedPlatform<S>): Connector {
  return {
    sourceId: context.source.id,
    platform: context.source.platform,
    async poll({ cursor, signal }): Promise<PollResult> {
      const now = context.now();
      const feeds = readFeeds(cursor, platform, now, context);
      const feed = nextFeed(feeds, platform.feeds);
      const entry = feeds.get(feed) as FeedEntry & { state: S };
      const step = await platform.step(feed, entry.state, signal);
      feeds.set(feed, { state: step.state, polledAt: now, more: step.more });
      const selection = selectMentions(step.candidates, context);
      const scheduleWait = Math.min(
        ...platform.feeds.map((key) => {
          const { polledAt, more } = feeds.get(key) as FeedEntry;
          return more || polledAt === undefined ? 0 : polledAt + platform.everyMs - now;
        }),
      );
      return {
        mentions: selection.mentions,
        cursor: { feeds: Object.fromEntries(feeds) } satisfies CursorValue,
        waitMs: Math.max(platform.minIntervalMs, step.platformWaitMs ?? 0, scheduleWait),
        fetched: step.fetched,
        skipped: step.skipped + selection.skipped,
        newestPostAt: newestCreatedAt(step.candidates),
      };
    },
    close: async () => undefined,
  };
}

/** The configured feeds' entries; a feed new to the config, or with a state this version cannot read, starts over. */
function readFeeds<S>(cursor: unknown, platform: PagedPlatform<S>, now: number, context: ConnectorContext): Map<string, FeedEntry> {
  const stored = cursor === null || cursor === undefined ? null : PagedCursorSchema.safeParse(cursor);
  if (stored && !stored.success) context.logger.warn('the stored cursor is unreadable; starting over with a backfill');
  const entries = new Map<string, FeedEntry>();
  for (const key of platform.feeds) {
    const entry = stored?.success ? stored.data.feeds[key] : undefined;
    const state = entry === undefined ? undefined : platform.stateSchema.safeParse(entry.state);
    if (entry && state?.success) {
      entries.set(key, { ...entry, state: state.data });
      continue;
    }
    if (entry) context.logger.warn({ feed: key }, 'the stored cursor of this feed is unreadable; starting it over with a backfill');
    entries.set(key, { state: platform.initialState(key, now), more: false });
  }
  return entries;
}

function nextFeed(feeds: Map<string, FeedEntry>, keys: readonly string[]): string {
  const withPages = keys.find((key) => feeds.get(key)?.more);
  if (withPages !== undefined) return withPages;
  let oldest = keys[0] as string;
  for (const key of keys) {
    if ((feeds.get(key)?.polledAt ?? Number.NEGATIVE_INFINITY) < (feeds.get(oldest)?.polledAt ?? Number.NEGATIVE_INFINITY)) oldest = key;
  }
  return oldest;
}
