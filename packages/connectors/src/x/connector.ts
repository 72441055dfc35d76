import type { SourceConfig } from '@earshot/config';
import { z } from 'zod';
import type { Connector, ConnectorContext } from '../connector.js';
import { RateLimitedError } from '../errors.js';
import { httpRequest, parsePage, readJson, statusError } from '../http.js';
import { count, isoTime, languageTag, parseItems, type Candidate } from '../normalise.js';
import { pagedConnector, type FeedStep } from '../paged.js';
import { numberHeader, untilEpochSecondsHeader } from '../rate-limit.js';
import { backfillMs, baseUrl, everyMs, requireCredential, requireQuery } from '../settings.js';

type XSource = Extract<SourceConfig, { platform: 'x' }>;

/** Recent search covers the last 7 days; a start_time older than that is refused. */
const RECENT_SEARCH_WINDOW_MS = 7 * 24 * 3_600_000 - 60_000;
/** 450 requests per 15 minutes per app: one every 2 s keeps a source inside it. */
const MIN_INTERVAL_MS = 2_000;

const TweetSchema = z.object({
  id: z.string().regex(/^\d+$/, 'must be a numeric tweet id'),
  text: z.string(),
  author_id: z.string(),
  created_at: z.string(),
  lang: z.string().optional(),
  public_metrics: z
    .object({ retweet_count: z.unknown(), reply_count: z.unknown(), like_count: z.unknown(), quote_count: z.unknown(), impression_count: z.unknown() })
    .partial()
    .optional(),
  referenced_tweets: z.array(z.object({ type: z.string(), id: z.string() })).optional(),
});

const UserSchema = z.object({
  id: z.string(),
  username: z.string().min(1),
  name: z.string().optional(),
  verified: z.boolean().optional(),
  public_metrics: z.object({ followers_count: z.unknown() }).partial().optional(),
});

const PageSchema = z.object({
  data: z.array(z.unknown()).optional(),
  includes: z.object({ users: z.array(z.unknown()).optional() }).optional(),
  meta: z.object({ newest_id: z.string().optional(), next_token: z.string().optional() }),
});

/**
 * Cursor: `since_id` = the newest id of the last complete walk (or a
 * `start_time` before the first one). A walk pages `next_token`s from the
 * newest result down; `since_id` moves to the walk's newest id only when
 * the last page is in.
 */
const StateSchema = z.object({
  sinceId: z.string().optional(),
  startTime: z.string().optional(),
  walk: z.object({ nextToken: z.string(), newestId: z.string().optional() }).optional(),
});
type State = z.infer<typeof StateSchema>;

/** X API v2 recent search (`GET /2/tweets/search/recent`) with an app-only bearer token. */
export function createXConnector(context: ConnectorContext<XSource>): Connector {
  const { source } = context;
  const bearerToken = requireCredential(context, 'bearerToken');
  const query = requireQuery(source);
  const endpoint = `${baseUrl(source, 'https://api.x.com')}/2/tweets/search/recent`;

  async function step(_feed: string, state: State, _shared: undefined, signal: AbortSignal | undefined): Promise<FeedStep<State, undefined>> {
    const now = context.now();
    const url = new URL(endpoint);
    url.searchParams.set('query', query);
    url.searchParams.set('max_results', '100');
    url.searchParams.set('tweet.fields', 'created_at,lang,public_metrics,author_id,conversation_id,referenced_tweets');
    url.searchParams.set('expansions', 'author_id');
    url.searchParams.set('user.fields', 'username,name,public_metrics,verified');
    if (state.sinceId !== undefined) url.searchParams.set('since_id', state.sinceId);
    else url.searchParams.set('start_time', new Date(Math.max(Date.parse(state.startTime ?? ''), now - RECENT_SEARCH_WINDOW_MS) || now).toISOString());
    if (state.walk) url.searchParams.set('next_token', state.walk.nextToken);

    const response = await httpRequest(url, { headers: { authorization: `Bearer ${bearerToken}` }, signal }, context.requestTimeoutMs);
    const untilReset = untilEpochSecondsHeader(response.headers, 'x-rate-limit-reset', now);
    if (response.status === 429) {
      // X sends no Retry-After: the window's reset time (epoch seconds) says when to come back.
      throw new RateLimitedError(`${response.where} answered 429 (rate limit or monthly cap)`, { status: 429, retryAfterMs: untilReset });
    }
    if (response.status === 400 && state.walk) {
      // A next_token that expired while the walk was paused: start the walk again from the top (duplicates, no loss).
      context.logger.warn({ status: 400 }, 'X refused the saved next_token; restarting the walk from the newest page');
      return { candidates: [], state: { sinceId: state.sinceId, startTime: state.startTime }, more: true, fetched: 0, skipped: 0 };
    }
    if (response.status !== 200) throw statusError(response, now);

    const page = parsePage(PageSchema, readJson(response), response.where);
    const tweets = parseItems(TweetSchema, page.data ?? [], context, response.where);
    const users = new Map(parseItems(UserSchema, page.includes?.users ?? [], context, response.where).items.map((user) => [user.id, user]));
    const candidates = tweets.items.map((tweet) => toCandidate(tweet, users.get(tweet.author_id)));
    const newestId = state.walk?.newestId ?? page.meta.newest_id;
    const next: State = page.meta.next_token
      ? { sinceId: state.sinceId, startTime: state.startTime, walk: { nextToken: page.meta.next_token, newestId } }
      : newestId !== undefined
        ? { sinceId: newestId }
        : { sinceId: state.sinceId, startTime: state.startTime };
    const remaining = numberHeader(response.headers, 'x-rate-limit-remaining');
    return {
      candidates,
      state: next,
      more: page.meta.next_token !== undefined,
      fetched: tweets.items.length,
      skipped: tweets.skipped,
      platformWaitMs: remaining !== undefined && remaining <= 0 ? untilReset : undefined,
    };
  }

  return pagedConnector(context, {
    feeds: ['search'],
    stateSchema: StateSchema,
    initialState: (_feed, now) => ({ startTime: new Date(now - Math.min(backfillMs(source), RECENT_SEARCH_WINDOW_MS)).toISOString() }),
    step,
    everyMs: everyMs(source),
    minIntervalMs: MIN_INTERVAL_MS,
  });
}

function toCandidate(tweet: z.infer<typeof TweetSchema>, user: z.infer<typeof UserSchema> | undefined): Candidate {
  const metrics = tweet.public_metrics ?? {};
  const reference = (type: string) => {
    const id = tweet.referenced_tweets?.find((ref) => ref.type === type)?.id;
    return id === undefined ? undefined : { externalId: id, url: `https://x.com/i/web/status/${id}` };
  };
  return {
    platform: 'x',
    externalId: tweet.id,
    url: user ? `https://x.com/${user.username}/status/${tweet.id}` : `https://x.com/i/web/status/${tweet.id}`,
    text: tweet.text,
    lang: languageTag(tweet.lang),
    author: user
      ? {
          handle: user.username,
          name: user.name,
          url: `https://x.com/${user.username}`,
          followers: count(user.public_metrics?.followers_count),
          verified: user.verified,
        }
      : { handle: tweet.author_id },
    createdAt: isoTime(tweet.created_at) ?? tweet.created_at,
    engagement: {
      likes: count(metrics.like_count),
      reposts: count(metrics.retweet_count),
      replies: count(metrics.reply_count),
      quotes: count(metrics.quote_count),
      views: count(metrics.impression_count),
    },
    inReplyTo: reference('replied_to'),
    quoteOf: reference('quoted'),
  };
}
