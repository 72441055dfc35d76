import type { SourceConfig } from '@earshot/config';
import type { Mention } from '@earshot/domain';
import { z } from 'zod';
import type { Connector, ConnectorContext } from '../connector.js';
import { ConnectorError, RateLimitedError, SourceConfigError } from '../errors.js';
import { httpRequest, parsePage, readJson, statusError, type HttpResponse } from '../http.js';
import { count, htmlToPlainText, isoTime, parseItems, type Candidate } from '../normalise.js';
import { initialNewestFirst, NewestFirstCursorSchema, stepNewestFirst, type NewestFirstCursor } from '../newest-first.js';
import { FeedUnavailableError, pagedConnector, type FeedStep } from '../paged.js';
import { dayIn, msUntilMidnight } from '../rate-limit.js';
import { backfillMs, baseUrl, everyMs, requireCredential } from '../settings.js';

type YouTubeSource = Extract<SourceConfig, { platform: 'youtube' }>;

/** Quota days start at midnight Pacific time. */
const QUOTA_TIME_ZONE = 'America/Los_Angeles';
/** The default daily quota of a Google Cloud project, in units. */
const DEFAULT_DAILY_QUOTA = 10_000;
/** commentThreads.list and channels.list each cost one unit. */
const UNITS_PER_CALL = 1;
const MIN_INTERVAL_MS = 1_000;
const OVERLAP_MS = 60_000;
/** channels.list takes at most 50 ids per call. */
const CHANNEL_BATCH = 50;

const CommentSnippetSchema = z.object({
  videoId: z.string().optional(),
  textOriginal: z.string().optional(),
  textDisplay: z.string().optional(),
  authorDisplayName: z.string().min(1),
  authorChannelUrl: z.string().optional(),
  authorChannelId: z.object({ value: z.string() }).optional(),
  likeCount: z.number().optional(),
  publishedAt: z.string(),
});
const ThreadSchema = z.object({
  id: z.string().min(1),
  snippet: z.object({
    videoId: z.string().optional(),
    totalReplyCount: z.number().optional(),
    topLevelComment: z.object({ id: z.string().min(1), snippet: CommentSnippetSchema }),
  }),
});
const PageSchema = z.object({ nextPageToken: z.string().optional(), items: z.array(z.unknown()) });
const ErrorSchema = z.object({ error: z.object({ code: z.number().optional(), message: z.string().optional(), errors: z.array(z.object({ reason: z.string() })).optional() }) });
const ChannelsSchema = z.object({
  items: z.array(z.object({ id: z.string(), statistics: z.object({ subscriberCount: z.unknown(), hiddenSubscriberCount: z.boolean().optional() }).optional() })).default([]),
});

/** Units spent on the current Pacific day; kept in the cursor so a restart does not forget them. */
const QuotaSchema = z.object({ day: z.string(), used: z.number().int().nonnegative() });
type Quota = z.infer<typeof QuotaSchema>;

/**
 * YouTube Data API v3 `commentThreads.list` (order=time) for each of
 * `videoIds` and for `channelId` (every thread on the channel), paged down to
 * the mark. There are no rate-limit headers; the daily quota is counted here
 * and spread over the rest of the day, and a 403 `quotaExceeded` waits for
 * the next Pacific midnight.
 */
export function createYouTubeConnector(context: ConnectorContext<YouTubeSource>): Connector {
  const { source } = context;
  const apiKey = requireCredential(context, 'apiKey');
  const base = `${baseUrl(source, 'https://www.googleapis.com')}/youtube/v3`;
  const dailyQuota = source.dailyQuota ?? DEFAULT_DAILY_QUOTA;
  const feeds = [...(source.videoIds ?? []).map((id) => `video:${id}`), ...(source.channelId ? [`channel:${source.channelId}`] : [])];
  if (feeds.length === 0) throw new SourceConfigError(`source "${source.id}": a youtube source needs videoIds, a channelId, or both`);

  function today(quota: Quota, now: number): Quota {
    const day = dayIn(now, QUOTA_TIME_ZONE);
    return quota.day === day ? quota : { day, used: 0 };
  }

  /** Spread what is left of today's quota over what is left of the day. */
  function quotaWait(quota: Quota, now: number): number {
    const untilMidnight = msUntilMidnight(now, QUOTA_TIME_ZONE);
    const left = dailyQuota - quota.used;
    return left <= 0 ? untilMidnight : Math.ceil(untilMidnight / left);
  }

  async function call(url: URL, quota: Quota, signal: AbortSignal | undefined): Promise<{ response: HttpResponse; quota: Quota }> {
    const now = context.now();
    const current = today(quota, now);
    if (current.used + UNITS_PER_CALL > dailyQuota) {
      throw new RateLimitedError(`the daily quota of ${dailyQuota} units is spent`, { retryAfterMs: msUntilMidnight(now, QUOTA_TIME_ZONE) });
    }
    url.searchParams.set('key', apiKey);
    const response = await httpRequest(url, { signal }, context.requestTimeoutMs);
    return { response, quota: { day: current.day, used: current.used + UNITS_PER_CALL } };
  }

  async function step(feed: string, state: NewestFirstCursor, shared: Quota, signal: AbortSignal | undefined): Promise<FeedStep<NewestFirstCursor, Quota>> {
    const [kind, id] = feed.split(':') as ['video' | 'channel', string];
    const url = new URL(`${base}/commentThreads`);
    url.searchParams.set('part', 'snippet');
    url.searchParams.set(kind === 'video' ? 'videoId' : 'allThreadsRelatedToChannelId', id);
    url.searchParams.set('maxResults', '100');
    url.searchParams.set('order', 'time');
    url.searchParams.set('textFormat', 'plainText');
    if (source.query !== undefined) url.searchParams.set('searchTerms', source.query);
    if (state.walk) url.searchParams.set('pageToken', state.walk.page);
    const { response, quota } = await call(url, shared, signal);
    if (response.status !== 200) throw youtubeError(response, context.now(), feed);

    const page = parsePage(PageSchema, readJson(response), response.where);
    const threads = parseItems(ThreadSchema, page.items, context, response.where);
    const walk = stepNewestFirst(
      state,
      threads.items.map((thread) => ({ id: thread.snippet.topLevelComment.id, at: Date.parse(thread.snippet.topLevelComment.snippet.publishedAt) })),
      page.nextPageToken,
      OVERLAP_MS,
    );
    return {
      candidates: threads.items.filter((thread) => walk.fresh.has(thread.snippet.topLevelComment.id)).map(toCandidate),
      state: walk.cursor,
      shared: quota,
      more: walk.more,
      fetched: threads.items.length,
      skipped: threads.skipped,
    };
  }

  /** Subscriber counts of the matching comments' authors: one unit per 50 channels, skipped when the quota is short. */
  async function enrich(mentions: Mention[], shared: Quota, signal: AbortSignal | undefined): Promise<{ mentions: Mention[]; shared: Quota }> {
    const channels = [...new Set(mentions.map(channelOf).filter((id): id is string => id !== undefined))];
    const subscribers = new Map<string, number>();
    let quota = shared;
    for (let start = 0; start < channels.length; start += CHANNEL_BATCH) {
      const url = new URL(`${base}/channels`);
      url.searchParams.set('part', 'statistics');
      url.searchParams.set('id', channels.slice(start, start + CHANNEL_BATCH).join(','));
      try {
        const result = await call(url, quota, signal);
        quota = result.quota;
        if (result.response.status !== 200) throw youtubeError(result.response, context.now(), 'channels');
        for (const channel of ChannelsSchema.parse(readJson(result.response)).items) {
          const subscriberCount = channel.statistics?.hiddenSubscriberCount ? undefined : count(channel.statistics?.subscriberCount);
          if (subscriberCount !== undefined) subscribers.set(channel.id, subscriberCount);
        }
      } catch (error) {
        context.logger.warn({ err: error }, 'channel lookup failed; publishing without subscriber counts');
        break;
      }
    }
    return {
      mentions: mentions.map((mention) => {
        const followers = subscribers.get(channelOf(mention) ?? '');
        return followers === undefined ? mention : { ...mention, author: { ...mention.author, followers } };
      }),
      shared: quota,
    };
  }

  return pagedConnector<NewestFirstCursor, Quota>(context, {
    feeds,
    stateSchema: NewestFirstCursorSchema,
    initialState: (_feed, now) => initialNewestFirst(now, backfillMs(source)),
    sharedSchema: QuotaSchema,
    initialShared: (now) => ({ day: dayIn(now, QUOTA_TIME_ZONE), used: 0 }),
    step,
    enrich,
    sharedWaitMs: (quota, now) => quotaWait(today(quota, now), now),
    everyMs: everyMs(source),
    minIntervalMs: MIN_INTERVAL_MS,
  });
}

const CHANNEL_URL = 'https://www.youtube.com/channel/';

function channelOf(mention: Mention): string | undefined {
  return mention.author.url?.startsWith(CHANNEL_URL) ? mention.author.url.slice(CHANNEL_URL.length) : undefined;
}

/** Quota errors are 403s with a reason: `quotaExceeded` waits for the new day, `rateLimitExceeded` backs off. */
function youtubeError(response: HttpResponse, now: number, feed: string): ConnectorError {
  let reason: string | undefined;
  try {
    reason = ErrorSchema.parse(readJson(response)).error.errors?.[0]?.reason;
  } catch {
    return statusError(response, now);
  }
  if (reason === 'quotaExceeded' || reason === 'dailyLimitExceeded') {
    return new RateLimitedError(`${response.where}: the project's daily quota is spent`, { status: response.status, retryAfterMs: msUntilMidnight(now, QUOTA_TIME_ZONE) });
  }
  if (reason === 'rateLimitExceeded' || reason === 'userRateLimitExceeded') {
    return new RateLimitedError(`${response.where}: ${reason}`, { status: response.status });
  }
  if (reason === 'commentsDisabled' || reason === 'videoNotFound' || reason === 'channelNotFound') {
    throw new FeedUnavailableError(`${feed}: ${reason}`);
  }
  return statusError(response, now);
}

function toCandidate(thread: z.infer<typeof ThreadSchema>): Candidate {
  const comment = thread.snippet.topLevelComment;
  const videoId = comment.snippet.videoId ?? thread.snippet.videoId;
  const channelId = comment.snippet.authorChannelId?.value;
  const watch = videoId === undefined ? undefined : `https://www.youtube.com/watch?v=${encodeURIComponent(videoId)}`;
  return {
    platform: 'youtube',
    externalId: comment.id,
    url: watch === undefined ? undefined : `${watch}&lc=${encodeURIComponent(comment.id)}`,
    text: comment.snippet.textOriginal ?? htmlToPlainText(comment.snippet.textDisplay),
    author: {
      handle: comment.snippet.authorDisplayName.replace(/^@/, '') || comment.snippet.authorDisplayName,
      name: comment.snippet.authorDisplayName,
      url: channelId ? `${CHANNEL_URL}${channelId}` : comment.snippet.authorChannelUrl,
    },
    createdAt: isoTime(comment.snippet.publishedAt) ?? comment.snippet.publishedAt,
    engagement: { likes: count(comment.snippet.likeCount), replies: count(thread.snippet.totalReplyCount) },
    inReplyTo: videoId === undefined || watch === undefined ? undefined : { externalId: videoId, url: watch },
  };
}
