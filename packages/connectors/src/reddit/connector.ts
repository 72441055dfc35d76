import type { SourceConfig } from '@earshot/config';
import { z } from 'zod';
import type { Connector, ConnectorContext } from '../connector.js';
import { ConnectorError, RateLimitedError, SourceConfigError } from '../errors.js';
import { httpRequest, parsePage, readJson, statusError, type HttpResponse } from '../http.js';
import { count, isoTime, parseItems, type Candidate } from '../normalise.js';
import { initialNewestFirst, NewestFirstCursorSchema, stepNewestFirst, type NewestFirstCursor } from '../newest-first.js';
import { pagedConnector, type FeedStep } from '../paged.js';
import { deltaSecondsHeader, numberHeader, retryAfterMs } from '../rate-limit.js';
import { backfillMs, everyMs, requireCredential } from '../settings.js';

type RedditSource = Extract<SourceConfig, { platform: 'reddit' }>;

const SITE = 'https://www.reddit.com';
/** 100 requests a minute per OAuth client. */
const MIN_INTERVAL_MS = 600;
/** Listings sorted by `new` show a post a little after its created_utc; look this far behind the mark. */
const OVERLAP_MS = 60_000;
/** Ask for a new token this long before the old one expires. */
const TOKEN_MARGIN_MS = 60_000;

const TokenSchema = z.object({ access_token: z.string().min(1), expires_in: z.number().positive().default(3600) });

const PostSchema = z.object({
  kind: z.literal('t3'),
  data: z.object({
    name: z.string().startsWith('t3_'),
    title: z.string(),
    selftext: z.string().optional(),
    author: z.string().min(1),
    created_utc: z.number(),
    permalink: z.string().startsWith('/'),
    score: z.number().optional(),
    num_comments: z.number().optional(),
  }),
});
const CommentSchema = z.object({
  kind: z.literal('t1'),
  data: z.object({
    name: z.string().startsWith('t1_'),
    body: z.string(),
    author: z.string().min(1),
    created_utc: z.number(),
    permalink: z.string().startsWith('/'),
    parent_id: z.string().optional(),
    score: z.number().optional(),
  }),
});
const ThingSchema = z.discriminatedUnion('kind', [PostSchema, CommentSchema]);
const ListingSchema = z.object({
  kind: z.literal('Listing'),
  data: z.object({ after: z.string().nullable().optional(), children: z.array(z.unknown()) }),
});

/**
 * Reddit over OAuth (client credentials): site-wide or subreddit search for
 * `query`, the newest comments of `subreddits` (matched locally), and their
 * newest posts when there is no query. Each feed pages `after` down to the mark.
 */
export function createRedditConnector(context: ConnectorContext<RedditSource>): Connector {
  const { source } = context;
  const clientId = requireCredential(context, 'clientId');
  const clientSecret = requireCredential(context, 'clientSecret');
  const apiBase = (source.baseUrl ?? 'https://oauth.reddit.com').replace(/\/+$/, '');
  const tokenUrl = `${(source.baseUrl ?? SITE).replace(/\/+$/, '')}/api/v1/access_token`;
  const userAgent = source.userAgent ?? `earshot:${source.id}:0.1 (self-hosted brand monitoring)`;
  const feeds = redditFeeds(source);
  let token: { value: string; expiresAt: number } | null = null;

  async function accessToken(signal: AbortSignal | undefined): Promise<string> {
    const now = context.now();
    if (token && token.expiresAt - TOKEN_MARGIN_MS > now) return token.value;
    const response = await httpRequest(
      new URL(tokenUrl),
      {
        method: 'POST',
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
          'content-type': 'application/x-www-form-urlencoded',
          'user-agent': userAgent,
        },
        body: 'grant_type=client_credentials',
        signal,
      },
      context.requestTimeoutMs,
    );
    if (response.status !== 200) throw rateLimitOr(response, now);
    const granted = parsePage(TokenSchema, readJson(response), response.where);
    token = { value: granted.access_token, expiresAt: now + granted.expires_in * 1000 };
    return token.value;
  }

  async function get(url: URL, signal: AbortSignal | undefined): Promise<HttpResponse> {
    const send = async () =>
      httpRequest(url, { headers: { authorization: `bearer ${await accessToken(signal)}`, 'user-agent': userAgent }, signal }, context.requestTimeoutMs);
    const response = await send();
    if (response.status !== 401) return response;
    // The token expired early or was revoked: one fresh token, one more try.
    token = null;
    return send();
  }

  async function step(feed: string, state: NewestFirstCursor, _shared: undefined, signal: AbortSignal | undefined): Promise<FeedStep<NewestFirstCursor, undefined>> {
    const now = context.now();
    const url = new URL(`${apiBase}${feeds.get(feed)}`);
    url.searchParams.set('limit', '100');
    url.searchParams.set('raw_json', '1');
    if (state.walk) url.searchParams.set('after', state.walk.page);
    const response = await get(url, signal);
    if (response.status !== 200) throw rateLimitOr(response, now);

    const listing = parsePage(ListingSchema, readJson(response), response.where);
    const things = parseItems(ThingSchema, listing.data.children, context, response.where);
    const walk = stepNewestFirst(
      state,
      things.items.map((thing) => ({ id: thing.data.name, at: thing.data.created_utc * 1000 })),
      listing.data.after ?? undefined,
      OVERLAP_MS,
    );
    return {
      candidates: things.items.filter((thing) => walk.fresh.has(thing.data.name)).map(toCandidate),
      state: walk.cursor,
      more: walk.more,
      fetched: things.items.length,
      skipped: things.skipped,
      platformWaitMs: pacing(response),
    };
  }

  return pagedConnector(context, {
    feeds: [...feeds.keys()],
    stateSchema: NewestFirstCursorSchema,
    initialState: (_feed, now) => initialNewestFirst(now, backfillMs(source)),
    step,
    everyMs: everyMs(source),
    minIntervalMs: MIN_INTERVAL_MS,
  });
}

/** Feed key → path. */
function redditFeeds(source: RedditSource): Map<string, string> {
  const feeds = new Map<string, string>();
  const subreddits = source.subreddits?.map((name) => encodeURIComponent(name.replace(/^\/?r\//, ''))).join('+');
  if (source.query !== undefined) {
    const query = new URLSearchParams({ q: source.query, sort: 'new', type: 'link' });
    if (subreddits) query.set('restrict_sr', '1');
    feeds.set('search', `${subreddits ? `/r/${subreddits}` : ''}/search?${query}`);
  }
  if (subreddits) {
    feeds.set('comments', `/r/${subreddits}/comments`);
    if (source.query === undefined) feeds.set('posts', `/r/${subreddits}/new`);
  }
  if (feeds.size === 0) throw new SourceConfigError(`source "${source.id}": a reddit source needs a query, subreddits, or both`);
  return feeds;
}

/**
 * Reddit counts requests in a window and says how many remain and when it
 * resets: spread what remains over the window, and stop when nothing does.
 */
function pacing(response: HttpResponse): number | undefined {
  const remaining = numberHeader(response.headers, 'x-ratelimit-remaining');
  const reset = deltaSecondsHeader(response.headers, 'x-ratelimit-reset');
  if (remaining === undefined || reset === undefined) return undefined;
  return remaining < 1 ? reset : Math.ceil(reset / remaining);
}

function rateLimitOr(response: HttpResponse, now: number): ConnectorError {
  if (response.status === 429) {
    return new RateLimitedError(`${response.where} answered 429`, {
      status: 429,
      retryAfterMs: deltaSecondsHeader(response.headers, 'x-ratelimit-reset') ?? retryAfterMs(response.headers, now),
    });
  }
  return statusError(response, now);
}

function toCandidate(thing: z.infer<typeof ThingSchema>): Candidate {
  const common = {
    platform: 'reddit',
    externalId: thing.data.name,
    url: `${SITE}${thing.data.permalink}`,
    author: { handle: thing.data.author, url: `${SITE}/user/${encodeURIComponent(thing.data.author)}` },
    createdAt: isoTime(thing.data.created_utc) as string,
  };
  if (thing.kind === 't3') {
    return { ...common, title: thing.data.title, text: thing.data.selftext ?? '', engagement: { likes: count(thing.data.score), replies: count(thing.data.num_comments) } };
  }
  return {
    ...common,
    text: thing.data.body,
    engagement: { likes: count(thing.data.score) },
    inReplyTo: thing.data.parent_id ? { externalId: thing.data.parent_id } : undefined,
  };
}
