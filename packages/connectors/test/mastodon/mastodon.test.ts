import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, RateLimitedError, createMastodonConnector, snowflakeAt, type Connector, type CursorValue } from '../../src/index.js';
import { connectorContext, FakeServer, TestClock } from '../support/index.js';

const T0 = Date.parse('2026-09-01T13:00:00.000Z');
const TAG = 'GET /api/v1/timelines/tag/acme';
const SEARCH = 'GET /api/v2/search';

function status(createdAt: string, content: string, extra: Record<string, unknown> = {}) {
  const id = snowflakeAt(Date.parse(createdAt));
  return {
    id,
    uri: `https://mastodon.social/users/alice/statuses/${id}`,
    url: `https://mastodon.social/@alice/${id}`,
    created_at: createdAt,
    content,
    language: 'en',
    visibility: 'public',
    sensitive: false,
    spoiler_text: '',
    replies_count: 2,
    reblogs_count: 5,
    favourites_count: 17,
    quotes_count: 0,
    account: { id: '109876', username: 'alice', acct: 'alice', display_name: 'Alice', url: 'https://mastodon.social/@alice', followers_count: 1520, following_count: 300, statuses_count: 4100 },
    tags: [{ name: 'acme', url: 'https://mastodon.social/tags/acme' }],
    reblog: null,
    ...extra,
  };
}

/** 40 statuses (a full page) from 12:10:00 on, one a second, newest first; the 3rd is malformed, the 4th a boost. */
function fullPage() {
  return Array.from({ length: 40 }, (_, index) => {
    const createdAt = new Date(Date.parse('2026-09-01T12:10:00Z') + (39 - index) * 1000).toISOString();
    if (index === 2) return { id: 'not-a-number', content: '<p>#acme</p>' };
    return status(createdAt, `<p>Post ${39 - index} about <a href="https://mastodon.social/tags/acme" class="mention hashtag">#<span>acme</span></a></p>`, index === 3 ? { reblog: { id: '1' } } : {});
  });
}

const reset = (iso: string, remaining: string) => ({ 'x-ratelimit-limit': '300', 'x-ratelimit-remaining': remaining, 'x-ratelimit-reset': iso });

describe('mastodon connector (hashtag timeline and status search)', () => {
  let server: FakeServer;
  let connector: Connector;
  const clock = new TestClock(T0);
  let cursor: CursorValue | null = null;
  const later = status('2026-09-01T12:50:00.000Z', '<p>Acme support <br>is great</p>', {
    account: { id: '5', username: 'bob', acct: 'bob@fosstodon.org', display_name: '', url: 'https://fosstodon.org/@bob', followers_count: 12 },
    language: 'pt-BR',
    spoiler_text: 'acme rant',
  });

  beforeAll(async () => {
    server = await FakeServer.start();
    server.script(TAG, [
      { headers: reset('2026-09-01T13:05:00.000Z', '299'), body: fullPage() },
      { status: 429, headers: reset('2026-09-01T13:05:00.000Z', '0'), body: { error: 'Too many requests' } },
      { status: 503, body: { error: 'Service Unavailable' } },
      { headers: reset('2026-09-01T13:05:00.000Z', '297'), body: [later] },
      { headers: reset('2026-09-01T13:05:00.000Z', '295'), body: [] },
    ]);
    server.script(SEARCH, [
      {
        headers: reset('2026-09-01T13:02:00.000Z', '0'),
        body: { accounts: [], hashtags: [], statuses: [status('2026-09-01T12:55:00.000Z', '<p>Is <strong>ACME</strong> down?</p>', { uri: 'https://mastodon.social/users/alice/statuses/searched' })] },
      },
    ]);
    connector = createMastodonConnector(
      connectorContext({ platform: 'mastodon', baseUrl: server.url, hashtags: ['#acme'], query: 'acme', credentials: { accessToken: 'MASTODON_TOKEN' } }, { clock, credentials: { accessToken: 'user-token' } }),
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it('pages the hashtag timeline forward from a min_id made of the backfill time; a full page means more', async () => {
    const result = await connector.poll({ cursor });
    const request = server.requestsTo(TAG)[0]!;
    expect(request.url.searchParams.get('min_id')).toBe(snowflakeAt(T0 - 3_600_000));
    expect(request.headers.authorization).toBe('Bearer user-token');
    expect(result.fetched).toBe(39);
    expect(result.skipped).toBe(1);
    // 39 good statuses, one a boost: 38 mentions.
    expect(result.mentions).toHaveLength(38);
    expect(result.mentions[0]).toEqual({
      platform: 'mastodon',
      externalId: `https://mastodon.social/users/alice/statuses/${snowflakeAt(Date.parse('2026-09-01T12:10:39Z'))}`,
      url: `https://mastodon.social/@alice/${snowflakeAt(Date.parse('2026-09-01T12:10:39Z'))}`,
      text: 'Post 39 about #acme',
      lang: 'en',
      author: { handle: `alice@${new URL(server.url).host}`, name: 'Alice', url: 'https://mastodon.social/@alice', followers: 1520 },
      createdAt: '2026-09-01T12:10:39.000Z',
      engagement: { likes: 17, reposts: 5, replies: 2, quotes: 0 },
      matchedBrands: ['acme'],
      sourceId: 'mastodon-test',
    });
    expect(result.waitMs).toBe(1_000);
    expect(result.cursor).toMatchObject({ feeds: { 'tag:acme': { more: true, state: { minId: snowflakeAt(Date.parse('2026-09-01T12:10:39Z')) } } } });
    cursor = result.cursor;
  });

  it('a 429 waits until X-RateLimit-Reset (an ISO time); a 503 is retried', async () => {
    const limited = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(300_000);
    const failed = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect((failed as ConnectorError).retriable).toBe(true);
  });

  it('a short page ends the forward walk; remote accounts keep their domain; the content warning is the title', async () => {
    clock.advance(2_000);
    const result = await connector.poll({ cursor });
    expect(server.requestsTo(TAG).at(-1)!.url.searchParams.get('min_id')).toBe(snowflakeAt(Date.parse('2026-09-01T12:10:39Z')));
    expect(result.mentions).toEqual([
      {
        platform: 'mastodon',
        externalId: later.uri,
        url: later.url,
        title: 'acme rant',
        text: 'Acme support\nis great',
        lang: 'pt-BR',
        author: { handle: 'bob@fosstodon.org', url: 'https://fosstodon.org/@bob', followers: 12 },
        createdAt: '2026-09-01T12:50:00.000Z',
        engagement: { likes: 17, reposts: 5, replies: 2, quotes: 0 },
        matchedBrands: ['acme'],
        sourceId: 'mastodon-test',
      },
    ]);
    expect(result.cursor).toMatchObject({ feeds: { 'tag:acme': { more: false, state: { minId: later.id } } } });
    // The search feed has not been asked yet.
    expect(result.waitMs).toBe(1_000);
    cursor = result.cursor;
  });

  it('status search uses the user token; no requests left waits for the reset', async () => {
    const result = await connector.poll({ cursor });
    expect(Object.fromEntries(server.requestsTo(SEARCH)[0]!.url.searchParams)).toEqual({ q: 'acme', type: 'statuses', limit: '40' });
    expect(result.mentions.map((m) => [m.externalId, m.text])).toEqual([['https://mastodon.social/users/alice/statuses/searched', 'Is ACME down?']]);
    expect(result.waitMs).toBe(Date.parse('2026-09-01T13:02:00.000Z') - (T0 + 2_000));
    cursor = result.cursor;

    clock.advance(60_000);
    const empty = await connector.poll({ cursor });
    expect(empty.mentions).toEqual([]);
    expect(empty.cursor).toMatchObject({ feeds: { 'tag:acme': { state: { minId: later.id }, polledAt: T0 + 62_000 } } });
  });
});
