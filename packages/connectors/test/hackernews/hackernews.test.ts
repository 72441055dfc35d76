import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, RateLimitedError, createHackerNewsConnector, type Connector, type CursorValue } from '../../src/index.js';
import { connectorContext, FakeServer, TestClock } from '../support/index.js';

const T0 = Date.parse('2026-09-01T13:00:00.000Z');
const SEARCH = 'GET /api/v1/search_by_date';
const s = (isoTime: string) => Date.parse(isoTime) / 1000;

const story = {
  objectID: '41423456',
  author: 'alice',
  created_at: '2026-09-01T12:34:56Z',
  created_at_i: s('2026-09-01T12:34:56Z'),
  title: 'Show HN: Acme',
  url: 'https://acme.example',
  story_text: null,
  comment_text: null,
  points: 57,
  num_comments: 12,
  story_id: 41423456,
  parent_id: null,
  _tags: ['story', 'author_alice', 'story_41423456', 'show_hn'],
};
const comment = {
  objectID: '41423999',
  author: 'bob',
  created_at: '2026-09-01T12:40:00Z',
  created_at_i: s('2026-09-01T12:40:00Z'),
  comment_text: 'We use <i>Acme</i> &amp; Globex at work.<p>Works &gt; fine.',
  story_id: 41423456,
  parent_id: 41423456,
  story_title: 'Show HN: Acme',
  points: null,
  _tags: ['comment', 'author_bob', 'story_41423456'],
};

function page(hits: unknown[], pageNumber: number, nbPages: number) {
  return { hits, page: pageNumber, nbHits: hits.length, nbPages, hitsPerPage: 100, processingTimeMS: 1, query: 'acme', params: 'query=acme' };
}

describe('hackernews connector (Algolia search_by_date)', () => {
  let server: FakeServer;
  let connector: Connector;
  const clock = new TestClock(T0);
  let cursor: CursorValue | null = null;

  beforeAll(async () => {
    server = await FakeServer.start();
    server.script(SEARCH, [
      { body: page([comment, { objectID: 'broken' }, { ...story, objectID: '41423400', title: 'Unrelated launch', created_at_i: s('2026-09-01T12:20:00Z') }], 0, 2) },
      { status: 429, headers: { 'retry-after': '30' }, body: 'Too Many Requests' },
      { status: 502, body: '' },
      { body: '{"hits":[{"objectID":"41423456","author":"alice"' },
      { body: page([story], 1, 2) },
      { body: page([], 0, 0) },
    ]);
    connector = createHackerNewsConnector(connectorContext({ platform: 'hackernews', baseUrl: server.url, query: 'acme' }, { clock }));
  });
  afterAll(async () => {
    await server.close();
  });

  it('asks stories and comments since the backfill, newest first, and strips the comment HTML', async () => {
    const result = await connector.poll({ cursor });
    const request = server.requestsTo(SEARCH)[0]!;
    expect(Object.fromEntries(request.url.searchParams)).toEqual({
      query: 'acme',
      tags: '(story,comment)',
      numericFilters: `created_at_i>=${(T0 - 3_600_000 - 300_000) / 1000}`,
      hitsPerPage: '100',
      page: '0',
    });
    expect(result.mentions).toEqual([
      {
        platform: 'hackernews',
        externalId: '41423999',
        url: 'https://news.ycombinator.com/item?id=41423999',
        text: 'We use Acme & Globex at work.\n\nWorks > fine.',
        author: { handle: 'bob', url: 'https://news.ycombinator.com/user?id=bob' },
        createdAt: '2026-09-01T12:40:00.000Z',
        engagement: {},
        inReplyTo: { externalId: '41423456', url: 'https://news.ycombinator.com/item?id=41423456' },
        matchedBrands: ['acme', 'globex'],
        sourceId: 'hackernews-test',
      },
    ]);
    expect(result.fetched).toBe(2);
    expect(result.skipped).toBe(1);
    expect(result.waitMs).toBe(500);
    expect(result.cursor).toMatchObject({ feeds: { search: { more: true, state: { walk: { page: '1' } } } } });
    cursor = result.cursor;
  });

  it('a 429 honours Retry-After; a 502 and a truncated page are retried', async () => {
    const limited = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(30_000);
    for (const expected of [/answered 502/, /not JSON/]) {
      const error = await connector.poll({ cursor }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect((error as ConnectorError).retriable).toBe(true);
      expect((error as Error).message).toMatch(expected);
    }
  });

  it('the last page ends the walk; the next poll asks only what is newer than the mark, less the overlap', async () => {
    clock.advance(1_000);
    const result = await connector.poll({ cursor });
    expect(result.mentions).toEqual([
      {
        platform: 'hackernews',
        externalId: '41423456',
        url: 'https://news.ycombinator.com/item?id=41423456',
        title: 'Show HN: Acme',
        text: '',
        author: { handle: 'alice', url: 'https://news.ycombinator.com/user?id=alice' },
        createdAt: '2026-09-01T12:34:56.000Z',
        engagement: { likes: 57, replies: 12 },
        matchedBrands: ['acme'],
        sourceId: 'hackernews-test',
      },
    ]);
    expect(result.waitMs).toBe(120_000);
    const mark = (result.cursor as { feeds: { search: { state: { mark: { at: number; seen: Record<string, number> } } } } }).feeds.search.state.mark;
    expect(mark.at).toBe(Date.parse('2026-09-01T12:40:00Z'));
    // Only ids inside the overlap window (5 minutes before the mark) are kept: older ones cannot come back.
    expect(Object.keys(mark.seen)).toEqual(['41423999']);
    cursor = result.cursor;

    clock.advance(120_000);
    const empty = await connector.poll({ cursor });
    expect(server.requestsTo(SEARCH).at(-1)!.url.searchParams.get('numericFilters')).toBe(`created_at_i>=${s('2026-09-01T12:35:00Z')}`);
    expect(empty.mentions).toEqual([]);
    expect(empty.cursor).toEqual({ feeds: { search: { state: { mark }, polledAt: T0 + 121_000, more: false } } });
    expect(empty.waitMs).toBe(120_000);
  });
});
