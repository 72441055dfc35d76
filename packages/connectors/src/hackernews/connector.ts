import type { SourceConfig } from '@earshot/config';
import { z } from 'zod';
import type { Connector, ConnectorContext } from '../connector.js';
import { httpRequest, parsePage, readJson, statusError } from '../http.js';
import { count, htmlToPlainText, isoTime, parseItems, type Candidate } from '../normalise.js';
import { initialNewestFirst, NewestFirstCursorSchema, stepNewestFirst, walkCutoff, type NewestFirstCursor } from '../newest-first.js';
import { pagedConnector, type FeedStep } from '../paged.js';
import { backfillMs, baseUrl, everyMs } from '../settings.js';

type HackerNewsSource = Extract<SourceConfig, { platform: 'hackernews' }>;

const ITEM_URL = 'https://news.ycombinator.com/item?id=';
/** 10,000 requests an hour per IP; no headers say how many are left. */
const MIN_INTERVAL_MS = 500;
/** Algolia indexes new items within minutes. */
const OVERLAP_MS = 5 * 60_000;

const HitSchema = z.object({
  objectID: z.string().min(1),
  author: z.string().min(1),
  created_at_i: z.number(),
  title: z.string().nullish(),
  url: z.string().nullish(),
  story_text: z.string().nullish(),
  comment_text: z.string().nullish(),
  points: z.number().nullish(),
  num_comments: z.number().nullish(),
  parent_id: z.number().nullish(),
  _tags: z.array(z.string()).default([]),
});
const PageSchema = z.object({ hits: z.array(z.unknown()), page: z.number().int(), nbPages: z.number().int() });

/**
 * Hacker News through the Algolia API: `search_by_date` (newest first) for
 * stories and comments created since the mark, paged by page number.
 * Algolia serves at most 1,000 hits per query, so a backlog larger than that
 * between two polls is cut (shorten `every` for very busy queries).
 */
export function createHackerNewsConnector(context: ConnectorContext<HackerNewsSource>): Connector {
  const { source } = context;
  const endpoint = `${baseUrl(source, 'https://hn.algolia.com')}/api/v1/search_by_date`;
  const tags = source.tags ?? ['story', 'comment'];

  async function step(_feed: string, state: NewestFirstCursor, _shared: undefined, signal: AbortSignal | undefined): Promise<FeedStep<NewestFirstCursor, undefined>> {
    const now = context.now();
    const url = new URL(endpoint);
    if (source.query !== undefined) url.searchParams.set('query', source.query);
    url.searchParams.set('tags', tags.length === 1 ? (tags[0] as string) : `(${tags.join(',')})`);
    url.searchParams.set('numericFilters', `created_at_i>=${Math.floor(walkCutoff(state, OVERLAP_MS) / 1000)}`);
    url.searchParams.set('hitsPerPage', '100');
    url.searchParams.set('page', state.walk?.page ?? '0');
    const response = await httpRequest(url, { signal }, context.requestTimeoutMs);
    if (response.status !== 200) throw statusError(response, now);

    const page = parsePage(PageSchema, readJson(response), response.where);
    const hits = parseItems(HitSchema, page.hits, context, response.where);
    const walk = stepNewestFirst(
      state,
      hits.items.map((hit) => ({ id: hit.objectID, at: hit.created_at_i * 1000 })),
      page.page + 1 < page.nbPages ? String(page.page + 1) : undefined,
      OVERLAP_MS,
    );
    return {
      candidates: hits.items.filter((hit) => walk.fresh.has(hit.objectID)).map(toCandidate),
      state: walk.cursor,
      more: walk.more,
      fetched: hits.items.length,
      skipped: hits.skipped,
    };
  }

  return pagedConnector(context, {
    feeds: ['search'],
    stateSchema: NewestFirstCursorSchema,
    initialState: (_feed, now) => initialNewestFirst(now, backfillMs(source)),
    step,
    everyMs: everyMs(source),
    minIntervalMs: MIN_INTERVAL_MS,
  });
}

function toCandidate(hit: z.infer<typeof HitSchema>): Candidate {
  const isComment = hit._tags.includes('comment');
  return {
    platform: 'hackernews',
    externalId: hit.objectID,
    url: `${ITEM_URL}${hit.objectID}`,
    title: isComment ? undefined : (hit.title ?? undefined),
    text: htmlToPlainText(isComment ? hit.comment_text : hit.story_text),
    author: { handle: hit.author, url: `https://news.ycombinator.com/user?id=${encodeURIComponent(hit.author)}` },
    createdAt: isoTime(hit.created_at_i) as string,
    engagement: { likes: count(hit.points), replies: count(hit.num_comments) },
    inReplyTo: isComment && hit.parent_id != null ? { externalId: String(hit.parent_id), url: `${ITEM_URL}${hit.parent_id}` } : undefined,
  };
}
