import { revokeToken } from '@earshot/auth';
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

type Action = 'read' | 'ack' | 'handled' | 'snooze' | 'note' | 'reassign to a teammate' | 'move to another team';

const inAnHour = () => new Date(Date.now() + 3_600_000).toISOString();
const ACTIONS: Record<Action, (itemId: string) => InjectOptions> = {
  read: (id) => ({ method: 'GET', url: `/v1/items/${id}` }),
  ack: (id) => ({ method: 'POST', url: `/v1/items/${id}/ack` }),
  handled: (id) => ({ method: 'POST', url: `/v1/items/${id}/handled`, payload: { note: 'done' } }),
  snooze: (id) => ({ method: 'POST', url: `/v1/items/${id}/snooze`, payload: { until: inAnHour() } }),
  note: (id) => ({ method: 'POST', url: `/v1/items/${id}/notes`, payload: { text: 'called them back' } }),
  'reassign to a teammate': (id) => ({ method: 'POST', url: `/v1/items/${id}/reassign`, payload: { responder: 'bob' } }),
  'move to another team': (id) => ({ method: 'POST', url: `/v1/items/${id}/reassign`, payload: { team: 'community' } }),
};

/**
 * Who may do what to an item of team support assigned to alice. alice is a
 * support responder, dave a community responder, carol leads support (without
 * being a member), admin has no responder.
 */
const ALLOWED: Record<Action, Record<TokenName, boolean>> = {
  read: { alice: true, bob: true, dave: false, carol: true, admin: true },
  ack: { alice: true, bob: true, dave: false, carol: true, admin: true },
  handled: { alice: true, bob: true, dave: false, carol: true, admin: true },
  snooze: { alice: true, bob: true, dave: false, carol: true, admin: true },
  note: { alice: true, bob: true, dave: false, carol: true, admin: true },
  'reassign to a teammate': { alice: false, bob: false, dave: false, carol: true, admin: true },
  'move to another team': { alice: false, bob: false, dave: false, carol: false, admin: true },
};

const cases = Object.entries(ALLOWED).flatMap(([action, byRole]) =>
  Object.entries(byRole).map(([role, allowed]) => ({ action: action as Action, role: role as TokenName, allowed })),
);

describe('roles against actions', () => {
  it.each(cases)('$role → $action: allowed=$allowed', async ({ action, role, allowed }) => {
    const itemId = await api.seedItem({ team: 'support', assignee: 'alice' });
    const before = await itemFootprint(api.pool, itemId);
    const response = await api.request(role, ACTIONS[action](itemId));
    if (allowed) {
      expect(response.statusCode, response.body).toBeLessThan(300);
    } else {
      expect(response.statusCode, response.body).toBe(403);
      expect(response.json().error.code).toBe('forbidden');
      expect(await itemFootprint(api.pool, itemId)).toEqual(before);
    }
  });

  it('lists only the items of the caller\'s teams (and theirs); an admin sees all', async () => {
    await api.pool.query('DELETE FROM items');
    const support = await api.seedItem({ team: 'support', assignee: 'bob' });
    const community = await api.seedItem({ team: 'community', assignee: 'dave' });
    const ids = async (role: TokenName) => (await api.request(role, { method: 'GET', url: '/v1/items' })).json().items.map((item: { id: string }) => item.id).sort();
    expect(await ids('alice')).toEqual([support]);
    expect(await ids('carol')).toEqual([support]);
    expect(await ids('dave')).toEqual([community]);
    expect(await ids('admin')).toEqual([support, community].sort());
    const otherTeam = await api.request('alice', { method: 'GET', url: '/v1/items?team=community' });
    expect(otherTeam.statusCode).toBe(403);
    expect(otherTeam.json().error.message).toBe('query.team: you are not in team community');
  });

  it.each(['alice', 'carol', 'admin'] as const)('lets %s push mentions and read stats', async (role) => {
    const pushed = await api.request(role, { method: 'POST', url: '/v1/mentions', payload: fakeMention(9000 + role.length) });
    expect(pushed.statusCode).toBe(202);
    expect((await api.request(role, { method: 'GET', url: '/v1/stats' })).statusCode).toBe(200);
  });
});

describe('authentication', () => {
  it.each([
    ['no Authorization header', {}, 'missing Authorization header'],
    ['a Basic header', { authorization: 'Basic YWxpY2U6c2VjcmV0' }, 'must be "Bearer <token>"'],
    ['an unknown token', { authorization: 'Bearer esk_not-a-real-token' }, 'unknown or revoked token'],
  ])('answers 401 for %s, naming the problem', async (_case, headers, message) => {
    for (const options of [{ method: 'GET', url: '/v1/items' }, { method: 'POST', url: '/v1/mentions', payload: fakeMention(1) }] as const) {
      const response = await api.http.inject({ ...options, headers });
      expect(response.statusCode).toBe(401);
      expect(response.headers['www-authenticate']).toBe('Bearer realm="earshot"');
      expect(response.json().error).toMatchObject({ code: 'unauthorized', message: expect.stringContaining(message) });
    }
  });

  it('refuses a revoked token', async () => {
    const before = await api.request('bob', { method: 'GET', url: '/v1/items' });
    expect(before.statusCode).toBe(200);
    await revokeToken(api.pool, api.tokenIds.bob);
    const after = await api.request('bob', { method: 'GET', url: '/v1/items' });
    expect(after.statusCode).toBe(401);
    expect(after.json().error.message).toBe('unknown or revoked token');
  });

  it('refuses the token of a responder removed from the config', async () => {
    await api.pool.query("UPDATE responders SET active = false WHERE id = 'dave'");
    try {
      const response = await api.request('dave', { method: 'GET', url: '/v1/items' });
      expect(response.statusCode).toBe(403);
      expect(response.json().error.message).toContain('no longer in the config');
    } finally {
      await api.pool.query("UPDATE responders SET active = true WHERE id = 'dave'");
    }
  });
});
