import type { Mention } from '@earshot/domain';
import { z } from 'zod';
import type { Connector, ConnectorContext, CursorValue, PollResult } from './connector.js';
import { newestCreatedAt, selectMentions, type Candidate } from './normalise.js';

/** What one request to one feed brought back. */
export interface FeedStep<S, Q> {
  candidates: Candidate[];
  state: S;
  /** State shared by every feed of the source (YouTube's daily quota). */
  shared?: Q;
  /** More pages are waiting: poll again as soon as the platform allows. */
  more: boolean;
  fetched: number;
  skipped: number;
  /** The wait the platform's rate-limit headers ask for before the next request (ms). */
  platformWaitMs?: number;
}

/**
 * A feed that cannot be read until someone changes something (an RSS URL
 * that answers 404, a video with comments turned off). It is logged and
 * counted as polled, so the source's other feeds go on.
 */
export class FeedUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FeedUnavailableError';
  }
}

/**
 * A platform polled by pages over one or more feeds (hashtags, videos,
 * subreddit comments and search, feed URLs). Each `step` makes one request.
 */
export interface PagedPlatform<S, Q = undefined> {
  readonly feeds: readonly string[];
  readonly stateSchema: z.ZodType<S>;
  /** The state of a feed never polled: reach back `backfill`. */
  initialState(feed: string, now: number): S;
  step(feed: string, state: S, shared: Q, signal: AbortSignal | undefined): Promise<FeedStep<S, Q>>;
  /** State shared by the feeds, when the platform needs some (a quota). */
  readonly sharedSchema?: z.ZodType<Q>;
  initialShared?(now: number): Q;
  /**
   * Fills in what listings lack (follower counts) for the posts that matched
   * only, so lookups are spent on mentions. Best effort: it must not throw.
   */
  enrich?(mentions: Mention[], shared: Q, signal: AbortSignal | undefined): Promise<{ mentions: Mention[]; shared: Q }>;
  /** A wait the shared state imposes after the poll, lookups included (YouTube's quota pacing), in ms. */
  sharedWaitMs?(shared: Q, now: number): number;
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
const PagedCursorSchema = z.object({ feeds: z.record(z.string(), FeedEntrySchema), shared: z.unknown().optional() });
type FeedEntry = z.infer<typeof FeedEntrySchema>;

/**
 * A connector over feeds: each poll asks one page of one feed (a feed with
 * pages waiting first, else the one asked least recently), so the cursor can
 * move after every page. The cursor is `{feeds: {<key>: {state, polledAt, more}}, shared?}`.
 */
export function pagedConnector<S, Q = undefined>(context: ConnectorContext, platform: PagedPlatform<S, Q>): Connector {
  // A feed whose last step failed goes to the back of the queue, so one broken feed does not starve the others.
  const failedAt = new Map<string, number>();
  return {
    sourceId: context.source.id,
    platform: context.source.platform,
    async poll({ cursor, signal }): Promise<PollResult> {
      const now = context.now();
      const stored = readCursor(cursor, context);
      const feeds = readFeeds(stored, platform, now, context);
      let shared = readShared(stored, platform, now);
      const feed = nextFeed(feeds, platform.feeds, failedAt, now, platform.everyMs);
      const entry = feeds.get(feed) as FeedEntry & { state: S };
      let step: FeedStep<S, Q>;
      try {
        step = await platform.step(feed, entry.state, shared, signal);
        failedAt.delete(feed);
      } catch (error) {
        if (!(error instanceof FeedUnavailableError)) {
          failedAt.set(feed, now);
          throw error;
        }
        context.logger.error({ feed, err: error }, 'feed unavailable; polling the source\'s other feeds');
        step = { candidates: [], state: entry.state, more: false, fetched: 0, skipped: 0 };
      }
      shared = step.shared ?? shared;
      feeds.set(feed, { state: step.state, polledAt: now, more: step.more });
      const selection = selectMentions(step.candidates, context);
      let mentions = selection.mentions;
      if (platform.enrich && mentions.length > 0) ({ mentions, shared } = await platform.enrich(mentions, shared, signal));
      const scheduleWait = Math.min(
        ...platform.feeds.map((key) => {
          const { polledAt, more } = feeds.get(key) as FeedEntry;
          return more || polledAt === undefined ? 0 : polledAt + platform.everyMs - now;
        }),
      );
      const next: CursorValue = { feeds: Object.fromEntries(feeds) };
      if (shared !== undefined) next.shared = shared;
      return {
        mentions,
        cursor: next,
        waitMs: Math.max(platform.minIntervalMs, step.platformWaitMs ?? 0, platform.sharedWaitMs?.(shared, now) ?? 0, scheduleWait),
        fetched: step.fetched,
        skipped: step.skipped + selection.skipped,
        newestPostAt: newestCreatedAt(step.candidates),
      };
    },
    close: async () => undefined,
  };
}

function readCursor(cursor: unknown, context: ConnectorContext): z.infer<typeof PagedCursorSchema> | null {
  if (cursor === null || cursor === undefined) return null;
  const parsed = PagedCursorSchema.safeParse(cursor);
  if (parsed.success) return parsed.data;
  context.logger.warn('the stored cursor is unreadable; starting over with a backfill');
  return null;
}

/** The configured feeds' entries; a feed new to the config, or with a state this version cannot read, starts over. */
function readFeeds<S, Q>(stored: z.infer<typeof PagedCursorSchema> | null, platform: PagedPlatform<S, Q>, now: number, context: ConnectorContext): Map<string, FeedEntry> {
  const entries = new Map<string, FeedEntry>();
  for (const key of platform.feeds) {
    const entry = stored?.feeds[key];
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

function readShared<S, Q>(stored: z.infer<typeof PagedCursorSchema> | null, platform: PagedPlatform<S, Q>, now: number): Q {
  if (!platform.sharedSchema || !platform.initialShared) return undefined as Q;
  const parsed = platform.sharedSchema.safeParse(stored?.shared);
  return parsed.success ? parsed.data : platform.initialShared(now);
}

/**
 * The feed to ask now: among those due (pages waiting, never asked, or
 * `every` elapsed), one with pages waiting first, then the one tried least
 * recently, where a failure counts as a try; when none is due, the one due first.
 */
function nextFeed(feeds: Map<string, FeedEntry>, keys: readonly string[], failedAt: Map<string, number>, now: number, everyMs: number): string {
  const dueAt = (key: string) => {
    const entry = feeds.get(key);
    return entry?.more || entry?.polledAt === undefined ? Number.NEGATIVE_INFINITY : entry.polledAt + everyMs;
  };
  const lastTried = (key: string) => Math.max(feeds.get(key)?.polledAt ?? Number.NEGATIVE_INFINITY, failedAt.get(key) ?? Number.NEGATIVE_INFINITY);
  const earliest = (candidates: readonly string[], rank: (key: string) => number) =>
    candidates.reduce((chosen, key) => (rank(key) < rank(chosen) ? key : chosen), candidates[0] as string);
  const due = keys.filter((key) => dueAt(key) <= now);
  if (due.length === 0) return earliest(keys, dueAt);
  const withPages = due.filter((key) => feeds.get(key)?.more);
  return earliest(withPages.length > 0 ? withPages : due, lastTried);
}
