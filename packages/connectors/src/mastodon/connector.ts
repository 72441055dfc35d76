import type { SourceConfig } from '@earshot/config';
import { z } from 'zod';
import type { Connector, ConnectorContext } from '../connector.js';
import { ConnectorError, RateLimitedError, SourceConfigError } from '../errors.js';
import { httpRequest, parsePage, readJson, statusError, type HttpResponse } from '../http.js';
import { count, htmlToPlainText, isoTime, languageTag, parseItems, type Candidate } from '../normalise.js';
import { initialNewestFirst, NewestFirstCursorSchema, stepNewestFirst } from '../newest-first.js';
import { pagedConnector, type FeedStep } from '../paged.js';
import { numberHeader, retryAfterMs, untilResetHeader } from '../rate-limit.js';
import { backfillMs, everyMs } from '../settings.js';

type MastodonSource = Extract<SourceConfig, { platform: 'mastodon' }>;

/** 300 requests per 5 minutes per account and per IP by default. */
const MIN_INTERVAL_MS = 1_000;
const PAGE_SIZE = 40;
const SEARCH_OVERLAP_MS = 60_000;

const StatusSchema = z.object({
  id: z.string().regex(/^\d+$/, 'must be a numeric status id'),
  uri: z.string().min(1),
  url: z.string().nullish(),
  created_at: z.string(),
  content: z.string(),
  spoiler_text: z.string().nullish(),
  language: z.string().nullish(),
  replies_count: z.number().nullish(),
  reblogs_count: z.number().nullish(),
  favourites_count: z.number().nullish(),
  quotes_count: z.number().nullish(),
  reblog: z.unknown().nullish(),
  account: z.object({
    acct: z.string().min(1),
    display_name: z.string().nullish(),
    url: z.string().nullish(),
    followers_count: z.number().nullish(),
  }),
});
type Status = z.infer<typeof StatusSchema>;

/** Hashtag timelines page forward with `min_id` (the newest id published). */
const TagStateSchema = z.object({ minId: z.string().regex(/^\d+$/) });
const FeedStateSchema = z.union([TagStateSchema, NewestFirstCursorSchema]);
type FeedState = z.infer<typeof FeedStateSchema>;

/**
 * Mastodon: public hashtag timelines (`/api/v1/timelines/tag/:tag`, paged
 * forward from the newest id seen with `min_id`) and, with a user token,
 * status search (`/api/v2/search`, paged down with `max_id`). Mentions are
 * identified by the status `uri`, the same on every instance.
 */
export function createMastodonConnector(context: ConnectorContext<MastodonSource>): Connector {
  const { source } = context;
  if (source.baseUrl === undefined) throw new SourceConfigError(`source "${source.id}": a mastodon source needs baseUrl, the instance to ask`);
  const instance = new URL(source.baseUrl);
  const token = context.credentials.accessToken;
  const feeds = (source.hashtags ?? []).map((tag) => `tag:${tag.replace(/^#/, '')}`);
  if (source.query !== undefined) {
    if (token === undefined) throw new SourceConfigError(`source "${source.id}": mastodon status search needs credentials.accessToken (a user token with read:search)`);
    feeds.push('search');
  }
  if (feeds.length === 0) throw new SourceConfigError(`source "${source.id}": a mastodon source needs hashtags, a query, or both`);

  async function get(url: URL, signal: AbortSignal | undefined): Promise<HttpResponse> {
    const response = await httpRequest(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal }, context.requestTimeoutMs);
    const now = context.now();
    if (response.status === 429) {
      throw new RateLimitedError(`${response.where} answered 429`, {
        status: 429,
        retryAfterMs: untilResetHeader(response.headers, 'x-ratelimit-reset', now) ?? retryAfterMs(response.headers, now),
      });
    }
    if (response.status !== 200) throw statusError(response, now);
    return response;
  }

  async function step(feed: string, state: FeedState, _shared: undefined, signal: AbortSignal | undefined): Promise<FeedStep<FeedState, undefined>> {
    if (feed === 'search') {
      if (!('mark' in state)) throw new ConnectorError('search feed state is not a walk', { retriable: false });
      const url = new URL('/api/v2/search', instance);
      url.searchParams.set('q', source.query as string);
      url.searchParams.set('type', 'statuses');
      url.searchParams.set('limit', String(PAGE_SIZE));
      if (state.walk) url.searchParams.set('max_id', state.walk.page);
      const response = await get(url, signal);
      const page = parsePage(z.object({ statuses: z.array(z.unknown()) }), readJson(response), response.where);
      const statuses = parseItems(StatusSchema, page.statuses, context, response.where);
      const oldest = statuses.items.at(-1)?.id;
      const walk = stepNewestFirst(
        state,
        statuses.items.map((status) => ({ id: status.uri, at: Date.parse(status.created_at) })),
        statuses.items.length >= PAGE_SIZE ? oldest : undefined,
        SEARCH_OVERLAP_MS,
      );
      const fresh = statuses.items.filter((status) => walk.fresh.has(status.uri));
      return { ...finish(fresh, statuses.skipped, response), fetched: statuses.items.length, state: walk.cursor, more: walk.more };
    }
    if (!('minId' in state)) throw new ConnectorError('hashtag feed state has no min_id', { retriable: false });
    const url = new URL(`/api/v1/timelines/tag/${encodeURIComponent(feed.slice('tag:'.length))}`, instance);
    url.searchParams.set('min_id', state.minId);
    url.searchParams.set('limit', String(PAGE_SIZE));
    const response = await get(url, signal);
    const page = parsePage(z.array(z.unknown()), readJson(response), response.where);
    const statuses = parseItems(StatusSchema, page, context, response.where);
    const newestId = statuses.items.reduce((max, status) => (BigInt(status.id) > BigInt(max) ? status.id : max), state.minId);
    return {
      ...finish(statuses.items, statuses.skipped, response),
      fetched: statuses.items.length,
      state: { minId: newestId },
      // min_id returns the page just after it, oldest first in time: a full page means more are waiting.
      more: page.length >= PAGE_SIZE,
    };
  }

  function finish(statuses: Status[], skipped: number, response: HttpResponse) {
    const remaining = numberHeader(response.headers, 'x-ratelimit-remaining');
    return {
      // Boosts repeat someone else's post, which arrives on its own.
      candidates: statuses.filter((status) => status.reblog == null).map((status) => toCandidate(status, instance.host)),
      skipped,
      platformWaitMs: remaining !== undefined && remaining <= 0 ? untilResetHeader(response.headers, 'x-ratelimit-reset', context.now()) : undefined,
    };
  }

  return pagedConnector<FeedState>(context, {
    feeds,
    stateSchema: FeedStateSchema,
    initialState: (feed, now) =>
      feed === 'search' ? initialNewestFirst(now, backfillMs(source)) : { minId: snowflakeAt(now - backfillMs(source)) },
    step,
    everyMs: everyMs(source),
    minIntervalMs: MIN_INTERVAL_MS,
  });
}

/** Mastodon ids are snowflakes: milliseconds since the epoch shifted left 16 bits, so a time gives the smallest id after it. */
export function snowflakeAt(ms: number): string {
  return (BigInt(Math.max(0, Math.floor(ms))) << 16n).toString();
}

function toCandidate(status: Status, instanceHost: string): Candidate {
  // `acct` is `user` for the instance's own accounts and `user@domain` for the rest.
  const handle = status.account.acct.includes('@') ? status.account.acct : `${status.account.acct}@${instanceHost}`;
  return {
    platform: 'mastodon',
    externalId: status.uri,
    url: status.url ?? status.uri,
    title: status.spoiler_text ? status.spoiler_text : undefined,
    text: htmlToPlainText(status.content),
    lang: languageTag(status.language),
    author: { handle, name: status.account.display_name || undefined, url: status.account.url ?? undefined, followers: count(status.account.followers_count) },
    createdAt: isoTime(status.created_at) ?? status.created_at,
    engagement: {
      likes: count(status.favourites_count),
      reposts: count(status.reblogs_count),
      replies: count(status.replies_count),
      quotes: count(status.quotes_count),
    },
  };
}
