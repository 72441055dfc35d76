import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Mention } from '@earshot/domain';
import { FakeJetstream, FakeServer, hackerNewsSearch, jetstreamPost } from '@earshot/connectors/testing';
import { waitFor } from '../../../test/support/wait.js';

/**
 * One fake of every platform, each serving one post that mentions a brand
 * and one that does not, in the platform's own response shape; the sources
 * (YAML) pointing at them; the env holding their credentials; and the
 * mentions a user should see on mentions.raw.
 */
export interface Platforms {
  sourcesYaml: string;
  env: Record<string, string>;
  expected: Mention[];
  /** Sends the firehose its events once the ingestor is connected. */
  feedFirehose(): Promise<void>;
  close(): Promise<void>;
}

export async function startPlatforms(): Promise<Platforms> {
  const now = Date.now();
  const minutesAgo = (minutes: number) => new Date(now - minutes * 60_000);
  const iso = (date: Date) => date.toISOString();
  const seconds = (date: Date) => Math.floor(date.getTime() / 1000);
  // Whole seconds, since several platforms only have those.
  const t1 = new Date(Math.floor(minutesAgo(10).getTime() / 1000) * 1000);
  const t2 = new Date(Math.floor(minutesAgo(20).getTime() / 1000) * 1000);

  const [x, reddit, hn, mastodon, bluesky, youtube, feeds, stackexchange] = await Promise.all(Array.from({ length: 8 }, () => FakeServer.start()));
  const jetstream = await FakeJetstream.start();
  const servers = [x!, reddit!, hn!, mastodon!, bluesky!, youtube!, feeds!, stackexchange!];

  x!.script('GET /2/tweets/search/recent', [
    {
      body: {
        data: [
          { id: '1900000000000000002', text: 'Is @acme down for anyone else?', author_id: '42', created_at: iso(t1), lang: 'en', public_metrics: { retweet_count: 1, reply_count: 2, like_count: 3, quote_count: 0, impression_count: 400 } },
          { id: '1900000000000000001', text: 'good morning', author_id: '42', created_at: iso(t2), lang: 'en', public_metrics: { retweet_count: 0, reply_count: 0, like_count: 0, quote_count: 0 } },
        ],
        includes: { users: [{ id: '42', username: 'annoyed_dev', name: 'Annoyed Dev', verified: false, public_metrics: { followers_count: 830 } }] },
        meta: { newest_id: '1900000000000000002', oldest_id: '1900000000000000001', result_count: 2 },
      },
    },
  ], { body: { meta: { result_count: 0 } } });

  reddit!.on('POST /api/v1/access_token', () => ({ body: { access_token: 'reddit-token', token_type: 'bearer', expires_in: 86_400, scope: '*' } }));
  reddit!.script('GET /search', [
    {
      body: {
        kind: 'Listing',
        data: {
          after: null,
          children: [
            { kind: 't3', data: { id: 'abc1', name: 't3_abc1', title: 'Globex pricing changed?', selftext: 'Anyone else see the new tiers?', author: 'buyer42', created_utc: seconds(t1), permalink: '/r/saas/comments/abc1/globex_pricing_changed/', score: 12, num_comments: 4 } },
            { kind: 't3', data: { id: 'abc0', name: 't3_abc0', title: 'Weekly thread', selftext: '', author: 'automod', created_utc: seconds(t2), permalink: '/r/saas/comments/abc0/weekly_thread/', score: 1, num_comments: 0 } },
          ],
        },
      },
    },
  ], { body: { kind: 'Listing', data: { after: null, children: [] } } });

  hn!.on('GET /api/v1/search_by_date', hackerNewsSearch(() => [
    { objectID: '43000001', author: 'pg_fan', created_at_i: seconds(t1), comment_text: 'We replaced our queue with <i>Acme</i> last year.', parent_id: 43000000, story_id: 43000000, points: null, _tags: ['comment'] },
    { objectID: '43000000', author: 'founder', created_at_i: seconds(t2), title: 'Show HN: a queue', url: 'https://q.example', points: 10, num_comments: 1, _tags: ['story'] },
  ]));

  mastodon!.script('GET /api/v1/timelines/tag/acme', [
    {
      body: [
        {
          id: ((BigInt(t1.getTime()) << 16n) + 1n).toString(),
          uri: 'https://fosstodon.org/users/carol/statuses/111',
          url: 'https://fosstodon.org/@carol/111',
          created_at: iso(t1),
          content: '<p>Loving the new <a href="https://fosstodon.org/tags/acme" class="mention hashtag">#<span>acme</span></a> release</p>',
          language: 'en',
          spoiler_text: '',
          replies_count: 0,
          reblogs_count: 4,
          favourites_count: 9,
          quotes_count: 0,
          reblog: null,
          account: { id: '7', username: 'carol', acct: 'carol@fosstodon.org', display_name: 'Carol', url: 'https://fosstodon.org/@carol', followers_count: 310 },
        },
      ],
    },
  ], { body: [] });

  bluesky!.on('POST /xrpc/com.atproto.server.createSession', () => ({ body: { accessJwt: 'jwt-access', refreshJwt: 'jwt-refresh', did: 'did:plc:me', handle: 'me.test' } }));
  bluesky!.script('GET /xrpc/app.bsky.feed.searchPosts', [
    {
      body: {
        posts: [
          {
            uri: 'at://did:plc:dana/app.bsky.feed.post/3labc',
            cid: 'bafy',
            author: { did: 'did:plc:dana', handle: 'dana.bsky.social', displayName: 'Dana' },
            record: { $type: 'app.bsky.feed.post', text: 'acme refund took 3 weeks', createdAt: iso(t1), langs: ['en'] },
            replyCount: 0,
            repostCount: 1,
            likeCount: 2,
            quoteCount: 0,
            indexedAt: iso(t1),
          },
        ],
      },
    },
  ], { body: { posts: [] } });
  bluesky!.on('GET /xrpc/app.bsky.actor.getProfiles', () => ({ body: { profiles: [{ did: 'did:plc:dana', handle: 'dana.bsky.social', followersCount: 77 }] } }));

  youtube!.script('GET /youtube/v3/commentThreads', [
    {
      body: {
        kind: 'youtube#commentThreadListResponse',
        items: [
          {
            id: 'UgzYT1',
            snippet: {
              videoId: 'vid123',
              totalReplyCount: 0,
              topLevelComment: {
                id: 'UgzYT1',
                snippet: { videoId: 'vid123', textOriginal: 'Globex sponsor spot was too long', authorDisplayName: '@viewer', authorChannelId: { value: 'UCviewer' }, likeCount: 5, publishedAt: iso(t1) },
              },
            },
          },
        ],
      },
    },
  ], { body: { kind: 'youtube#commentThreadListResponse', items: [] } });
  youtube!.on('GET /youtube/v3/channels', () => ({ body: { items: [{ id: 'UCviewer', statistics: { subscriberCount: '15' } }] } }));

  feeds!.on('GET /alerts/feed', () => ({
    headers: { 'content-type': 'application/atom+xml' },
    body: `<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Google Alert - acme</title>
      <entry><id>tag:google.com,2013:googlealerts/feed:1</id><title type="html">&lt;b&gt;Acme&lt;/b&gt; recalls a product</title>
      <link href="https://www.google.com/url?rct=j&amp;sa=t&amp;url=https://news.example.com/recall&amp;ct=ga"/><published>${iso(t1)}</published>
      <content type="html">The &lt;b&gt;Acme&lt;/b&gt; recall covers 3 models.</content><author><name/></author></entry></feed>`,
  }));

  stackexchange!.script('GET /2.3/search/advanced', [
    {
      gzip: true,
      body: {
        items: [
          { question_id: 79100001, title: 'Acme SDK throws on init', body: '<p>Stack trace below.</p>', link: 'https://stackoverflow.com/questions/79100001/acme-sdk', creation_date: seconds(t1), owner: { display_name: 'Q Asker', link: 'https://stackoverflow.com/users/9/q-asker', reputation: 5 }, score: 0, answer_count: 0, view_count: 3 },
        ],
        has_more: false,
        quota_max: 10000,
        quota_remaining: 9000,
      },
    },
  ], { gzip: true, body: { items: [], has_more: false, quota_max: 10000, quota_remaining: 8999 } });

  const file = join(mkdtempSync(join(tmpdir(), 'earshot-platforms-')), 'replay.ndjson');
  const replayed = { platform: 'x', externalId: '1900000000000000100', url: 'https://x.com/fan/status/1900000000000000100', text: 'acme support fixed it in 5 minutes', author: { handle: 'fan' }, createdAt: iso(t2), engagement: { likes: 1 } };
  writeFileSync(file, `${JSON.stringify(replayed)}\n${JSON.stringify({ ...replayed, externalId: '1900000000000000101', text: 'nothing here' })}\n`);

  const jetstreamTimeUs = t1.getTime() * 1000;
  const sourcesYaml = [
    `  - { id: x-search, platform: x, baseUrl: '${x!.url}', query: 'acme OR globex', every: 1s, credentials: { bearerToken: X_BEARER_TOKEN } }`,
    `  - { id: reddit-search, platform: reddit, baseUrl: '${reddit!.url}', query: globex, every: 1s, credentials: { clientId: REDDIT_CLIENT_ID, clientSecret: REDDIT_CLIENT_SECRET } }`,
    `  - { id: hn, platform: hackernews, baseUrl: '${hn!.url}', every: 1s }`,
    `  - { id: fediverse, platform: mastodon, baseUrl: '${mastodon!.url}', hashtags: [acme], every: 1s }`,
    `  - { id: bsky-search, platform: bluesky, baseUrl: '${bluesky!.url}', query: acme, every: 1s, credentials: { identifier: BSKY_IDENTIFIER, appPassword: BSKY_APP_PASSWORD } }`,
    `  - { id: bsky-firehose, platform: bluesky-jetstream, baseUrl: '${jetstream.url}', appViewUrl: '${bluesky!.url}', every: 1s }`,
    `  - { id: yt, platform: youtube, baseUrl: '${youtube!.url}', videoIds: [vid123], every: 1s, credentials: { apiKey: YOUTUBE_API_KEY } }`,
    `  - { id: alerts, platform: rss, url: '${feeds!.url}/alerts/feed', every: 1s }`,
    `  - { id: so, platform: stackexchange, baseUrl: '${stackexchange!.url}', query: acme, every: 1s }`,
    `  - { id: replay, platform: file, path: '${file}', every: 1s }`,
  ].join('\n') + '\n';

  const expected: Mention[] = [
    {
      platform: 'x', externalId: '1900000000000000002', url: 'https://x.com/annoyed_dev/status/1900000000000000002', text: 'Is @acme down for anyone else?', lang: 'en',
      author: { handle: 'annoyed_dev', name: 'Annoyed Dev', url: 'https://x.com/annoyed_dev', followers: 830, verified: false },
      createdAt: iso(t1), engagement: { likes: 3, reposts: 1, replies: 2, quotes: 0, views: 400 }, matchedBrands: ['acme'], sourceId: 'x-search',
    },
    {
      platform: 'reddit', externalId: 't3_abc1', url: 'https://www.reddit.com/r/saas/comments/abc1/globex_pricing_changed/', title: 'Globex pricing changed?', text: 'Anyone else see the new tiers?',
      author: { handle: 'buyer42', url: 'https://www.reddit.com/user/buyer42' }, createdAt: iso(t1), engagement: { likes: 12, replies: 4 }, matchedBrands: ['globex'], sourceId: 'reddit-search',
    },
    {
      platform: 'hackernews', externalId: '43000001', url: 'https://news.ycombinator.com/item?id=43000001', text: 'We replaced our queue with Acme last year.',
      author: { handle: 'pg_fan', url: 'https://news.ycombinator.com/user?id=pg_fan' }, createdAt: iso(t1), engagement: {},
      inReplyTo: { externalId: '43000000', url: 'https://news.ycombinator.com/item?id=43000000' }, matchedBrands: ['acme'], sourceId: 'hn',
    },
    {
      platform: 'mastodon', externalId: 'https://fosstodon.org/users/carol/statuses/111', url: 'https://fosstodon.org/@carol/111', text: 'Loving the new #acme release', lang: 'en',
      author: { handle: 'carol@fosstodon.org', name: 'Carol', url: 'https://fosstodon.org/@carol', followers: 310 }, createdAt: iso(t1),
      engagement: { likes: 9, reposts: 4, replies: 0, quotes: 0 }, matchedBrands: ['acme'], sourceId: 'fediverse',
    },
    {
      platform: 'bluesky', externalId: 'at://did:plc:dana/app.bsky.feed.post/3labc', url: 'https://bsky.app/profile/dana.bsky.social/post/3labc', text: 'acme refund took 3 weeks', lang: 'en',
      author: { handle: 'dana.bsky.social', name: 'Dana', url: 'https://bsky.app/profile/dana.bsky.social', followers: 77 }, createdAt: iso(t1),
      engagement: { likes: 2, reposts: 1, replies: 0, quotes: 0 }, matchedBrands: ['acme'], sourceId: 'bsky-search',
    },
    {
      platform: 'bluesky', externalId: 'at://did:plc:dana/app.bsky.feed.post/3lfire', url: 'https://bsky.app/profile/dana.bsky.social/post/3lfire', text: 'switching to globex tomorrow', lang: 'en',
      author: { handle: 'dana.bsky.social', url: 'https://bsky.app/profile/dana.bsky.social', followers: 77 }, createdAt: new Date(t1.getTime() - 500).toISOString(),
      engagement: {}, matchedBrands: ['globex'], sourceId: 'bsky-firehose',
    },
    {
      platform: 'youtube', externalId: 'UgzYT1', url: 'https://www.youtube.com/watch?v=vid123&lc=UgzYT1', text: 'Globex sponsor spot was too long',
      author: { handle: 'viewer', name: '@viewer', url: 'https://www.youtube.com/channel/UCviewer', followers: 15 }, createdAt: iso(t1),
      engagement: { likes: 5, replies: 0 }, inReplyTo: { externalId: 'vid123', url: 'https://www.youtube.com/watch?v=vid123' }, matchedBrands: ['globex'], sourceId: 'yt',
    },
    {
      platform: 'rss', externalId: 'tag:google.com,2013:googlealerts/feed:1', url: 'https://news.example.com/recall', title: 'Acme recalls a product', text: 'The Acme recall covers 3 models.',
      author: { handle: 'news.example.com' }, createdAt: iso(t1), engagement: {}, matchedBrands: ['acme'], sourceId: 'alerts',
    },
    {
      platform: 'stackexchange', externalId: '79100001', url: 'https://stackoverflow.com/questions/79100001/acme-sdk', title: 'Acme SDK throws on init', text: 'Stack trace below.',
      author: { handle: 'Q Asker', url: 'https://stackoverflow.com/users/9/q-asker' }, createdAt: iso(t1), engagement: { likes: 0, replies: 0, views: 3 }, matchedBrands: ['acme'], sourceId: 'so',
    },
    { ...replayed, author: { handle: 'fan' }, matchedBrands: ['acme'], sourceId: 'replay' },
  ];

  return {
    sourcesYaml,
    env: {
      X_BEARER_TOKEN: 'x-secret',
      REDDIT_CLIENT_ID: 'reddit-id',
      REDDIT_CLIENT_SECRET: 'reddit-secret',
      BSKY_IDENTIFIER: 'me.test',
      BSKY_APP_PASSWORD: 'app-password',
      YOUTUBE_API_KEY: 'yt-key',
    },
    expected,
    async feedFirehose() {
      await waitFor(() => jetstream.openConnections > 0, { what: 'the ingestor to open the firehose' });
      jetstream.send(
        jetstreamPost('did:plc:dana', '3lfire', jetstreamTimeUs, 'switching to globex tomorrow'),
        jetstreamPost('did:plc:erin', '3lnoise', jetstreamTimeUs + 1, 'what a sunny day'),
      );
    },
    async close() {
      await Promise.all([...servers.map((server) => server.close()), jetstream.close()]);
    },
  };
}
