import type { SourceConfig } from '@earshot/config';
import type { Mention } from '@earshot/domain';
import { z } from 'zod';
import type { Connector, ConnectorContext } from '../connector.js';
import { parsePage, readJson } from '../http.js';
import { parseItems } from '../normalise.js';
import { initialNewestFirst, NewestFirstCursorSchema, stepNewestFirst, walkCutoff, type NewestFirstCursor } from '../newest-first.js';
import { pagedConnector, type FeedStep } from '../paged.js';
import { numberHeader, untilResetHeader } from '../rate-limit.js';
import { backfillMs, baseUrl, everyMs, requireCredential, requireQuery } from '../settings.js';
import { postCandidate, PostRecordSchema } from './post.js';
import { authorDid, ProfileDirectory, withProfile } from './profiles.js';
import { blueskyError, BlueskySession } from './session.js';

type BlueskySource = Extract<SourceConfig, { platform: 'bluesky' }>;

/** 3,000 requests per 5 minutes per IP on the PDS. */
const MIN_INTERVAL_MS = 500;
/** Posts are sorted by min(createdAt, indexedAt); indexing trails by seconds to minutes. */
const OVERLAP_MS = 2 * 60_000;

const PostViewSchema = z.object({
  uri: z.string().startsWith('at://'),
  author: z.object({ did: z.string(), handle: z.string().min(1), displayName: z.string().optional() }),
  record: PostRecordSchema,
  indexedAt: z.string().optional(),
  likeCount: z.number().optional(),
  repostCount: z.number().optional(),
  replyCount: z.number().optional(),
  quoteCount: z.number().optional(),
});
const PageSchema = z.object({ cursor: z.string().optional(), posts: z.array(z.unknown()) });

/**
 * Bluesky `app.bsky.feed.searchPosts` (sort=latest) through the account's
 * PDS with an app-password session, paged by `cursor` down to the mark;
 * follower counts of matching posts' authors come from getProfiles.
 */
export function createBlueskyConnector(context: ConnectorContext<BlueskySource>): Connector {
  const { source } = context;
  const query = requireQuery(source);
  const base = baseUrl(source, 'https://bsky.social');
  const session = new BlueskySession(context, base, requireCredential(context, 'identifier'), requireCredential(context, 'appPassword'));
  const profiles = new ProfileDirectory(context, `${base}/xrpc/app.bsky.actor.getProfiles`);

  async function step(_feed: string, state: NewestFirstCursor, _shared: undefined, signal: AbortSignal | undefined): Promise<FeedStep<NewestFirstCursor, undefined>> {
    const now = context.now();
    const url = new URL(`${base}/xrpc/app.bsky.feed.searchPosts`);
    url.searchParams.set('q', query);
    url.searchParams.set('sort', 'latest');
    url.searchParams.set('limit', '100');
    url.searchParams.set('since', new Date(walkCutoff(state, OVERLAP_MS)).toISOString());
    if (state.walk) url.searchParams.set('cursor', state.walk.page);
    const response = await session.get(url, signal);
    if (response.status !== 200) throw blueskyError(response, now);

    const page = parsePage(PageSchema, readJson(response), response.where);
    const posts = parseItems(PostViewSchema, page.posts, context, response.where);
    const walk = stepNewestFirst(
      state,
      posts.items.map((post) => ({ id: post.uri, at: sortAt(post) })),
      page.cursor,
      OVERLAP_MS,
    );
    const remaining = numberHeader(response.headers, 'ratelimit-remaining');
    return {
      candidates: posts.items
        .filter((post) => walk.fresh.has(post.uri))
        .map((post) => postCandidate(post.uri, post.record, { handle: post.author.handle, name: post.author.displayName || undefined }, post)),
      state: walk.cursor,
      more: walk.more,
      fetched: posts.items.length,
      skipped: posts.skipped,
      platformWaitMs: remaining !== undefined && remaining <= 0 ? untilResetHeader(response.headers, 'ratelimit-reset', now) : undefined,
    };
  }

  async function enrich(mentions: Mention[], shared: undefined, signal: AbortSignal | undefined) {
    const dids = mentions.map(authorDid).filter((did): did is string => did !== undefined);
    let headers: Record<string, string>;
    try {
      headers = await session.authorization(signal);
    } catch (error) {
      context.logger.warn({ err: error }, 'no session for profile lookups; publishing without follower counts');
      return { mentions, shared };
    }
    const found = await profiles.lookup(dids, headers, signal);
    return { mentions: mentions.map((mention) => withProfile(mention, found.get(authorDid(mention) ?? ''))), shared };
  }

  return pagedConnector(context, {
    feeds: ['search'],
    stateSchema: NewestFirstCursorSchema,
    initialState: (_feed, now) => initialNewestFirst(now, backfillMs(source)),
    step,
    enrich,
    everyMs: everyMs(source),
    minIntervalMs: MIN_INTERVAL_MS,
  });
}

/**
 * Search orders by min(createdAt, indexedAt): a client clock ahead of time
 * cannot push the mark into the future and hide later posts.
 */
function sortAt(post: z.infer<typeof PostViewSchema>): number {
  const created = Date.parse(post.record.createdAt);
  const indexed = post.indexedAt === undefined ? Number.NaN : Date.parse(post.indexedAt);
  if (Number.isNaN(created)) return Number.isNaN(indexed) ? 0 : indexed;
  return Number.isNaN(indexed) ? created : Math.min(created, indexed);
}
