import { Writable } from 'node:stream';
import { mentionId, MentionSchema, SLACK_ACTION_IDS } from '@earshot/domain';
import { createLogger } from '@earshot/logging';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeMention } from '../../../test/support/mentions.js';
import { SIGNING_SECRET, slackClick, startApiHarness, type ApiHarness } from './harness.js';

let api: ApiHarness;
beforeAll(async () => {
  api = await startApiHarness();
});
afterAll(async () => {
  await api?.close();
});

async function publishedKeys(): Promise<string[]> {
  const { rows } = await api.pool.query<{ key: string }>("SELECT key FROM bus_messages WHERE topic LIKE '%mentions.raw' ORDER BY id");
  return rows.map((row) => row.key);
}

describe('POST /v1/mentions', () => {
  it('accepts one mention with 202 and publishes it on mentions.raw keyed by its id', async () => {
    const mention = fakeMention(1);
    const id = mentionId(MentionSchema.parse(mention));
    const before = await publishedKeys();
    const response = await api.request('admin', { method: 'POST', url: '/v1/mentions', payload: mention });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ ids: [id], queued: [id], alreadyStored: [] });
    expect((await publishedKeys()).slice(before.length)).toEqual([id]);
  });

  it('publishes a batch once per identity, however often a mention repeats in it', async () => {
    const [a, b] = [fakeMention(2), fakeMention(3)];
    const ids = [a, b].map((m) => mentionId(MentionSchema.parse(m)));
    const before = await publishedKeys();
    const response = await api.request('admin', { method: 'POST', url: '/v1/mentions', payload: [a, b, { ...a, text: 'edited copy' }, b] });
    expect(response.json()).toEqual({ ids, queued: ids, alreadyStored: [] });
    expect((await publishedKeys()).slice(before.length)).toEqual(ids);
  });

  it('does not publish again a mention the classifier has already stored', async () => {
    const mention = MentionSchema.parse(fakeMention(4));
    const id = mentionId(mention);
    await api.pool.query(
      'INSERT INTO mentions (id, platform, external_id, text, author_handle, payload, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7)',
      [id, mention.platform, mention.externalId, mention.text, mention.author.handle, mention, mention.createdAt],
    );
    const fresh = fakeMention(5);
    const freshId = mentionId(MentionSchema.parse(fresh));
    const before = await publishedKeys();
    const response = await api.request('admin', { method: 'POST', url: '/v1/mentions', payload: [mention, fresh] });
    expect(response.statusCode).toBe(202);
    expect(response.json()).toEqual({ ids: [id, freshId], queued: [freshId], alreadyStored: [id] });
    expect((await publishedKeys()).slice(before.length)).toEqual([freshId]);
  });
});

describe('POST /v1/mentions while the bus is down', () => {
  it('answers 503 with Retry-After and stores nothing', async () => {
    const down = await startApiHarness();
    try {
      // As a Kafka producer does when no broker answers.
      down.bus.publish = async () => {
        throw new Error('KafkaJSConnectionError: Connection error: connect ECONNREFUSED 127.0.0.1:9092');
      };
      const response = await down.request('admin', { method: 'POST', url: '/v1/mentions', payload: fakeMention(50) });
      expect(response.statusCode).toBe(503);
      expect(response.headers['retry-after']).toBe('5');
      expect(response.json().error).toEqual({ code: 'unavailable', message: 'the message bus did not accept the mentions; nothing was queued, retry' });
      const { rows } = await down.pool.query("SELECT count(*)::int AS n FROM bus_messages WHERE topic LIKE '%mentions.raw'");
      expect(rows[0].n).toBe(0);
    } finally {
      await down.close();
    }
  });
});

describe('GET /v1/stats', () => {
  it('reports volume, sentiment, response times and SLA attainment for a range and brand', async () => {
    const from = new Date(Date.now() - 3_600_000);
    await api.seedItem({ createdAt: new Date(Date.now() - 30 * 60_000), state: 'handled' });
    await api.seedItem({ createdAt: new Date(Date.now() - 20 * 60_000), brand: 'globex' });
    const response = await api.request('alice', { method: 'GET', url: `/v1/stats?from=${from.toISOString()}&brand=acme` });
    expect(response.statusCode, response.body).toBe(200);
    const stats = response.json();
    expect(stats.window).toMatchObject({ from: from.toISOString(), brands: ['acme'] });
    expect(stats.volume.total).toBeGreaterThanOrEqual(1);
    expect(stats.sentimentMix.negative).toBeGreaterThanOrEqual(1);
    expect(stats.timeToHandle.samples).toBeGreaterThanOrEqual(1);
    expect(stats.shareOfVoice.brands.map((b: { brandId: string }) => b.brandId).sort()).toEqual(['acme', 'globex']);
    expect(stats.slaAttainment.handle.met).toBeGreaterThanOrEqual(1);
  });
});

describe('operations', () => {
  it('exposes request, state-change, SLA, notification and consumer-lag figures on /metrics', async () => {
    const overdue = await api.seedItem({ ackDueAt: new Date(Date.now() - 60_000) });
    await api.request('alice', { method: 'POST', url: `/v1/items/${overdue}/snooze`, payload: { until: new Date(Date.now() + 60_000).toISOString() } });
    await api.pool.query("INSERT INTO notification_outbox (dedupe_key, kind, channel, recipient, payload, status, last_error) VALUES ('dead-1', 'alert', 'email', 'x@example.com', '{}', 'dead', '550 no such user')");
    await api.pool.query("INSERT INTO bus_offsets (group_id, topic, position) VALUES ('classifier', 'api-lag.mentions.raw', 0)");
    await api.pool.query("INSERT INTO bus_messages (topic, key, value) VALUES ('api-lag.mentions.raw', 'k', '{}'), ('api-lag.mentions.raw', 'k', '{}')");
    const text = (await api.http.inject({ method: 'GET', url: '/metrics' })).body;
    expect(text).toMatch(/earshot_api_request_duration_seconds_count\{method="POST",route="\/v1\/items\/:id\/snooze",status="200"\} 1/);
    expect(text).toContain('earshot_item_state_changes_total{action="snooze",via="api"} 1');
    expect(text).toMatch(/earshot_items_sla_breached\{clock="ack"\} [1-9]/);
    expect(text).toContain('earshot_notification_failures{channel="email",status="dead"} 1');
    expect(text).toContain('earshot_bus_consumer_lag{group="classifier",topic="api-lag.mentions.raw"} 2');
  });

  it('serves the OpenAPI document, generated from the route schemas, and its browser at /docs', async () => {
    const document = (await api.http.inject({ method: 'GET', url: '/docs/json' })).json();
    expect(Object.keys(document.paths).sort()).toEqual([
      '/slack/actions',
      '/v1/directory',
      '/v1/events',
      '/v1/items',
      '/v1/items/{id}',
      '/v1/items/{id}/ack',
      '/v1/items/{id}/handled',
      '/v1/items/{id}/notes',
      '/v1/items/{id}/reassign',
      '/v1/items/{id}/snooze',
      '/v1/me',
      '/v1/mentions',
      '/v1/stats',
      '/v1/stats/trends',
    ]);
    expect(document.paths['/v1/items/{id}/snooze'].post.requestBody.content['application/json'].schema).toMatchObject({
      required: ['until'],
      additionalProperties: false,
    });
    expect(document.paths['/v1/items/{id}/ack'].post.requestBody.required).toBe(false);
    expect(document.paths['/v1/items/{id}/notes'].post.requestBody.required).toBe(true);
    expect(document.paths['/v1/items'].get.security).toBeUndefined();
    expect(document.security).toEqual([{ bearer: [] }]);
    expect(document.paths['/slack/actions'].post.security).toEqual([]);
    expect(Object.keys(document.components.schemas)).toEqual(expect.arrayContaining(['Item', 'ItemDetail', 'Error', 'Stats']));
    const page = await api.http.inject({ method: 'GET', url: '/docs' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toContain('text/html');
  });

  it('hides the internals of an unexpected error', async () => {
    const failing = await startApiHarness({
      requestAlertUpdate: async () => {
        throw new Error('relation "slack_secrets" does not exist at /srv/earshot/notify.ts:42');
      },
    });
    try {
      const itemId = await failing.seedItem();
      const response = await failing.request('alice', { method: 'POST', url: `/v1/items/${itemId}/ack` });
      expect(response.statusCode).toBe(500);
      expect(response.json().error).toEqual({ code: 'internal', message: expect.stringMatching(/^internal error \(request [^)]+\); it was logged$/) });
      // The transaction rolled back: the item is as it was.
      const { rows } = await failing.pool.query('SELECT state FROM items WHERE id = $1', [itemId]);
      expect(rows[0].state).toBe('open');
    } finally {
      await failing.close();
    }
  });
});

describe('rate limits and logs', () => {
  it('limits each token separately and answers 429 with Retry-After', async () => {
    const limited = await startApiHarness({ env: { EARSHOT_API_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      for (let i = 0; i < 3; i += 1) expect((await limited.request('alice', { method: 'GET', url: '/v1/items' })).statusCode).toBe(200);
      const refused = await limited.request('alice', { method: 'GET', url: '/v1/items' });
      expect(refused.statusCode).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expect(refused.json().error).toMatchObject({ code: 'rate_limited', message: expect.stringContaining('more than 3 requests a minute') });
      expect((await limited.request('bob', { method: 'GET', url: '/v1/items' })).statusCode).toBe(200);
    } finally {
      await limited.close();
    }
  });

  it('never writes a token or the signing secret to the log', async () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk, _encoding, done) {
        lines.push(String(chunk));
        done();
      },
    });
    const logged = await startApiHarness({
      logger: createLogger({ level: 'trace', destination: sink }),
      requestAlertUpdate: async () => {
        throw new Error('boom');
      },
    });
    try {
      const itemId = await logged.seedItem();
      await logged.request('alice', { method: 'GET', url: '/v1/items' });
      await logged.request('alice', { method: 'POST', url: `/v1/items/${itemId}/ack` });
      await logged.http.inject({ method: 'GET', url: '/v1/items', headers: { authorization: `Bearer ${logged.tokens.bob}x` } });
      await logged.http.inject(slackClick({ user: 'UALICE', actionId: SLACK_ACTION_IDS.handled, itemId }));
      const text = lines.join('');
      expect(text).toContain('unexpected error');
      for (const secret of [...Object.values(logged.tokens), SIGNING_SECRET, 'deprecated-verification-token']) expect(text).not.toContain(secret);
    } finally {
      await logged.close();
    }
  });
});
