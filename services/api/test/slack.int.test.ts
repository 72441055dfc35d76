import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SLACK_ACTION_IDS, SLACK_SNOOZE_MS } from '@earshot/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { waitFor } from '../../../test/support/wait.js';
import { itemFootprint, slackClick, startApiHarness, type ApiHarness } from './harness.js';

let api: ApiHarness;
/** Stands in for Slack's response_url: records the ephemeral replies. */
let responseServer: Server;
let responseUrl: string;
const replies: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  api = await startApiHarness();
  responseServer = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      replies.push(JSON.parse(body));
      response.end('ok');
    });
  });
  await new Promise<void>((resolve) => responseServer.listen(0, '127.0.0.1', resolve));
  responseUrl = `http://127.0.0.1:${(responseServer.address() as AddressInfo).port}/actions/T0/1/abc`;
});
afterAll(async () => {
  await api?.close();
  await new Promise((resolve) => responseServer?.close(resolve));
});

async function lastEvent(itemId: string) {
  const { rows } = await api.pool.query('SELECT type, actor_kind, actor_id, via, message FROM timeline_events WHERE item_id = $1 ORDER BY id DESC LIMIT 1', [itemId]);
  return rows[0];
}

describe('Slack buttons', () => {
  it('acknowledges and then handles an item from signed clicks, as the Slack user\'s responder', async () => {
    const itemId = await api.seedItem({ assignee: 'alice' });
    const ack = await api.http.inject(slackClick({ user: 'UALICE', actionId: SLACK_ACTION_IDS.acknowledge, itemId }));
    expect(ack.statusCode).toBe(200);
    expect(ack.body).toBe('');
    expect(await lastEvent(itemId)).toMatchObject({ type: 'acknowledged', actor_kind: 'responder', actor_id: 'alice', via: 'slack' });

    const handled = await api.http.inject(slackClick({ user: 'UALICE', actionId: SLACK_ACTION_IDS.handled, itemId }));
    expect(handled.statusCode).toBe(200);
    const item = await api.request('alice', { method: 'GET', url: `/v1/items/${itemId}` });
    expect(item.json().item).toMatchObject({ state: 'handled', handledBy: 'alice' });
    expect(await api.alertUpdates(itemId)).toBe(2);
  });

  it('accepts the form content type with a charset', async () => {
    const itemId = await api.seedItem({ assignee: 'alice' });
    const click = slackClick({ user: 'UALICE', actionId: SLACK_ACTION_IDS.acknowledge, itemId });
    const response = await api.http.inject({ ...click, headers: { ...click.headers, 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' } });
    expect(response.statusCode).toBe(200);
    expect(await lastEvent(itemId)).toMatchObject({ type: 'acknowledged', via: 'slack' });
  });

  it('snoozes for an hour', async () => {
    const itemId = await api.seedItem();
    const before = Date.now();
    await api.http.inject(slackClick({ user: 'UBOB', actionId: SLACK_ACTION_IDS.snooze, itemId }));
    const { rows } = await api.pool.query<{ state: string; snoozed_until: Date }>('SELECT state, snoozed_until FROM items WHERE id = $1', [itemId]);
    expect(rows[0]!.state).toBe('snoozed');
    expect(rows[0]!.snoozed_until.getTime()).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000 + SLACK_SNOOZE_MS);
    expect(rows[0]!.snoozed_until.getTime()).toBeLessThanOrEqual(Date.now() + SLACK_SNOOZE_MS);
  });

  it('lets the team lead reassign: a button sends the item back to the queue, a user picker to that person', async () => {
    const itemId = await api.seedItem({ assignee: 'alice' });
    await api.http.inject(slackClick({ user: 'UCAROL', actionId: SLACK_ACTION_IDS.reassign, itemId }));
    expect(await lastEvent(itemId)).toMatchObject({ type: 'reassigned', actor_id: 'carol', via: 'slack' });
    await api.http.inject(slackClick({ user: 'UCAROL', actionId: SLACK_ACTION_IDS.reassign, itemId, selectedUser: 'UBOB' }));
    const { rows } = await api.pool.query('SELECT team_id, assignee_id FROM items WHERE id = $1', [itemId]);
    expect(rows[0]).toEqual({ team_id: 'support', assignee_id: 'bob' });
  });

  it('tells the user privately why a click changed nothing', async () => {
    const itemId = await api.seedItem({ state: 'handled', assignee: 'bob' });
    const cases = [
      { user: 'UALICE', actionId: SLACK_ACTION_IDS.acknowledge, expected: 'already handled by bob' },
      { user: 'UALICE', actionId: SLACK_ACTION_IDS.reassign, expected: 'only a team lead or an admin can reassign' },
      { user: 'UDAVE', actionId: SLACK_ACTION_IDS.handled, expected: 'belongs to team support' },
      { user: 'UNOBODY', actionId: SLACK_ACTION_IDS.acknowledge, expected: 'not linked to an Earshot responder' },
    ];
    for (const click of cases) {
      const response = await api.http.inject(slackClick({ ...click, itemId, responseUrl }));
      expect(response.statusCode).toBe(200);
      const reply = await waitFor(() => replies.find((r) => String(r.text).includes(click.expected)), { what: `a reply saying "${click.expected}"` });
      expect(reply).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    }
  });
});

describe('Slack signatures', () => {
  it('refuses a wrong signature before doing anything', async () => {
    const itemId = await api.seedItem();
    const before = await itemFootprint(api.pool, itemId);
    const response = await api.http.inject(slackClick({ user: 'UALICE', actionId: SLACK_ACTION_IDS.acknowledge, itemId }, { secret: 'not-the-secret' }));
    expect(response.statusCode).toBe(401);
    expect(response.json().error).toEqual({ code: 'unauthorized', message: 'Slack signature: signature does not match' });
    expect(await itemFootprint(api.pool, itemId)).toEqual(before);
  });

  it('refuses a replayed request signed more than 5 minutes ago', async () => {
    const itemId = await api.seedItem();
    const before = await itemFootprint(api.pool, itemId);
    const sixMinutesAgo = Math.floor(Date.now() / 1000) - 6 * 60;
    const response = await api.http.inject(slackClick({ user: 'UALICE', actionId: SLACK_ACTION_IDS.acknowledge, itemId }, { timestamp: sixMinutesAgo }));
    expect(response.statusCode).toBe(401);
    expect(response.json().error.message).toContain('more than 5 minutes from now');
    expect(await itemFootprint(api.pool, itemId)).toEqual(before);
  });

  it('refuses a tampered body, unsigned requests and other content types', async () => {
    const itemId = await api.seedItem();
    const before = await itemFootprint(api.pool, itemId);
    const signed = slackClick({ user: 'UBOB', actionId: SLACK_ACTION_IDS.acknowledge, itemId });
    const tampered = await api.http.inject({ ...signed, payload: String(signed.payload).replace('UBOB', 'UALICE') });
    expect(tampered.statusCode).toBe(401);
    const unsigned = await api.http.inject({ ...signed, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(unsigned.statusCode).toBe(401);
    expect(unsigned.json().error.message).toContain('missing X-Slack-Signature');
    const empty = await api.http.inject({ method: 'POST', url: '/slack/actions' });
    expect(empty.statusCode).toBe(401);
    const asJson = await api.http.inject({ method: 'POST', url: '/slack/actions', payload: { payload: '{}' } });
    expect(asJson.statusCode).toBe(415);
    expect(await itemFootprint(api.pool, itemId)).toEqual(before);
  });
});
