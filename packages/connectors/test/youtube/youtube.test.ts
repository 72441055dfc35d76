import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, RateLimitedError, createYouTubeConnector, msUntilMidnight, type Connector, type CursorValue } from '../../src/index.js';
import { connectorContext, FakeServer, TestClock } from '../support/index.js';

// 13:00 UTC = 06:00 Pacific (PDT): 18 hours of the quota day left.
const T0 = Date.parse('2026-09-01T13:00:00.000Z');
const THREADS = 'GET /youtube/v3/commentThreads';
const CHANNELS = 'GET /youtube/v3/channels';
const EIGHTEEN_HOURS = 18 * 3_600_000;

function thread(id: string, videoId: string, text: string, publishedAt: string, channel = 'UCabc') {
  return {
    kind: 'youtube#commentThread',
    etag: 'etag',
    id,
    snippet: {
      channelId: 'UCxyz',
      videoId,
      canReply: true,
      totalReplyCount: 3,
      isPublic: true,
      topLevelComment: {
        kind: 'youtube#comment',
        etag: 'etag',
        id,
        snippet: {
          channelId: 'UCxyz',
          videoId,
          textDisplay: text,
          textOriginal: text,
          authorDisplayName: '@someone',
          authorProfileImageUrl: 'https://yt3.ggpht.com/a.jpg',
          authorChannelUrl: 'http://www.youtube.com/@someone',
          authorChannelId: { value: channel },
          canRate: true,
          viewerRating: 'none',
          likeCount: 12,
          publishedAt,
          updatedAt: publishedAt,
        },
      },
    },
  };
}

const quotaError = (reason: string) => ({ error: { code: 403, message: reason, errors: [{ message: reason, domain: 'youtube.quota', reason }] } });

describe('youtube connector (commentThreads.list)', () => {
  let server: FakeServer;
  let connector: Connector;
  const clock = new TestClock(T0);
  let cursor: CursorValue | null = null;

  beforeAll(async () => {
    server = await FakeServer.start();
    server.script(THREADS, [
      {
        body: {
          kind: 'youtube#commentThreadListResponse',
          etag: 'e',
          nextPageToken: 'QURTSl9p',
          pageInfo: { totalResults: 20, resultsPerPage: 20 },
          items: [thread('UgxAbc123', 'dQw4w9WgXcQ', 'Acme is great', '2026-09-01T12:34:56Z'), { kind: 'youtube#commentThread', id: 'UgxBroken' }, thread('UgxAbc122', 'dQw4w9WgXcQ', 'first!', '2026-09-01T12:30:00Z')],
        },
      },
      { status: 403, body: quotaError('rateLimitExceeded') },
      { status: 503, body: { error: { code: 503, message: 'backendError', errors: [{ reason: 'backendError' }] } } },
      { body: { kind: 'youtube#commentThreadListResponse', items: [thread('UgxAbc100', 'dQw4w9WgXcQ', 'globex did it better', '2026-09-01T12:10:00Z', 'UChidden')] } },
      { status: 403, body: { error: { code: 403, message: 'disabled', errors: [{ reason: 'commentsDisabled' }] } } },
      { body: { kind: 'youtube#commentThreadListResponse', pageInfo: { totalResults: 0, resultsPerPage: 100 }, items: [] } },
      { status: 403, body: quotaError('quotaExceeded') },
    ]);
    server.script(CHANNELS, [
      { body: { kind: 'youtube#channelListResponse', items: [{ kind: 'youtube#channel', id: 'UCabc', statistics: { viewCount: '10', subscriberCount: '4200', hiddenSubscriberCount: false, videoCount: '3' } }] } },
      { body: { kind: 'youtube#channelListResponse', items: [{ kind: 'youtube#channel', id: 'UChidden', statistics: { viewCount: '10', subscriberCount: '0', hiddenSubscriberCount: true } }] } },
    ]);
    connector = createYouTubeConnector(
      connectorContext(
        { platform: 'youtube', baseUrl: server.url, videoIds: ['dQw4w9WgXcQ', 'closedvideo'], dailyQuota: 1000, credentials: { apiKey: 'YT_KEY' } },
        { clock, credentials: { apiKey: 'yt-key' } },
      ),
    );
  });
  afterAll(async () => {
    await server.close();
  });

  it('reads the newest threads of the first video, looks up subscriber counts, and counts quota units', async () => {
    const result = await connector.poll({ cursor });
    expect(Object.fromEntries(server.requestsTo(THREADS)[0]!.url.searchParams)).toEqual({
      part: 'snippet',
      videoId: 'dQw4w9WgXcQ',
      maxResults: '100',
      order: 'time',
      textFormat: 'plainText',
      key: 'yt-key',
    });
    expect(server.requestsTo(CHANNELS)[0]!.url.searchParams.get('id')).toBe('UCabc');
    expect(result.mentions).toEqual([
      {
        platform: 'youtube',
        externalId: 'UgxAbc123',
        url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ&lc=UgxAbc123',
        text: 'Acme is great',
        author: { handle: 'someone', name: '@someone', url: 'https://www.youtube.com/channel/UCabc', followers: 4200 },
        createdAt: '2026-09-01T12:34:56.000Z',
        engagement: { likes: 12, replies: 3 },
        inReplyTo: { externalId: 'dQw4w9WgXcQ', url: 'https://www.youtube.com/watch?v=dQw4w9WgXcQ' },
        matchedBrands: ['acme'],
        sourceId: 'youtube-test',
      },
    ]);
    expect(result.skipped).toBe(1);
    // Two units spent of 1,000; the 998 left are spread over the 18 hours left of the Pacific day.
    expect(result.cursor).toMatchObject({ shared: { day: '2026-09-01', used: 2 }, feeds: { 'video:dQw4w9WgXcQ': { more: true, state: { walk: { page: 'QURTSl9p' } } } } });
    expect(result.waitMs).toBe(Math.ceil(EIGHTEEN_HOURS / 998));
    cursor = result.cursor;
  });

  it('rateLimitExceeded backs off (no wait given); a 503 is retried', async () => {
    const limited = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(RateLimitedError);
    expect((limited as RateLimitedError).retryAfterMs).toBeUndefined();
    const failed = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(ConnectorError);
    expect((failed as ConnectorError).retriable).toBe(true);
    expect(server.requestsTo(THREADS).slice(1).map((r) => r.url.searchParams.get('pageToken'))).toEqual(['QURTSl9p', 'QURTSl9p']);
  });

  it('the last page ends the walk; a hidden subscriber count stays unknown', async () => {
    const result = await connector.poll({ cursor });
    expect(result.mentions.map((m) => [m.externalId, m.author.followers, m.matchedBrands])).toEqual([['UgxAbc100', undefined, ['globex']]]);
    expect(result.cursor).toMatchObject({ shared: { used: 4 }, feeds: { 'video:dQw4w9WgXcQ': { more: false, state: { mark: { at: Date.parse('2026-09-01T12:34:56Z') } } } } });
    cursor = result.cursor;
  });

  it('a video with comments turned off is passed over; an empty page keeps the mark; quotaExceeded waits for Pacific midnight', async () => {
    clock.advance(1_000);
    const passedOver = await connector.poll({ cursor });
    expect(server.requestsTo(THREADS).at(-1)!.url.searchParams.get('videoId')).toBe('closedvideo');
    expect(passedOver.mentions).toEqual([]);
    expect(passedOver.cursor).toMatchObject({ feeds: { 'video:closedvideo': { polledAt: T0 + 1_000, more: false } } });
    // Both feeds polled: the next is due 15 minutes after the first.
    expect(passedOver.waitMs).toBe(15 * 60_000 - 1_000);
    cursor = passedOver.cursor;

    clock.advance(15 * 60_000);
    const empty = await connector.poll({ cursor });
    expect(server.requestsTo(THREADS).at(-1)!.url.searchParams.get('videoId')).toBe('dQw4w9WgXcQ');
    expect(empty.mentions).toEqual([]);
    expect(empty.cursor).toMatchObject({ shared: { used: 5 }, feeds: { 'video:dQw4w9WgXcQ': { state: { mark: { at: Date.parse('2026-09-01T12:34:56Z') } } } } });
    cursor = empty.cursor;

    const spent = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect(spent).toBeInstanceOf(RateLimitedError);
    expect((spent as RateLimitedError).retryAfterMs).toBe(msUntilMidnight(clock.ms, 'America/Los_Angeles'));
    expect((spent as RateLimitedError).retryAfterMs).toBe(EIGHTEEN_HOURS - 15 * 60_000 - 1_000);
    expect(server.requestsTo(THREADS).at(-1)!.url.searchParams.get('videoId')).toBe('closedvideo');
  });
});
