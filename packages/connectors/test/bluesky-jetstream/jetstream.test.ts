import type { Mention } from '@earshot/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, RateLimitedError, createJetstreamConnector, type Connector, type CursorValue, type PollResult } from '../../src/index.js';
import { connectorContext, FakeJetstream, FakeServer, jetstreamPost, TestClock } from '../support/index.js';
import { waitFor } from '../../../../test/support/wait.js';

const T0 = Date.parse('2026-09-01T13:00:00.000Z');
const US = (ms: number) => ms * 1000;
const PROFILES = 'GET /xrpc/app.bsky.actor.getProfiles';

describe('bluesky-jetstream connector (firehose matched locally)', () => {
  let jetstream: FakeJetstream;
  let appView: FakeServer;
  const clock = new TestClock(T0);
  let connector: Connector;
  let cursor: CursorValue | null = null;
  const context = () => connectorContext({ platform: 'bluesky-jetstream', baseUrl: jetstream.url, appViewUrl: appView.url }, { clock });

  /** Polls until the cursor reaches `timeUs`, gathering what each poll hands over. */
  async function pollThrough(timeUs: number): Promise<{ mentions: Mention[]; last: PollResult; skipped: number }> {
    const mentions: Mention[] = [];
    let skipped = 0;
    const last = await waitFor(async () => {
      const result = await connector.poll({ cursor });
      mentions.push(...result.mentions);
      skipped += result.skipped;
      cursor = result.cursor;
      return (result.cursor as { timeUs: number }).timeUs >= timeUs ? result : null;
    }, { what: `the cursor to reach ${timeUs}` });
    return { mentions, last, skipped };
  }

  beforeAll(async () => {
    jetstream = await FakeJetstream.start();
    appView = await FakeServer.start();
    appView.on(PROFILES, (request) => ({
      body: {
        profiles: request.url.searchParams
          .getAll('actors')
          .filter((did) => did === 'did:plc:abc123')
          .map((did) => ({ did, handle: 'alice.bsky.social', displayName: 'Alice', followersCount: 1520, followsCount: 1, postsCount: 2 })),
      },
    }));
    connector = createJetstreamConnector(context());
  });
  afterAll(async () => {
    await connector.close();
    await jetstream.close();
    await appView.close();
  });

  it('opens the stream at the backfill time and hands over nothing yet', async () => {
    const result = await connector.poll({ cursor });
    const opened = jetstream.connections[0]!;
    expect(opened.pathname).toBe('/subscribe');
    expect(opened.searchParams.getAll('wantedCollections')).toEqual(['app.bsky.feed.post']);
    expect(opened.searchParams.get('cursor')).toBe(String(US(T0 - 5 * 60_000)));
    expect(result).toMatchObject({ mentions: [], cursor: { timeUs: US(T0 - 5 * 60_000) }, waitMs: 2_000 });
    cursor = result.cursor;
  });

  it('matches every post locally, skips malformed events, moves the cursor over everything taken in, and looks up handles and followers', async () => {
    const base = US(T0 - 60_000);
    jetstream.send(
      { did: 'did:plc:abc123', time_us: base + 1, kind: 'identity', identity: { did: 'did:plc:abc123', handle: 'alice.bsky.social', seq: 1, time: '2026-09-01T12:59:00Z' } },
      jetstreamPost('did:plc:abc123', '3l5xyzabc2k2a', base + 2, 'Trying Acme today'),
      '{"did":"did:plc:cut","time_us":',
      jetstreamPost('did:plc:zzz', '3l5xyzabc2k2b', base + 3, 'lunch time'),
      { did: 'did:plc:abc123', time_us: base + 4, kind: 'commit', commit: { rev: 'r', operation: 'delete', collection: 'app.bsky.feed.post', rkey: 'old' } },
      jetstreamPost('did:plc:zzz', '3l5xyzabc2k2c', base + 5, 'no text', { text: undefined }),
      jetstreamPost('did:plc:unknown', '3l5xyzabc2k2d', base + 6, 'globex replied', { langs: ['de'], reply: { root: { uri: 'at://did:plc:abc123/app.bsky.feed.post/3l5xyzabc2k2a' }, parent: { uri: 'at://did:plc:abc123/app.bsky.feed.post/3l5xyzabc2k2a' } } }),
    );
    const { mentions, last, skipped } = await pollThrough(base + 6);
    expect(mentions).toEqual([
      {
        platform: 'bluesky',
        externalId: 'at://did:plc:abc123/app.bsky.feed.post/3l5xyzabc2k2a',
        url: 'https://bsky.app/profile/alice.bsky.social/post/3l5xyzabc2k2a',
        text: 'Trying Acme today',
        lang: 'en',
        author: { handle: 'alice.bsky.social', name: 'Alice', url: 'https://bsky.app/profile/alice.bsky.social', followers: 1520 },
        createdAt: new Date(T0 - 60_000 - 500).toISOString(),
        engagement: {},
        matchedBrands: ['acme'],
        sourceId: 'bluesky-jetstream-test',
      },
      {
        platform: 'bluesky',
        externalId: 'at://did:plc:unknown/app.bsky.feed.post/3l5xyzabc2k2d',
        // No profile found: the did stands in for the handle.
        url: 'https://bsky.app/profile/did:plc:unknown/post/3l5xyzabc2k2d',
        text: 'globex replied',
        lang: 'de',
        author: { handle: 'did:plc:unknown', url: 'https://bsky.app/profile/did:plc:unknown' },
        createdAt: new Date(T0 - 60_000 - 500).toISOString(),
        engagement: {},
        inReplyTo: { externalId: 'at://did:plc:abc123/app.bsky.feed.post/3l5xyzabc2k2a', url: 'https://bsky.app/profile/did:plc:abc123/post/3l5xyzabc2k2a' },
        matchedBrands: ['globex'],
        sourceId: 'bluesky-jetstream-test',
      },
    ]);
    expect(skipped).toBe(2);
    expect(last.cursor).toEqual({ timeUs: base + 6 });
    expect(jetstream.connections).toHaveLength(1);
  });

  it('after a restart, resumes from the stored time_us; a cursor older than the one handed over reopens the stream there', async () => {
    await connector.close();
    connector = createJetstreamConnector(context());
    await connector.poll({ cursor });
    expect(jetstream.connections.at(-1)!.searchParams.get('cursor')).toBe(String(US(T0 - 60_000) + 6));

    const older = { timeUs: US(T0 - 60_000) + 2 };
    const rewound = await connector.poll({ cursor: older });
    expect(jetstream.connections.at(-1)!.searchParams.get('cursor')).toBe(String(older.timeUs));
    expect(rewound.cursor).toEqual(older);
    cursor = rewound.cursor;
  });

  it('a dropped stream is reopened from the cursor; a refused upgrade (429, 503) is an error to retry', async () => {
    const connections = jetstream.connections.length;
    jetstream.dropConnections();
    await waitFor(() => jetstream.openConnections === 0);
    jetstream.refuseNext(429, { 'retry-after': '30' });
    jetstream.refuseNext(503);
    await waitFor(async () => {
      const error = await connector.poll({ cursor }).catch((e: unknown) => e);
      return error instanceof RateLimitedError ? error : null;
    }).then((error) => expect(error.retryAfterMs).toBe(30_000));
    const unavailable = await connector.poll({ cursor }).catch((e: unknown) => e);
    expect(unavailable).toBeInstanceOf(ConnectorError);
    expect((unavailable as ConnectorError).retriable).toBe(true);
    const reopened = await connector.poll({ cursor });
    expect(reopened.cursor).toEqual(cursor);
    expect(jetstream.connections.length).toBe(connections + 1);
    expect(jetstream.connections.at(-1)!.searchParams.get('cursor')).toBe(String((cursor as { timeUs: number }).timeUs));
  });
});
