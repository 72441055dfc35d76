import type { FakeHandler } from './fake-server.js';

export interface HackerNewsHit {
  objectID: string;
  author: string;
  created_at_i: number;
  title?: string | null;
  url?: string | null;
  story_text?: string | null;
  comment_text?: string | null;
  points?: number | null;
  num_comments?: number | null;
  story_id?: number;
  parent_id?: number | null;
  story_title?: string;
  _tags: string[];
}

/**
 * A stateful Hacker News Algolia `search_by_date`: serves `hits` newest
 * first, honouring `numericFilters=created_at_i>=N`, `page` and
 * `hitsPerPage`, whatever order the requests come in (restarts, two replicas).
 */
export function hackerNewsSearch(hits: () => readonly HackerNewsHit[]): FakeHandler {
  return (request) => {
    const filter = /created_at_i>=?(\d+)/.exec(request.url.searchParams.get('numericFilters') ?? '');
    const since = filter ? Number(filter[1]) : 0;
    const perPage = Number(request.url.searchParams.get('hitsPerPage') ?? '20');
    const page = Number(request.url.searchParams.get('page') ?? '0');
    const matching = hits()
      .filter((hit) => hit.created_at_i >= since)
      .sort((a, b) => b.created_at_i - a.created_at_i);
    const nbPages = Math.ceil(matching.length / perPage);
    return {
      body: {
        hits: matching.slice(page * perPage, (page + 1) * perPage).map((hit) => ({ ...hit, created_at: new Date(hit.created_at_i * 1000).toISOString() })),
        page,
        nbHits: matching.length,
        nbPages,
        hitsPerPage: perPage,
        processingTimeMS: 1,
        query: request.url.searchParams.get('query') ?? '',
        params: request.url.search.slice(1),
      },
    };
  };
}

/** `count` HN stories mentioning Acme, one a second back from `newestAt` (unix seconds). */
export function acmeStories(count: number, newestAt: number): HackerNewsHit[] {
  return Array.from({ length: count }, (_, index) => ({
    objectID: String(41_000_000 + index),
    author: `user${index % 17}`,
    created_at_i: newestAt - index,
    title: `Show HN: Acme tool number ${index}`,
    url: `https://example.com/${index}`,
    story_text: null,
    points: index % 50,
    num_comments: index % 9,
    story_id: 41_000_000 + index,
    parent_id: null,
    _tags: ['story', `author_user${index % 17}`, `story_${41_000_000 + index}`],
  }));
}
