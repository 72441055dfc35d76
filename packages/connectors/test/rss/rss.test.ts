import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, RateLimitedError, createRssConnector, unwrapRedirect, type Connector, type CursorValue } from '../../src/index.js';
import { connectorContext, FakeServer, TestClock } from '../support/index.js';

const T0 = Date.parse('2026-09-01T16:30:00.000Z');
const ALERTS = 'GET /alerts/feeds/17849810695950872924/15842463258895766468';
const BLOG = 'GET /blog/rss.xml';
const atom = { 'content-type': 'application/atom+xml; charset=utf-8' };
const rss = { 'content-type': 'application/rss+xml; charset=utf-8' };

const googleAlert = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:idx="urn:atom-extension:indexing">
  <id>tag:google.com,2005:reader/user/17849810695950872924/state/com.google/alerts/15842463258895766468</id>
  <title>Google Alert - acme</title>
  <link href="https://www.google.com/alerts/feeds/17849810695950872924/15842463258895766468" rel="self"/>
  <updated>2026-09-01T16:18:45Z</updated>
  <entry>
    <id>tag:google.com,2013:googlealerts/feed:12501224780620368192</id>
    <title type="html">Why &lt;b&gt;Acme&lt;/b&gt; matters &amp;amp; more</title>
    <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://news.example.com/acme-matters&amp;ct=ga&amp;cd=CAIyGjQ&amp;usg=AOvVaw0"/>
    <published>2026-09-01T14:26:15Z</published>
    <updated>2026-09-01T14:26:15Z</updated>
    <content type="html">Analysts say &lt;b&gt;Acme&lt;/b&gt; announced a recall &amp;nbsp;today ...</content>
    <author><name/></author>
  </entry>
  <entry>
    <content type="html">an entry with nothing to identify it</content>
  </entry>
  <entry>
    <id>tag:google.com,2013:googlealerts/feed:1111</id>
    <title type="html">&lt;b&gt;Acme&lt;/b&gt; last week</title>
    <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://old.example.com/acme&amp;ct=ga"/>
    <published>2026-08-25T10:00:00Z</published>
    <content type="html">old news about &lt;b&gt;Acme&lt;/b&gt;</content>
  </entry>
</feed>`;

function blog(items: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
  <channel>
    <title>Ops blog</title><link>https://blog.example.org/</link><language>en-us</language>
    ${items}
  </channel>
</rss>`;
}
const firstPost = `<item>
      <title>Migrating off Globex</title>
      <link>https://blog.example.org/posts/globex</link>
      <guid isPermaLink="false">12345</guid>
      <pubDate>Tue, 01 Sep 2026 15:00:00 GMT</pubDate>
      <dc:creator>Jane Ops</dc:creator>
      <description><![CDATA[<p>We left <em>Globex</em> for good.</p><p>Details inside.</p>]]></description>
    </item>`;
const secondPost = `<item>
      <title>Acme, a month later</title>
      <link>https://blog.example.org/posts/acme</link>
      <guid>https://blog.example.org/posts/acme</guid>
      <pubDate>Tue, 01 Sep 2026 16:35:00 +0000</pubDate>
      <description>Still happy with acme.</description>
    </item>`;

describe('rss connector (Atom, Google Alerts, RSS 2.0)', () => {
  let server: FakeServer;
  let connector: Connector;
  const clock = new TestClock(T0);
  let cursor: CursorValue | null = null;

  beforeAll(async () => {
    server = await FakeServer.start();
    server.script(ALERTS, [{ headers: { ...atom, etag: '"v1"' }, body: googleAlert }, { status: 304, headers: { etag: '"v1"' } }]);
    server.script(BLOG, [
      { status: 503, body: 'Service Unavailable' },
      { status: 429, headers: { 'retry-after': '120' }, body: 'slow down' },
      { headers: { 'content-type': 'text/html' }, body: '<!DOCTYPE html><html><body><p>Cloudflare: checking your browser<br></body></html>' },
      { headers: rss, body: blog(firstPost), truncate: true },
      { headers: { ...rss, 'last-modified': 'Tue, 01 Sep 2026 15:00:00 GMT' }, body: blog(firstPost) },
      { headers: rss, body: blog(secondPost + firstPost) },
    ]);
    connector = createRssConnector(
      connectorContext({ platform: 'rss', urls: [`${server.url}${ALERTS.slice(4)}`, `${server.url}${BLOG.slice(4)}`] }, { clock }),
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it('unwraps Google redirect links, strips HTML, credits the linked site, and leaves out entries older than the backfill', async () => {
    const result = await connector.poll({ cursor });
    expect(result.mentions).toEqual([
      {
        platform: 'rss',
        externalId: 'tag:google.com,2013:googlealerts/feed:12501224780620368192',
        url: 'https://news.example.com/acme-matters',
        title: 'Why Acme matters & more',
        text: 'Analysts say Acme announced a recall  today ...',
        author: { handle: 'news.example.com' },
        createdAt: '2026-09-01T14:26:15.000Z',
        engagement: {},
        matchedBrands: ['acme'],
        sourceId: 'rss-test',
      },
    ]);
    expect(result.fetched).toBe(3);
    expect(result.skipped).toBe(1);
    // The blog feed has not been read yet: go on after the 1 s floor.
    expect(result.waitMs).toBe(1_000);
    expect(result.cursor).toMatchObject({ feeds: { [`${server.url}${ALERTS.slice(4)}`]: { state: { etag: '"v1"', since: T0 - 86_400_000 } } } });
    cursor = result.cursor;
  });

  it('a 5xx, a 429 (Retry-After), an HTML page and a truncated feed are retried without moving on', async () => {
    const errors = [];
    for (let i = 0; i < 4; i += 1) errors.push(await connector.poll({ cursor }).catch((e: unknown) => e));
    expect(errors.map((e) => (e as ConnectorError).retriable)).toEqual([true, true, true, true]);
    expect(errors[1]).toBeInstanceOf(RateLimitedError);
    expect((errors[1] as RateLimitedError).retryAfterMs).toBe(120_000);
    expect((errors[2] as Error).message).toMatch(/not well-formed XML/);
    expect(server.requestsTo(BLOG)).toHaveLength(4);
    expect(server.requestsTo(ALERTS)).toHaveLength(1);
  });

  it('reads RSS 2.0: guid, pubDate, dc:creator, HTML description, channel language', async () => {
    const result = await connector.poll({ cursor });
    expect(result.mentions).toEqual([
      {
        platform: 'rss',
        externalId: '12345',
        url: 'https://blog.example.org/posts/globex',
        title: 'Migrating off Globex',
        text: 'We left Globex for good.\n\nDetails inside.',
        lang: 'en-us',
        author: { handle: 'Jane Ops', name: 'Jane Ops' },
        createdAt: '2026-09-01T15:00:00.000Z',
        engagement: {},
        matchedBrands: ['globex'],
        sourceId: 'rss-test',
      },
    ]);
    // Both feeds are read: the alerts feed is due ten minutes after its read.
    expect(result.waitMs).toBe(10 * 60_000);
    cursor = result.cursor;
  });

  it('asks conditionally (304 means nothing new) and publishes only entries not seen before', async () => {
    clock.advance(10 * 60_000);
    const unchanged = await connector.poll({ cursor });
    expect(server.requestsTo(ALERTS).at(-1)!.headers['if-none-match']).toBe('"v1"');
    expect(unchanged.mentions).toEqual([]);
    cursor = unchanged.cursor;

    const next = await connector.poll({ cursor });
    expect(server.requestsTo(BLOG).at(-1)!.headers['if-modified-since']).toBe('Tue, 01 Sep 2026 15:00:00 GMT');
    expect(next.mentions.map((mention) => [mention.externalId, mention.author.handle])).toEqual([['https://blog.example.org/posts/acme', 'blog.example.org']]);
  });

  it('unwraps only Google redirect links', () => {
    expect(unwrapRedirect('https://www.google.com/url?q=https://a.example/x&sa=U')).toBe('https://a.example/x');
    expect(unwrapRedirect('https://www.google.co.uk/url?url=https://b.example/y')).toBe('https://b.example/y');
    expect(unwrapRedirect('https://example.com/url?url=https://c.example/')).toBe('https://example.com/url?url=https://c.example/');
    expect(unwrapRedirect('https://www.google.com/url?url=javascript:alert(1)')).toBe('https://www.google.com/url?url=javascript:alert(1)');
  });
});
