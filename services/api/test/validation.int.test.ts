import { randomUUID } from 'node:crypto';
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeMention } from '../../../test/support/mentions.js';
import { itemFootprint, startApiHarness, type ApiHarness, type TokenName } from './harness.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.close();
});

const json = { 'content-type': 'application/json' };

interface BadRequestCase {
  name: string;
  /** carol (lead of the item's team) unless said otherwise. */
  as?: TokenName;
  request(itemId: string): InjectOptions;
  status: number;
  message: string;
}

const ITEM_CASES: BadRequestCase[] = [
  { name: 'an id that is not a UUID', request: () => ({ method: 'POST', url: '/v1/items/42/ack' }), status: 400, message: 'params.id: must be an item id (a UUID)' },
  { name: 'an item that does not exist', request: () => ({ method: 'POST', url: `/v1/items/${randomUUID()}/ack` }), status: 404, message: 'no item ' },
  { name: 'an unknown field', request: (id) => ({ method: 'POST', url: `/v1/items/${id}/handled`, payload: { note: 'ok', resolution: 'fixed' } }), status: 400, message: 'body.resolution: unknown field' },
  { name: 'a field of the wrong type', request: (id) => ({ method: 'POST', url: `/v1/items/${id}/handled`, payload: { note: 5 } }), status: 400, message: 'body.note: Invalid input: expected string, received number' },
  { name: 'a body on ack', request: (id) => ({ method: 'POST', url: `/v1/items/${id}/ack`, payload: { force: true } }), status: 400, message: 'body.force: unknown field' },
  { name: 'a snooze without until', request: (id) => ({ method: 'POST', url: `/v1/items/${id}/snooze`, payload: {} }), status: 400, message: 'body.until: ' },
  { name: 'a snooze until a non-time', request: (id) => ({ method: 'POST', url: `/v1/items/${id}/snooze`, payload: { until: 'tomorrow' } }), status: 400, message: 'body.until: ' },
  {
    name: 'a snooze into the past',
    request: (id) => ({ method: 'POST', url: `/v1/items/${id}/snooze`, payload: { until: '2020-01-01T00:00:00Z' } }),
    status: 400,
    message: 'body.until: must be in the future',
  },
  {
    name: 'a snooze beyond 30 days',
    request: (id) => ({ method: 'POST', url: `/v1/items/${id}/snooze`, payload: { until: new Date(Date.now() + 40 * 86_400_000).toISOString() } }),
    status: 400,
    message: 'body.until: must be at most 30 days ahead',
  },
  { name: 'a reassign naming no one', request: (id) => ({ method: 'POST', url: `/v1/items/${id}/reassign`, payload: {} }), status: 400, message: 'body: give responder, team or both' },
  { name: 'a reassign to an unknown responder', request: (id) => ({ method: 'POST', url: `/v1/items/${id}/reassign`, payload: { responder: 'zoe' } }), status: 400, message: 'body.responder: no responder zoe in the config' },
  { name: 'a reassign to an unknown team', as: 'admin', request: (id) => ({ method: 'POST', url: `/v1/items/${id}/reassign`, payload: { team: 'sales' } }), status: 400, message: 'body.team: no team sales in the config' },
  { name: 'an empty note', request: (id) => ({ method: 'POST', url: `/v1/items/${id}/notes`, payload: { text: '   ' } }), status: 400, message: 'body.text: must not be empty' },
  { name: 'a note too long', request: (id) => ({ method: 'POST', url: `/v1/items/${id}/notes`, payload: { text: 'x'.repeat(4001) } }), status: 400, message: 'body.text: must be at most 4000 characters' },
  { name: 'a body that is not JSON', request: (id) => ({ method: 'POST', url: `/v1/items/${id}/handled`, headers: json, payload: '{"note": ' }), status: 400, message: 'body: not valid JSON' },
  {
    name: 'an empty body said to be JSON',
    request: (id) => ({ method: 'POST', url: `/v1/items/${id}/handled`, headers: json, payload: '' }),
    status: 400,
    message: 'body: empty, but Content-Type says application/json',
  },
  { name: 'a JSON array instead of an object', request: (id) => ({ method: 'POST', url: `/v1/items/${id}/notes`, payload: ['hello'] }), status: 400, message: 'body: Invalid input: expected object, received array' },
  {
    name: 'a plain-text body',
    request: (id) => ({ method: 'POST', url: `/v1/items/${id}/notes`, headers: { 'content-type': 'text/plain' }, payload: 'hello' }),
    status: 415,
    message: 'body: Content-Type text/plain is not accepted; send application/json',
  },
  {
    name: 'a form body',
    request: (id) => ({ method: 'POST', url: `/v1/items/${id}/handled`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'note=done' }),
    status: 415,
    message: 'Content-Type application/x-www-form-urlencoded is not accepted',
  },
  {
    name: 'a huge body',
    request: (id) => ({ method: 'POST', url: `/v1/items/${id}/notes`, payload: { text: 'x'.repeat(100_000) } }),
    status: 413,
    message: 'body: larger than the 65536 bytes this route accepts',
  },
];

describe('bad requests on items get a 4xx naming the problem and change nothing', () => {
  it.each(ITEM_CASES)('$name → $status', async ({ as, request, status, message }) => {
    const itemId = await api.seedItem();
    const before = await itemFootprint(api.pool, itemId);
    const response = await api.request(as ?? 'carol', request(itemId));
    expect(response.statusCode, response.body).toBe(status);
    const body = response.json();
    expect(Object.keys(body)).toEqual(['error']);
    expect(body.error.message).toContain(message);
    expect(await itemFootprint(api.pool, itemId)).toEqual(before);
  });

  it('lists every bad field at once, each with its path', async () => {
    const itemId = await api.seedItem();
    const response = await api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/handled`, payload: { note: 7, by: 'me', at: 'now' } });
    expect(response.json().error.details.problems).toEqual([
      { field: 'body.note', message: 'Invalid input: expected string, received number' },
      { field: 'body.by', message: 'unknown field' },
      { field: 'body.at', message: 'unknown field' },
    ]);
  });
});

describe('bad queries', () => {
  it.each([
    ['limit=0', 'query.limit: '],
    ['limit=ten', 'query.limit: '],
    ['status=closed', 'query.status[0]: must be one or more of open, acknowledged, snoozed, handled'],
    ['priority=P9', 'query.priority[0]: must be one or more of P1, P2, P3, P4'],
    ['sort=newest', 'query.sort: unknown field'],
    ['cursor=bm9wZQ', 'query.cursor: not a cursor this API returned'],
    ['assignee=Robert%20Tables', 'query.assignee: '],
  ])('GET /v1/items?%s → 400', async (query, message) => {
    const response = await api.request('alice', { method: 'GET', url: `/v1/items?${query}` });
    expect(response.statusCode).toBe(400);
    expect(response.json().error).toMatchObject({ code: 'invalid_request', message: expect.stringContaining(message) });
  });

  it.each([
    ['from=yesterday', 'query.from: must be an ISO time'],
    ['from=2026-11-08T00:00:00Z&to=2026-11-01T00:00:00Z', 'query.to: must be after from'],
    ['from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', 'query.from: the window must not exceed 400 days'],
    ['brand=acme&team=support', 'query.team: unknown field'],
  ])('GET /v1/stats?%s → 400', async (query, message) => {
    const response = await api.request('alice', { method: 'GET', url: `/v1/stats?${query}` });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.message).toContain(message);
  });

  it('answers an unknown /v1 route with 404 in the same format', async () => {
    const response = await api.request('alice', { method: 'POST', url: '/v1/items/escalate' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({ error: { code: 'not_found', message: 'no route POST /v1/items/escalate' } });
  });
});

describe('bad mentions are refused whole and nothing is published', () => {
  const published = async () => (await api.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM bus_messages')).rows[0]!.n;

  it.each([
    ['a mention without text', () => ({ ...fakeMention(1), text: undefined }), 'body.text: '],
    ['an unknown field', () => ({ ...fakeMention(2), sentiment: 'angry' }), 'body.sentiment: unknown field'],
    ['a bad platform', () => fakeMention(3, { platform: 'X Corp' }), 'body.platform: must be a lower-case platform name'],
    ['one bad mention in a batch', () => [fakeMention(4), fakeMention(5, { author: { handle: '' } })], 'body[1].author.handle: '],
    ['an empty batch', () => [], 'body: send at least one mention'],
    ['a batch over the limit', () => Array.from({ length: 501 }, (_, i) => fakeMention(100 + i)), 'body: send at most 500 mentions per request'],
    ['a number', () => 42, 'body: '],
  ])('%s → 400', async (_name, body, message) => {
    const before = await published();
    const response = await api.request('alice', { method: 'POST', url: '/v1/mentions', payload: body() as object });
    expect(response.statusCode, response.body).toBe(400);
    expect(response.json().error.message).toContain(message);
    expect(await published()).toBe(before);
  });

  it('refuses a body over 8 MB with 413', async () => {
    const huge = Array.from({ length: 300 }, (_, i) => fakeMention(i, { text: 'x'.repeat(30_000) }));
    const response = await api.request('alice', { method: 'POST', url: '/v1/mentions', payload: huge });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('payload_too_large');
  });
});
