import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, RateLimitedError, createRedditConnector, type Connector, type CursorValue } from '../../src/index.js';
import { connectorContext, FakeServer, TestClock } from '../support/index.js';

const T0 = Date.parse('2026-09-01T13:00:00.000Z');
const TOKEN = 'POST /api/v1/access_token';
const SEARCH = 'GET /r/devops/search';
const COMMENTS = 'GET /r/devops/comments';
const at = (isoTime: string) => Date.parse(isoTime) / 1000;

function post(id: string, title: string, createdUtc: number, extra: Record<string, unknown> = {}) {
  return {
    kind: 't3',
    data: {
      id,
      name: `t3_${id}`,
      title,
      selftext: '',
      author: 'someuser',
      author_fullname: 't2_abc123',
      subreddit: 'devops',
      subreddit_name_prefixed: 'r/devops',
      created_utc: createdUtc,
      permalink: `/r/devops/comments/${id}/${title.toLowerCase().replace(/\W+/g, '_')}/`,
      url: `https://www.reddit.com/r/devops/comments/${id}/`,
      score: 42,
      ups: 42,
      upvote_ratio: 0.93,
      num_comments: 17,
      over_18: false,
      ...extra,
    },
  };
}

function listing(children: unknown[], after: string | null) {
  return { kind: 'Listing', data: { after, before: null, dist: children.length, children } };
}

const limits = (remaining: string, reset: string) => ({ 'x-ratelimit-used': '1', 'x-ratelimit-remaining': remaining, 'x-ratelimit-reset': reset });

describe('reddit connector (OAuth client credentials; search and subreddit comments)', () => {
  let server: FakeServer;
  let connector: Connector;
  const clock = new TestClock(T0);
  let cursor: CursorValue | null = null;
  let tokens = 0;

  beforeAll(async () => {
    server = await FakeServer.start();
    server.on(TOKEN, () => {
      tokens += 1;
      return { body: { access_token: `token-${tokens}`, token_type: 'bearer', expires_in: 86_400, scope: '*' } };
    });
    server.script(SEARCH, [
      {
        headers: limits('99.0', '500'),
        body: listing(
          [
            post('1f2abc9', 'Anyone tried Acme?', at('2026-09-01T12:50:00Z'), { selftext: 'Thinking of moving our CI to it.' }),
            { kind: 't3', data: { name: 't3_broken', author: 'x' } },
            post('1f2abc8', 'Kubernetes question', at('2026-09-01T12:45:00Z')),
          ],
          't3_1f2abc8',
        ),
      },
      { status: 429, headers: limits('0', '120'), body: { message: 'Too Many Requests', error: 429 } },
      { status: 500, headers: { 'content-type': 'text/html' }, body: '<html><body>Our CDN was unable to reach our servers</body></html>' },
      {
        headers: limits('98', '400'),
        body: listing([post('1f2abc7', 'Acme outage again', at('2026-09-01T12:30:00Z'), { score: -3 }), post('1f2old', 'Acme from yesterday', at('2026-08-31T12:00:00Z'))], 't3_1f2old'),
      },
      { status: 401, body: { message: 'Unauthorized', error: 401 } },
      { headers: limits('97', '300'), body: listing([], null) },
    ]);
    server.script(COMMENTS, [
      {
        headers: limits('0.4', '300'),
        body: listing(
          [
            {
              kind: 't1',
              data: {
                id: 'kx1',
                name: 't1_kx1',
                body: 'acme is down for me too',
                body_html: '&lt;div&gt;acme is down for me too&lt;/div&gt;',
                author: 'ops_person',
                author_fullname: 't2_zzz',
                link_id: 't3_1f2abc7',
                parent_id: 't3_1f2abc7',
                subreddit: 'devops',
                created_utc: at('2026-09-01T12:55:00Z'),
                permalink: '/r/devops/comments/1f2abc7/acme_outage_again/kx1/',
                score: 5,
                link_title: 'Acme outage again',
              },
            },
          ],
          null,
        ),
      },
    ]);
    connector = createRedditConnector(
      connectorContext(
        { platform: 'reddit', baseUrl: server.url, query: 'acme', subreddits: ['devops'], credentials: { clientId: 'REDDIT_ID', clientSecret: 'REDDIT_SECRET' } },
        { clock, credentials: { clientId: 'app-id', clientSecret: 'app-secret' } },
      ),
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it('gets an app-only token, then searches newest first; spreads what X-Ratelimit-Remaining allows over X-Ratelimit-Reset', async () => {
    const result = await connector.poll({ cursor });
    const tokenRequest = server.requestsTo(TOKEN)[0]!;
    expect(tokenRequest.headers.authorization).toBe(`Basic ${Buffer.from('app-id:app-secret').toString('base64')}`);
    expect(tokenRequest.body).toBe('grant_type=client_credentials');
    const search = server.requestsTo(SEARCH)[0]!;
    expect(search.headers.authorization).toBe('bearer token-1');
    expect(search.headers['user-agent']).toMatch(/^earshot:reddit-test:/);
    expect(Object.fromEntries(search.url.searchParams)).toMatchObject({ q: 'acme', sort: 'new', restrict_sr: '1', limit: '100', raw_json: '1' });

    expect(result.mentions).toEqual([
      {
        platform: 'reddit',
        externalId: 't3_1f2abc9',
        url: 'https://www.reddit.com/r/devops/comments/1f2abc9/anyone_tried_acme_/',
        title: 'Anyone tried Acme?',
        text: 'Thinking of moving our CI to it.',
        author: { handle: 'someuser', url: 'https://www.reddit.com/user/someuser' },
        createdAt: '2026-09-01T12:50:00.000Z',
        engagement: { likes: 42, replies: 17 },
        matchedBrands: ['acme'],
        sourceId: 'reddit-test',
      },
    ]);
    expect(result.skipped).toBe(1);
    expect(result.waitMs).toBe(Math.ceil(500_000 / 99));
    expect(result.cursor).toMatchObject({
      feeds: { search: { more: true, polledAt: T0, state: { mark: { at: T0 - 3_600_000 }, walk: { page: 't3_1f2abc8' } } } },
    });
    cursor = result.cursor;
  });

  it('a 429 waits X-Ratelimit-Reset seconds; a 5xx HTML page is retriable; the same page is asked again', async () => {
    const limited = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBe(120_000);
    const failed = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ConnectorError);
    expect((failed as ConnectorError).retriable).toBe(true);
    expect(server.requestsTo(SEARCH).slice(1).map((r) => r.url.searchParams.get('after'))).toEqual(['t3_1f2abc8', 't3_1f2abc8']);
  });

  it('the page reaching the mark ends the walk: the mark moves to the newest post and the comments feed is next', async () => {
    clock.advance(5_000);
    const result = await connector.poll({ cursor });
    expect(result.mentions.map((m) => [m.externalId, m.engagement])).toEqual([['t3_1f2abc7', { replies: 17 }]]);
    expect(result.cursor).toMatchObject({
      feeds: { search: { more: false, polledAt: T0 + 5_000, state: { mark: { at: Date.parse('2026-09-01T12:50:00Z') } } } },
    });
    expect((result.cursor as { feeds: { search: { state: object } } }).feeds.search.state).not.toHaveProperty('walk');
    // The comments feed was never polled: go on at once (above Reddit's pacing).
    expect(result.waitMs).toBe(Math.ceil(400_000 / 98));
    cursor = result.cursor;
  });

  it('subreddit comments are matched locally; under one request left, wait for the reset', async () => {
    clock.advance(5_000);
    const result = await connector.poll({ cursor });
    expect(result.mentions).toEqual([
      {
        platform: 'reddit',
        externalId: 't1_kx1',
        url: 'https://www.reddit.com/r/devops/comments/1f2abc7/acme_outage_again/kx1/',
        text: 'acme is down for me too',
        author: { handle: 'ops_person', url: 'https://www.reddit.com/user/ops_person' },
        createdAt: '2026-09-01T12:55:00.000Z',
        engagement: { likes: 5 },
        inReplyTo: { externalId: 't3_1f2abc7' },
        matchedBrands: ['acme'],
        sourceId: 'reddit-test',
      },
    ]);
    expect(result.waitMs).toBe(300_000);
    cursor = result.cursor;
  });

  it('a 401 gets a fresh token and retries once; an empty listing leaves the mark and waits out the poll interval', async () => {
    clock.advance(60_000);
    const result = await connector.poll({ cursor });
    expect(tokens).toBe(2);
    expect(server.requestsTo(SEARCH).at(-1)!.headers.authorization).toBe('bearer token-2');
    expect(result.mentions).toEqual([]);
    expect(result.cursor).toMatchObject({ feeds: { search: { state: { mark: { at: Date.parse('2026-09-01T12:50:00Z') } } } } });
    // The comments feed was polled 60 s ago; the search just now: next is the comments feed, due now (pacing above 600 ms).
    expect(result.waitMs).toBe(Math.ceil(300_000 / 97));
  });
});
