import { afterEach, describe, expect, it } from 'vitest';
import { startApiHarness, type ApiHarness, type TokenName } from './harness.js';

interface Frame {
  event: string;
  data: string;
  comment: string;
}

/** A GET /v1/events stream read the way the inbox reads it: fetch with the bearer header, frames split on blank lines. */
async function openStream(harness: ApiHarness, url: string, as: TokenName) {
  const response = await fetch(`${url}/v1/events`, { headers: { authorization: `Bearer ${harness.tokens[as]}` } });
  const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  let ended = false;
  return {
    response,
    /** The next frame, or null once the server has ended the stream. */
    async next(): Promise<Frame | null> {
      for (;;) {
        const end = buffer.indexOf('\n\n');
        if (end >= 0) {
          const lines = buffer.slice(0, end).split('\n');
          buffer = buffer.slice(end + 2);
          const field = (name: string) => lines.filter((line) => line.startsWith(`${name}:`)).map((line) => line.slice(name.length + 1).trim()).join('');
          return { event: field('event'), data: field('data'), comment: field('') };
        }
        if (ended) return null;
        const { value, done } = await reader.read();
        if (done) ended = true;
        else buffer += value;
      }
    },
    /** The next `item` event's item id, skipping heartbeats; null once the stream has ended. */
    async nextItem(): Promise<string | null> {
      for (;;) {
        const frame = await this.next();
        if (frame === null) return null;
        if (frame.event === 'item') return (JSON.parse(frame.data) as { itemId: string }).itemId;
      }
    },
    /** Reads item events until one for `itemId` (one change may be several commits); every item id seen on the way. Throws if the stream ends first. */
    async until(itemId: string): Promise<string[]> {
      const seen: string[] = [];
      for (;;) {
        const next = await this.nextItem();
        if (next === null) throw new Error(`the stream ended before an event for ${itemId}; saw ${seen.join(', ')}`);
        seen.push(next);
        if (next === itemId) return seen;
      }
    },
    close: () => reader.cancel(),
  };
}

let harness: ApiHarness | undefined;
afterEach(async () => {
  await harness?.close();
  harness = undefined;
});

async function listening(env: Record<string, string> = {}): Promise<{ harness: ApiHarness; url: string }> {
  harness = await startApiHarness({ env });
  const url = await harness.http.listen({ port: 0, host: '127.0.0.1' });
  return { harness, url };
}

describe('GET /v1/events', () => {
  it('refuses a request without a token, in the API error format', async () => {
    harness = await startApiHarness();
    const response = await harness.request(null, { method: 'GET', url: '/v1/events' });
    expect(response.statusCode).toBe(401);
    expect(response.json().error.code).toBe('unauthorized');
  });

  it('says ready, then streams changes to the items the token may see, whoever made them', async () => {
    const { harness, url } = await listening();
    const alice = await openStream(harness, url, 'alice');
    expect(alice.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect((await alice.next())?.event).toBe('ready');

    // Written straight to the database, as a router in another process would.
    const created = await harness.seedItem({ team: 'support', assignee: 'bob' });
    expect(await alice.nextItem()).toBe(created);

    // Dave's team only: alice must not hear of it, though it happened before the support item she does hear of.
    const elsewhere = await harness.seedItem({ team: 'community', assignee: 'dave' });
    const later = await harness.seedItem({ team: 'support', assignee: 'alice' });
    expect(await alice.until(later)).not.toContain(elsewhere);

    // A state change through the API reaches the other open stream too.
    const acked = await harness.request('bob', { method: 'POST', url: `/v1/items/${created}/ack` });
    expect(acked.statusCode).toBe(200);
    await alice.until(created);
    await alice.close();
  });

  it('tells the team an item left when it is reassigned away, and the admin sees everything', async () => {
    const { harness, url } = await listening();
    const itemId = await harness.seedItem({ team: 'support', assignee: 'alice' });
    const [bob, admin] = await Promise.all([openStream(harness, url, 'bob'), openStream(harness, url, 'admin')]);
    expect((await bob.next())?.event).toBe('ready');
    expect((await admin.next())?.event).toBe('ready');

    const moved = await harness.request('admin', { method: 'POST', url: `/v1/items/${itemId}/reassign`, payload: { team: 'community', responder: 'dave' } });
    expect(moved.statusCode).toBe(200);
    await bob.until(itemId);
    await admin.until(itemId);
    await Promise.all([bob.close(), admin.close()]);
  });

  it('sends heartbeats while nothing happens', async () => {
    const { harness, url } = await listening({ EARSHOT_API_EVENTS_HEARTBEAT_MS: '1000' });
    const carol = await openStream(harness, url, 'carol');
    expect((await carol.next())?.event).toBe('ready');
    expect((await carol.next())?.comment).toBe('heartbeat');
    await carol.close();
  });

  it('ends open streams when the server closes, so shutdown does not wait for browsers', async () => {
    const { harness, url } = await listening();
    const alice = await openStream(harness, url, 'alice');
    expect((await alice.next())?.event).toBe('ready');
    await harness.http.close();
    expect(await alice.nextItem()).toBeNull();
  });
});

describe('GET /v1/me and /v1/directory', () => {
  it('says who the token speaks for', async () => {
    harness = await startApiHarness();
    const carol = await harness.request('carol', { method: 'GET', url: '/v1/me' });
    expect(carol.json()).toEqual({ role: 'lead', responderId: 'carol', name: 'Carol', teamIds: ['support'] });
    const admin = await harness.request('admin', { method: 'GET', url: '/v1/me' });
    expect(admin.json()).toEqual({ role: 'admin', responderId: null, name: null, teamIds: [] });
  });

  it('lists brands, teams with their members, and responders by name only', async () => {
    harness = await startApiHarness();
    const response = await harness.request('alice', { method: 'GET', url: '/v1/directory' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      brands: [
        { id: 'acme', name: 'Acme', competitor: false },
        { id: 'globex', name: 'Globex', competitor: true },
      ],
      teams: [
        { id: 'community', name: 'community', leadId: null, memberIds: ['dave'] },
        { id: 'support', name: 'support', leadId: 'carol', memberIds: ['alice', 'bob'] },
      ],
      responders: [
        { id: 'alice', name: 'Alice' },
        { id: 'bob', name: 'Bob' },
        { id: 'carol', name: 'Carol' },
        { id: 'dave', name: 'Dave' },
      ],
    });
  });
});

describe('GET /v1/stats/trends', () => {
  it('gives per-brand and per-sentiment series over the buckets, and response times per team', async () => {
    harness = await startApiHarness();
    const from = new Date('2026-11-02T00:00:00Z');
    await harness.seedItem({ brand: 'acme', createdAt: new Date('2026-11-02T01:00:00Z'), team: 'support', state: 'acknowledged' });
    await harness.seedItem({ brand: 'globex', createdAt: new Date('2026-11-03T01:00:00Z'), team: 'community', assignee: 'dave' });
    const response = await harness.request('carol', { method: 'GET', url: `/v1/stats/trends?from=${from.toISOString()}&to=2026-11-09T00:00:00Z` });
    expect(response.statusCode).toBe(200);
    const trends = response.json();
    expect(trends.bucketSeconds).toBe(3600);
    expect(trends.bucketStarts).toHaveLength(7 * 24);
    const acme = trends.brands.find((brand: { brandId: string }) => brand.brandId === 'acme');
    expect(acme.counts[1]).toBe(1);
    expect(acme.counts.reduce((a: number, b: number) => a + b, 0)).toBe(1);
    expect(trends.brands.find((brand: { brandId: string }) => brand.brandId === 'globex')).toMatchObject({ competitor: true });
    expect(trends.sentiment.negative[1]).toBe(1);
    expect(trends.sentiment.negative[25]).toBe(1);
    // The seeded acknowledgement is at creation: zero seconds, inside the SLA.
    expect(trends.teams).toEqual([
      expect.objectContaining({ teamId: 'community', items: 1, timeToAcknowledge: { samples: 0, median: null, p90: null } }),
      expect.objectContaining({ teamId: 'support', items: 1, timeToAcknowledge: { samples: 1, median: 0, p90: 0 }, slaAttainment: expect.objectContaining({ acknowledge: { met: 1, missed: 0, pending: 0, rate: 1 } }) }),
    ]);
  });

  it('names the bad field of a bad window', async () => {
    harness = await startApiHarness();
    const response = await harness.request('alice', { method: 'GET', url: '/v1/stats/trends?from=2026-11-09T00:00:00Z&to=2026-11-02T00:00:00Z' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toBe('query.to: must be after from');
  });
});

describe('X-Earshot-Client: web', () => {
  it('records the web inbox as the door in the timeline, and plain API calls as the API', async () => {
    harness = await startApiHarness();
    const fromWeb = await harness.seedItem({ team: 'support', assignee: 'alice' });
    const fromScript = await harness.seedItem({ team: 'support', assignee: 'alice' });
    expect((await harness.request('alice', { method: 'POST', url: `/v1/items/${fromWeb}/ack`, headers: { 'x-earshot-client': 'web' } })).statusCode).toBe(200);
    expect((await harness.request('alice', { method: 'POST', url: `/v1/items/${fromScript}/ack` })).statusCode).toBe(200);
    const doorOf = async (itemId: string) => {
      const detail = (await harness!.request('alice', { method: 'GET', url: `/v1/items/${itemId}` })).json();
      return detail.timeline.find((event: { type: string }) => event.type === 'acknowledged').actor;
    };
    expect(await doorOf(fromWeb)).toEqual({ kind: 'responder', id: 'alice', via: 'web' });
    expect(await doorOf(fromScript)).toEqual({ kind: 'responder', id: 'alice', via: 'api' });
  });
});
