import { SLACK_ACTION_IDS } from '@earshot/domain';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { slackClick, startApiHarness, type ApiHarness } from './harness.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.close();
});

async function events(itemId: string): Promise<string[]> {
  const { rows } = await api.pool.query<{ type: string }>("SELECT type FROM timeline_events WHERE item_id = $1 AND type <> 'created' ORDER BY id", [itemId]);
  return rows.map((row) => row.type);
}

const ROUNDS = 15;

describe('changes arriving at the same moment apply once, in order', () => {
  it('ack from the API and handled from Slack: both apply in some order, or handled wins and the ack is refused', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const itemId = await api.seedItem({ assignee: 'alice' });
      const [ack, handled] = await Promise.all([
        api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/ack` }),
        api.http.inject(slackClick({ user: 'UBOB', actionId: SLACK_ACTION_IDS.handled, itemId })),
      ]);
      expect(handled.statusCode).toBe(200);
      const history = await events(itemId);
      if (ack.statusCode === 200) {
        // The ack went first and the handled after it, seeing it.
        expect(history).toEqual(['acknowledged', 'handled']);
        expect(ack.json().state).toBe('acknowledged');
      } else {
        expect(ack.statusCode).toBe(409);
        expect(ack.json().error.details.state).toBe('handled');
        expect(history).toEqual(['handled']);
      }
      const { rows } = await api.pool.query('SELECT state, handled_by FROM items WHERE id = $1', [itemId]);
      expect(rows[0]).toEqual({ state: 'handled', handled_by: 'bob' });
    }
  });

  it('the same ack from the API and from Slack by one person: both answered 200, one event', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const itemId = await api.seedItem({ assignee: 'alice' });
      const [fromApi, fromSlack] = await Promise.all([
        api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/ack` }),
        api.http.inject(slackClick({ user: 'UALICE', actionId: SLACK_ACTION_IDS.acknowledge, itemId })),
      ]);
      expect([fromApi.statusCode, fromSlack.statusCode]).toEqual([200, 200]);
      expect(await events(itemId)).toEqual(['acknowledged']);
    }
  });

  it('two people handling at once: one wins, the other gets 409 naming the winner', async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const itemId = await api.seedItem();
      const responses = await Promise.all([
        api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/handled` }),
        api.request('bob', { method: 'POST', url: `/v1/items/${itemId}/handled` }),
      ]);
      const statuses = responses.map((r) => r.statusCode).sort();
      expect(statuses).toEqual([200, 409]);
      const winner = responses.find((r) => r.statusCode === 200)!.json().handledBy;
      expect(responses.find((r) => r.statusCode === 409)!.json().error.message).toContain(`already handled by ${winner}`);
      expect(await events(itemId)).toEqual(['handled']);
    }
  });

  it('ten identical handled requests at once: all 200 with the same item, one event, one alert update', async () => {
    const itemId = await api.seedItem();
    const responses = await Promise.all(Array.from({ length: 10 }, () => api.request('alice', { method: 'POST', url: `/v1/items/${itemId}/handled` })));
    expect(new Set(responses.map((r) => r.statusCode))).toEqual(new Set([200]));
    expect(new Set(responses.map((r) => r.body)).size).toBe(1);
    expect(await events(itemId)).toEqual(['handled']);
    expect(await api.alertUpdates(itemId)).toBe(1);
  });
});
