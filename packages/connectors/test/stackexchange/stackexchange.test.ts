import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, RateLimitedError, createStackExchangeConnector, type Connector, type CursorValue } from '../../src/index.js';
import { connectorContext, FakeServer, TestClock } from '../support/index.js';

// 18:00 UTC: six hours of the quota day left.
const T0 = Date.parse('2026-09-01T18:00:00.000Z');
const SEARCH = 'GET /2.3/search/advanced';
const SIX_HOURS = 6 * 3_600_000;

function question(id: number, title: string, created: string, extra: Record<string, unknown> = {}) {
  return {
    tags: ['node.js', 'acme'],
    owner: { account_id: 123, reputation: 1520, user_id: 456, user_type: 'registered', display_name: 'Dev &amp; Person', link: 'https://stackoverflow.com/users/456/dev-person' },
    is_answered: false,
    view_count: 37,
    answer_count: 1,
    score: 2,
    last_activity_date: Date.parse(created) / 1000,
    creation_date: Date.parse(created) / 1000,
    question_id: id,
    content_license: 'CC BY-SA 4.0',
    link: `https://stackoverflow.com/questions/${id}/how-to`,
    title,
    body: '<p>I&#39;m trying to configure <code>acme</code> with node.</p>',
    ...extra,
  };
}

describe('stackexchange connector (search/advanced)', () => {
  let server: FakeServer;
  let connector: Connector;
  const clock = new TestClock(T0);
  let cursor: CursorValue | null = null;

  beforeAll(async () => {
    server = await FakeServer.start();
    server.script(SEARCH, [
      {
        gzip: true,
        body: {
          items: [question(79000002, 'How to configure Acme&#39;s CLI?', '2026-09-01T17:30:00Z'), { question_id: 'nope' }],
          has_more: true,
          quota_max: 10000,
          quota_remaining: 9987,
        },
      },
      { status: 400, gzip: true, body: { error_id: 502, error_name: 'throttle_violation', error_message: 'too many requests from this IP, more requests available in 72 seconds' } },
      { status: 503, gzip: true, body: { error_id: 503, error_name: 'temporarily_unavailable', error_message: 'The service is unavailable' } },
      { gzip: true, body: { items: [question(79000001, 'Acme vs Globex', '2026-09-01T17:00:00Z', { score: -1 })], has_more: false, quota_max: 10000, quota_remaining: 9986, backoff: 10 } },
      { gzip: true, body: { items: [], has_more: false, quota_max: 300, quota_remaining: 0 } },
    ]);
    connector = createStackExchangeConnector(
      connectorContext({ platform: 'stackexchange', baseUrl: server.url, query: 'acme', tagged: ['node.js'], credentials: { key: 'SE_KEY' } }, { clock, credentials: { key: 'app-key' } }),
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it('asks newest questions since the backfill with the body filter; the quota left is spread over the UTC day', async () => {
    const result = await connector.poll({ cursor });
    expect(Object.fromEntries(server.requestsTo(SEARCH)[0]!.url.searchParams)).toEqual({
      site: 'stackoverflow',
      q: 'acme',
      tagged: 'node.js',
      sort: 'creation',
      order: 'desc',
      fromdate: String((T0 - 24 * 3_600_000 - 300_000) / 1000),
      pagesize: '100',
      page: '1',
      filter: 'withbody',
      key: 'app-key',
    });
    expect(result.mentions).toEqual([
      {
        platform: 'stackexchange',
        externalId: '79000002',
        url: 'https://stackoverflow.com/questions/79000002/how-to',
        title: "How to configure Acme's CLI?",
        text: "I'm trying to configure acme with node.",
        author: { handle: 'Dev & Person', url: 'https://stackoverflow.com/users/456/dev-person' },
        createdAt: '2026-09-01T17:30:00.000Z',
        engagement: { likes: 2, replies: 1, views: 37 },
        matchedBrands: ['acme'],
        sourceId: 'stackexchange-test',
      },
    ]);
    expect(result.skipped).toBe(1);
    expect(result.waitMs).toBe(Math.ceil(SIX_HOURS / 9987));
    expect(result.cursor).toMatchObject({ feeds: { search: { more: true, state: { walk: { page: '2' } } } } });
    cursor = result.cursor;
  });

  it('a throttle_violation waits the seconds it names; temporarily_unavailable is retried', async () => {
    const throttled = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect(throttled).toBeInstanceOf(RateLimitedError);
    expect((throttled as RateLimitedError).retryAfterMs).toBe(72_000);
    const unavailable = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect(unavailable).toBeInstanceOf(ConnectorError);
    expect((unavailable as ConnectorError).retriable).toBe(true);
    expect(server.requestsTo(SEARCH).slice(1).map((r) => r.url.searchParams.get('page'))).toEqual(['2', '2']);
  });

  it('page 2 ends the walk and honours backoff; a spent quota waits for UTC midnight', async () => {
    const result = await connector.poll({ cursor });
    expect(result.mentions.map((m) => [m.externalId, m.matchedBrands, m.engagement])).toEqual([['79000001', ['acme', 'globex'], { replies: 1, views: 37 }]]);
    expect(result.cursor).toMatchObject({ feeds: { search: { more: false, state: { mark: { at: Date.parse('2026-09-01T17:30:00Z') } } } } });
    // backoff=10 s is shorter than the quota pacing and the 5-minute interval.
    expect(result.waitMs).toBe(300_000);
    cursor = result.cursor;

    clock.advance(300_000);
    const spent = await connector.poll({ cursor });
    expect(server.requestsTo(SEARCH).at(-1)!.url.searchParams.get('fromdate')).toBe(String(Date.parse('2026-09-01T17:25:00Z') / 1000));
    expect(spent.mentions).toEqual([]);
    expect(spent.waitMs).toBe(SIX_HOURS - 300_000);
  });
});
