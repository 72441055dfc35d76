import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, RateLimitedError, createXConnector, type Connector, type CursorValue } from '../../src/index.js';
import { connectorContext, FakeServer, TestClock } from '../support/index.js';

const SEARCH = 'GET /2/tweets/search/recent';
const T0 = Date.parse('2026-09-01T13:00:00.000Z');

function tweet(id: string, text: string, authorId: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    text,
    author_id: authorId,
    created_at: '2026-09-01T12:34:56.000Z',
    lang: 'en',
    conversation_id: id,
    edit_history_tweet_ids: [id],
    public_metrics: { retweet_count: 3, reply_count: 1, like_count: 12, quote_count: 2, bookmark_count: 0, impression_count: 845 },
    ...extra,
  };
}

const users = [
  { id: '2244994945', name: 'Dev Person', username: 'devperson', verified: true, public_metrics: { followers_count: 1520, following_count: 300, tweet_count: 4100, listed_count: 12 } },
  { id: '99', name: 'Other', username: 'other', public_metrics: { followers_count: 7, following_count: 1, tweet_count: 2, listed_count: 0 } },
];

function page(data: unknown[] | undefined, meta: Record<string, unknown>) {
  return { ...(data ? { data, includes: { users } } : {}), meta: { result_count: data?.length ?? 0, ...meta } };
}

describe('x connector (recent search)', () => {
  let server: FakeServer;
  let connector: Connector;
  const clock = new TestClock(T0);
  let cursor: CursorValue | null = null;

  beforeAll(async () => {
    server = await FakeServer.start();
    const context = connectorContext(
      { platform: 'x', baseUrl: server.url, query: 'acme OR globex', credentials: { bearerToken: 'X_TOKEN' } },
      { clock, credentials: { bearerToken: 'secret-bearer' } },
    );
    connector = createXConnector(context);
    server.script(SEARCH, [
      {
        status: 200,
        headers: { 'x-rate-limit-limit': '450', 'x-rate-limit-remaining': '449', 'x-rate-limit-reset': String(T0 / 1000 + 900) },
        body: page(
          [
            tweet('1831234567890123460', 'Loving @acme\'s new release', '2244994945', {
              lang: 'en',
              referenced_tweets: [{ type: 'replied_to', id: '1831234567890120001' }],
            }),
            { id: 'broken', author_id: '99' },
            tweet('1831234567890123459', 'Nothing to see here', '99'),
          ],
          { newest_id: '1831234567890123460', oldest_id: '1831234567890123459', next_token: 'b26v89c19zqg8o3f' },
        ),
      },
      { status: 429, headers: { 'x-rate-limit-limit': '450', 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(T0 / 1000 + 600) }, body: { title: 'Too Many Requests', type: 'about:blank', status: 429, detail: 'Too Many Requests' } },
      { status: 503, body: { title: 'Service Unavailable', detail: 'Service Unavailable', type: 'about:blank', status: 503 } },
      { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body><h1>Something went wrong</h1></body></html>' },
      { status: 200, body: page([tweet('1831234567890123450', 'globex beats acme', '99', { lang: 'und' })], { newest_id: '1831234567890123450' }), truncate: true },
      {
        status: 200,
        body: page([tweet('1831234567890123450', 'globex beats acme', '99', { lang: 'und', referenced_tweets: [{ type: 'quoted', id: '1831234567890110000' }] })], {
          newest_id: '1831234567890123450',
          oldest_id: '1831234567890123450',
        }),
      },
      { status: 200, headers: { 'x-rate-limit-remaining': '0', 'x-rate-limit-reset': String(T0 / 1000 + 300) }, body: page(undefined, {}) },
    ]);
  });
  afterAll(async () => {
    await server.close();
  });

  it('first poll: backfills from start_time, normalises matching tweets with authors from includes.users, skips a malformed one', async () => {
    const result = await connector.poll({ cursor });
    const request = server.requestsTo(SEARCH)[0]!;
    expect(request.headers.authorization).toBe('Bearer secret-bearer');
    expect(request.url.searchParams.get('start_time')).toBe('2026-09-01T12:00:00.000Z');
    expect(request.url.searchParams.get('since_id')).toBeNull();
    expect(request.url.searchParams.get('query')).toBe('acme OR globex');
    expect(request.url.searchParams.get('expansions')).toBe('author_id');

    expect(result.mentions).toEqual([
      {
        platform: 'x',
        externalId: '1831234567890123460',
        url: 'https://x.com/devperson/status/1831234567890123460',
        text: "Loving @acme's new release",
        lang: 'en',
        author: { handle: 'devperson', name: 'Dev Person', url: 'https://x.com/devperson', followers: 1520, verified: true },
        createdAt: '2026-09-01T12:34:56.000Z',
        engagement: { likes: 12, reposts: 3, replies: 1, quotes: 2, views: 845 },
        inReplyTo: { externalId: '1831234567890120001', url: 'https://x.com/i/web/status/1831234567890120001' },
        matchedBrands: ['acme'],
        sourceId: 'x-test',
      },
    ]);
    expect(result.fetched).toBe(2);
    expect(result.skipped).toBe(1);
    expect(result.newestPostAt).toBe(Date.parse('2026-09-01T12:34:56.000Z'));
    // More pages: come back after the 2 s politeness floor, not the poll interval.
    expect(result.waitMs).toBe(2_000);
    expect(result.cursor).toEqual({
      feeds: {
        search: {
          state: { startTime: '2026-09-01T12:00:00.000Z', walk: { nextToken: 'b26v89c19zqg8o3f', newestId: '1831234567890123460' } },
          polledAt: T0,
          more: true,
        },
      },
    });
    cursor = result.cursor;
  });

  it('a 429 waits until x-rate-limit-reset (X sends no Retry-After)', async () => {
    const error = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitedError);
    expect((error as RateLimitedError).retryAfterMs).toBe(600_000);
  });

  it('a 5xx, an HTML error page and a truncated body are retriable errors', async () => {
    for (let i = 0; i < 3; i += 1) {
      const error = await connector.poll({ cursor }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConnectorError);
      expect(error).not.toBeInstanceOf(RateLimitedError);
      expect((error as ConnectorError).retriable).toBe(true);
    }
    // Every retry asked for the same page again.
    expect(server.requestsTo(SEARCH).slice(1).map((r) => r.url.searchParams.get('next_token'))).toEqual(Array(4).fill('b26v89c19zqg8o3f'));
  });

  it('the last page of the walk moves since_id to the newest id of its first page and waits the poll interval', async () => {
    clock.advance(10_000);
    const result = await connector.poll({ cursor });
    expect(result.mentions).toMatchObject([
      {
        externalId: '1831234567890123450',
        text: 'globex beats acme',
        author: { handle: 'other', followers: 7 },
        quoteOf: { externalId: '1831234567890110000' },
        matchedBrands: ['acme', 'globex'],
      },
    ]);
    expect(result.mentions[0]).not.toHaveProperty('lang');
    expect(result.cursor).toEqual({ feeds: { search: { state: { sinceId: '1831234567890123460' }, polledAt: T0 + 10_000, more: false } } });
    expect(result.waitMs).toBe(60_000);
    cursor = result.cursor;
  });

  it('an empty page keeps since_id; remaining 0 waits for the reset', async () => {
    clock.advance(60_000);
    const result = await connector.poll({ cursor });
    expect(server.requestsTo(SEARCH).at(-1)!.url.searchParams.get('since_id')).toBe('1831234567890123460');
    expect(result.mentions).toEqual([]);
    expect(result.cursor).toEqual({ feeds: { search: { state: { sinceId: '1831234567890123460' }, polledAt: T0 + 70_000, more: false } } });
    expect(result.waitMs).toBe(T0 + 300_000 - (T0 + 70_000));
  });
});
