import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, RateLimitedError, createBlueskyConnector, type Connector, type CursorValue } from '../../src/index.js';
import { connectorContext, FakeServer, TestClock } from '../support/index.js';

const T0 = Date.parse('2026-09-01T13:00:00.000Z');
const SESSION = 'POST /xrpc/com.atproto.server.createSession';
const REFRESH = 'POST /xrpc/com.atproto.server.refreshSession';
const SEARCH = 'GET /xrpc/app.bsky.feed.searchPosts';
const PROFILES = 'GET /xrpc/app.bsky.actor.getProfiles';

function postView(rkey: string, did: string, handle: string, text: string, createdAt: string, extra: Record<string, unknown> = {}) {
  return {
    uri: `at://${did}/app.bsky.feed.post/${rkey}`,
    cid: 'bafyreiexample',
    author: { did, handle, displayName: handle === 'alice.bsky.social' ? 'Alice' : '', avatar: 'https://cdn.bsky.app/img/avatar.jpg', labels: [] },
    record: { $type: 'app.bsky.feed.post', text, createdAt, langs: ['en'] },
    replyCount: 1,
    repostCount: 2,
    likeCount: 10,
    quoteCount: 0,
    bookmarkCount: 0,
    indexedAt: new Date(Date.parse(createdAt) + 1_000).toISOString(),
    labels: [],
    ...extra,
  };
}

describe('bluesky connector (searchPosts with an app-password session)', () => {
  let server: FakeServer;
  let connector: Connector;
  const clock = new TestClock(T0);
  let cursor: CursorValue | null = null;

  beforeAll(async () => {
    server = await FakeServer.start();
    server.script(SESSION, [{ body: { accessJwt: 'access-1', refreshJwt: 'refresh-1', did: 'did:plc:me', handle: 'me.bsky.social' } }]);
    server.script(REFRESH, [{ body: { accessJwt: 'access-2', refreshJwt: 'refresh-2', did: 'did:plc:me', handle: 'me.bsky.social' } }]);
    server.script(SEARCH, [
      {
        headers: { 'ratelimit-limit': '3000', 'ratelimit-remaining': '2999', 'ratelimit-reset': String(T0 / 1000 + 300), 'ratelimit-policy': '3000;w=300' },
        body: {
          cursor: '25',
          hitsTotal: 314,
          posts: [
            postView('3l5xyzabc2k2a', 'did:plc:abc123', 'alice.bsky.social', 'Trying Acme today', '2026-09-01T12:34:56.789Z'),
            { uri: 'at://did:plc:bad/app.bsky.feed.post/x', author: { did: 'did:plc:bad' } },
            postView('3l5xyzabc2k29', 'did:plc:def', 'bob.bsky.social', 'lunch', '2026-09-01T12:30:00.000Z'),
          ],
        },
      },
      { status: 429, headers: { 'ratelimit-limit': '3000', 'ratelimit-remaining': '0', 'ratelimit-reset': String(T0 / 1000 + 60) }, body: { error: 'RateLimitExceeded', message: 'Rate Limit Exceeded' } },
      { status: 500, body: { error: 'InternalServerError', message: 'Internal Server Error' } },
      { status: 400, body: { error: 'ExpiredToken', message: 'Token has expired' } },
      {
        body: {
          posts: [
            postView('3l5xyzabc2k28', 'did:plc:def', 'bob.bsky.social', 'Globex quoted acme', '2026-09-01T12:20:00.000Z', {
              record: {
                $type: 'app.bsky.feed.post',
                text: 'Globex quoted acme',
                createdAt: '2026-09-01T12:20:00.000Z',
                langs: ['en-US'],
                reply: { root: { uri: 'at://did:plc:abc123/app.bsky.feed.post/root', cid: 'c' }, parent: { uri: 'at://did:plc:abc123/app.bsky.feed.post/parent', cid: 'c' } },
                embed: { $type: 'app.bsky.embed.record', record: { uri: 'at://did:plc:abc123/app.bsky.feed.post/3l5xyzabc2k2a', cid: 'c' } },
              },
            }),
          ],
        },
      },
      { headers: { 'ratelimit-remaining': '0', 'ratelimit-reset': '120' }, body: { posts: [] } },
    ]);
    server.script(PROFILES, [
      { body: { profiles: [{ did: 'did:plc:abc123', handle: 'alice.bsky.social', displayName: 'Alice', followersCount: 1520, followsCount: 3, postsCount: 9 }] } },
      { status: 500, body: { error: 'InternalServerError' } },
    ]);
    connector = createBlueskyConnector(
      connectorContext(
        { platform: 'bluesky', baseUrl: server.url, query: 'acme', credentials: { identifier: 'BSKY_HANDLE', appPassword: 'BSKY_APP_PASSWORD' } },
        { clock, credentials: { identifier: 'me.bsky.social', appPassword: 'xxxx-xxxx-xxxx-xxxx' } },
      ),
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it('logs in once, searches the latest posts since the backfill, and fills in follower counts from getProfiles', async () => {
    const result = await connector.poll({ cursor });
    expect(JSON.parse(server.requestsTo(SESSION)[0]!.body)).toEqual({ identifier: 'me.bsky.social', password: 'xxxx-xxxx-xxxx-xxxx' });
    const search = server.requestsTo(SEARCH)[0]!;
    expect(search.headers.authorization).toBe('Bearer access-1');
    expect(Object.fromEntries(search.url.searchParams)).toEqual({ q: 'acme', sort: 'latest', limit: '100', since: new Date(T0 - 3_600_000 - 120_000).toISOString() });
    expect(server.requestsTo(PROFILES)[0]!.url.searchParams.getAll('actors')).toEqual(['did:plc:abc123']);
    expect(result.mentions).toEqual([
      {
        platform: 'bluesky',
        externalId: 'at://did:plc:abc123/app.bsky.feed.post/3l5xyzabc2k2a',
        url: 'https://bsky.app/profile/alice.bsky.social/post/3l5xyzabc2k2a',
        text: 'Trying Acme today',
        lang: 'en',
        author: { handle: 'alice.bsky.social', name: 'Alice', url: 'https://bsky.app/profile/alice.bsky.social', followers: 1520 },
        createdAt: '2026-09-01T12:34:56.789Z',
        engagement: { likes: 10, reposts: 2, replies: 1, quotes: 0 },
        matchedBrands: ['acme'],
        sourceId: 'bluesky-test',
      },
    ]);
    expect(result.skipped).toBe(1);
    expect(result.waitMs).toBe(500);
    expect(result.cursor).toMatchObject({ feeds: { search: { more: true, state: { walk: { page: '25' } } } } });
    cursor = result.cursor;
  });

  it('a 429 waits for RateLimit-Reset (epoch seconds); a 500 is retried', async () => {
    const limited = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(60_000);
    const failed = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect((failed as ConnectorError).retriable).toBe(true);
  });

  it('an expired token is refreshed (not a new login) and the page asked again; replies and quotes point at their posts', async () => {
    const result = await connector.poll({ cursor });
    expect(server.requestsTo(SESSION)).toHaveLength(1);
    expect(server.requestsTo(REFRESH)[0]!.headers.authorization).toBe('Bearer refresh-1');
    expect(server.requestsTo(SEARCH).at(-1)!.headers.authorization).toBe('Bearer access-2');
    expect(server.requestsTo(SEARCH).at(-1)!.url.searchParams.get('cursor')).toBe('25');
    // The profile lookup failed: the mention goes out without a follower count.
    expect(result.mentions).toEqual([
      {
        platform: 'bluesky',
        externalId: 'at://did:plc:def/app.bsky.feed.post/3l5xyzabc2k28',
        url: 'https://bsky.app/profile/bob.bsky.social/post/3l5xyzabc2k28',
        text: 'Globex quoted acme',
        lang: 'en-US',
        author: { handle: 'bob.bsky.social', url: 'https://bsky.app/profile/bob.bsky.social' },
        createdAt: '2026-09-01T12:20:00.000Z',
        engagement: { likes: 10, reposts: 2, replies: 1, quotes: 0 },
        inReplyTo: { externalId: 'at://did:plc:abc123/app.bsky.feed.post/parent', url: 'https://bsky.app/profile/did:plc:abc123/post/parent' },
        quoteOf: { externalId: 'at://did:plc:abc123/app.bsky.feed.post/3l5xyzabc2k2a', url: 'https://bsky.app/profile/did:plc:abc123/post/3l5xyzabc2k2a' },
        matchedBrands: ['acme', 'globex'],
        sourceId: 'bluesky-test',
      },
    ]);
    // The walk is over: the mark is the newest post's sort time, min(createdAt, indexedAt).
    expect(result.cursor).toMatchObject({ feeds: { search: { more: false, state: { mark: { at: Date.parse('2026-09-01T12:34:56.789Z') } } } } });
    expect(result.waitMs).toBe(60_000);
    cursor = result.cursor;
  });

  it('an empty page keeps the mark; no requests left waits RateLimit-Reset seconds', async () => {
    clock.advance(60_000);
    const result = await connector.poll({ cursor });
    expect(server.requestsTo(SEARCH).at(-1)!.url.searchParams.get('since')).toBe('2026-09-01T12:32:56.789Z');
    expect(result.mentions).toEqual([]);
    expect(result.cursor).toMatchObject({ feeds: { search: { state: { mark: { at: Date.parse('2026-09-01T12:34:56.789Z') } } } } });
    expect(result.waitMs).toBe(120_000);
  });
});
