import { issueToken } from '@earshot/auth';
import { createEmbeddedBus, type Bus } from '@earshot/bus';
import { parseConfigText, type EarshotConfig } from '@earshot/config';
import type { Pool } from '@earshot/db';
import { mentionId, MentionSchema, slackItemBlockId, type ItemState, type Priority } from '@earshot/domain';
import { buildHttpServer, syncDirectory } from '@earshot/runtime';
import type { Logger } from '@earshot/logging';
import { requestAlertUpdate } from '@earshot/notify';
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify';
import { Registry } from 'prom-client';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { uniqueName } from '../../../test/support/kafka.js';
import { testLogger } from '../../../test/support/logger.js';
import { fakeMention } from '../../../test/support/mentions.js';
import { registerApi } from '../src/app.js';
import type { AlertUpdateRequester } from '../src/items/commands.js';
import { slackSignature } from '../src/slack/signature.js';
import { loadApiEnv } from '../src/env.js';

/**
 * Two teams: support (alice, bob; lead carol, who is not a member) and
 * community (dave). Escalation step 0 runs on the ack clock, step 1 on the
 * handle clock, so acknowledging must cancel only step 0.
 */
export const TEST_CONFIG_YAML = `
brands:
  - { id: acme, name: Acme, query: 'acme' }
  - { id: globex, name: Globex, competitor: true, query: 'globex' }
responders:
  - { id: alice, name: Alice, slackUserId: UALICE }
  - { id: bob, name: Bob, slackUserId: UBOB }
  - { id: carol, name: Carol, slackUserId: UCAROL }
  - { id: dave, name: Dave, slackUserId: UDAVE }
teams:
  - { id: support, members: [alice, bob], lead: carol }
  - { id: community, members: [dave] }
routing:
  - { name: default, team: support }
sla:
  P1: { ack: 15m, handle: 2h }
  P2: { ack: 1h, handle: 8h }
escalation:
  - { at: 50% ack, notify: [assignee], via: slack-dm }
  - { at: 100% handle, notify: [lead], via: slack }
`;

export const SIGNING_SECRET = 'test-signing-secret';

export type TokenName = 'alice' | 'bob' | 'carol' | 'dave' | 'admin';

export interface SeedOptions {
  team?: string | null;
  assignee?: string | null;
  state?: ItemState;
  priority?: Priority;
  brand?: string;
  platform?: string;
  ackDueAt?: Date | null;
  handleDueAt?: Date | null;
  acknowledgedBy?: string | null;
  handledBy?: string | null;
  createdAt?: Date;
}

export interface ApiHarness {
  db: TestDatabase;
  pool: Pool;
  bus: Bus;
  http: FastifyInstance;
  config: EarshotConfig;
  metrics: Registry;
  tokens: Record<TokenName, string>;
  tokenIds: Record<TokenName, string>;
  /** How many chat.updates of the item's Slack alert are in the outbox. */
  alertUpdates(itemId: string): Promise<number>;
  request(as: TokenName | null, options: InjectOptions): Promise<LightMyRequestResponse>;
  seedItem(options?: SeedOptions): Promise<string>;
  close(): Promise<void>;
}

let seeded = 0;

export interface HarnessOptions {
  env?: Record<string, string>;
  now?: () => Date;
  logger?: Logger;
  /** Replaces the outbox stand-in, e.g. to make the alert update fail. */
  requestAlertUpdate?: AlertUpdateRequester;
}

export async function startApiHarness(options: HarnessOptions = {}): Promise<ApiHarness> {
  const logger = options.logger ?? testLogger;
  const db = await createTestDatabase();
  const parsed = parseConfigText(TEST_CONFIG_YAML, 'test config');
  if (!parsed.ok) throw new Error(`test config is invalid: ${JSON.stringify(parsed.issues)}`);
  const config = parsed.config;
  await syncDirectory(db.pool, config);
  const bus = createEmbeddedBus({
    pool: db.pool,
    logger,
    topicPrefix: `${uniqueName('api')}.`,
    onFatal: (error) => {
      throw error;
    },
  });
  const metrics = new Registry();
  const http = buildHttpServer(logger, { pool: db.pool, bus, metrics });
  const api = await registerApi(http, {
    config,
    env: loadApiEnv({ SLACK_SIGNING_SECRET: SIGNING_SECRET, ...options.env }),
    pool: db.pool,
    bus,
    logger,
    metrics,
    requestAlertUpdate: options.requestAlertUpdate ?? requestAlertUpdate,
    ...(options.now ? { now: options.now } : {}),
  });
  await http.ready();

  const tokens = {} as Record<TokenName, string>;
  const tokenIds = {} as Record<TokenName, string>;
  const grants: Array<[TokenName, 'responder' | 'lead' | 'admin', string | null]> = [
    ['alice', 'responder', 'alice'],
    ['bob', 'responder', 'bob'],
    ['carol', 'lead', 'carol'],
    ['dave', 'responder', 'dave'],
    ['admin', 'admin', null],
  ];
  for (const [name, role, responderId] of grants) {
    const issued = await issueToken(db.pool, { role, responderId });
    tokens[name] = issued.token;
    tokenIds[name] = issued.tokenId;
  }

  return {
    db,
    pool: db.pool,
    bus,
    http,
    config,
    metrics,
    tokens,
    tokenIds,
    async alertUpdates(itemId) {
      const { rows } = await db.pool.query<{ n: number }>("SELECT count(*)::int AS n FROM notification_outbox WHERE item_id = $1 AND kind = 'update'", [itemId]);
      return rows[0]!.n;
    },
    request(as, injectOptions) {
      const headers = { ...(injectOptions.headers ?? {}), ...(as ? { authorization: `Bearer ${tokens[as]}` } : {}) };
      return http.inject({ ...injectOptions, headers });
    },
    seedItem: (seed = {}) => seedItem(db.pool, seed),
    async close() {
      await http.close();
      await api.stop();
      await bus.close();
      await db.drop();
    },
  };
}

/** An item as the router and notify leave it: mention, classification, item, timeline, both escalation timers and its posted Slack alert. */
export async function seedItem(pool: Pool, seed: SeedOptions = {}): Promise<string> {
  seeded += 1;
  const mention = MentionSchema.parse(fakeMention(seeded, { platform: seed.platform ?? 'x', matchedBrands: [seed.brand ?? 'acme'] }));
  const id = mentionId(mention);
  const createdAt = seed.createdAt ?? new Date();
  const state = seed.state ?? 'open';
  const priority = seed.priority ?? 'P2';
  await pool.query(
    `INSERT INTO mentions (id, platform, external_id, url, text, lang, author_handle, matched_brands, payload, created_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [id, mention.platform, mention.externalId, mention.url, mention.text, mention.lang, mention.author.handle, mention.matchedBrands, mention, createdAt],
  );
  await pool.query(
    `INSERT INTO classifications (mention_id, sentiment_label, sentiment_score, sentiment_confidence, urgency, urgency_reasons, category, priority, model_version, classified_at)
     VALUES ($1, 'negative', -0.7, 0.9, 70, '{late delivery}', 'complaint', $2, 'test-1', $3)`,
    [id, priority, createdAt],
  );
  const assignee = seed.assignee === undefined ? 'alice' : seed.assignee;
  const acknowledged = state === 'acknowledged' || state === 'handled';
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO items (mention_id, brand_id, state, priority, category, team_id, assignee_id, routing_rule, ack_due_at, handle_due_at,
                        created_at, assigned_at, acknowledged_at, acknowledged_by, handled_at, handled_by)
     VALUES ($1, $2, $3, $4, 'complaint', $5, $6, 'default', $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id`,
    [
      id,
      seed.brand ?? 'acme',
      state,
      priority,
      seed.team === undefined ? 'support' : seed.team,
      assignee,
      seed.ackDueAt === undefined ? new Date(createdAt.getTime() + 3_600_000) : seed.ackDueAt,
      seed.handleDueAt === undefined ? new Date(createdAt.getTime() + 8 * 3_600_000) : seed.handleDueAt,
      createdAt,
      assignee ? createdAt : null,
      acknowledged ? createdAt : null,
      acknowledged ? (seed.acknowledgedBy === undefined ? assignee : seed.acknowledgedBy) : null,
      state === 'handled' ? createdAt : null,
      state === 'handled' ? (seed.handledBy === undefined ? assignee : seed.handledBy) : null,
    ],
  );
  const itemId = rows[0]!.id;
  await pool.query("INSERT INTO timeline_events (item_id, type, actor_kind, via, message) VALUES ($1, 'created', 'system', 'system', 'routed by rule default')", [itemId]);
  await pool.query(
    `INSERT INTO escalation_timers (item_id, step_index, due_at, clock) VALUES ($1, 0, $2, 'ack'), ($1, 1, $3, 'handle')`,
    [itemId, new Date(createdAt.getTime() + 1_800_000), new Date(createdAt.getTime() + 8 * 3_600_000)],
  );
  await pool.query(
    `INSERT INTO slack_messages (item_id, role, channel_key, channel, ts, payload, posted_at) VALUES ($1, 'alert', '#support', 'C0SUPPORT', $2, '{}', $3)`,
    [itemId, `1756730096.${String(seeded).padStart(6, '0')}`, createdAt],
  );
  return itemId;
}

/** Everything a refused request must leave untouched. */
export async function itemFootprint(pool: Pool, itemId: string): Promise<unknown> {
  const [item, events, timers, outbox] = await Promise.all([
    pool.query('SELECT * FROM items WHERE id = $1', [itemId]),
    pool.query('SELECT count(*)::int AS n FROM timeline_events WHERE item_id = $1', [itemId]),
    pool.query('SELECT step_index, status, due_at FROM escalation_timers WHERE item_id = $1 ORDER BY step_index', [itemId]),
    pool.query('SELECT count(*)::int AS n FROM notification_outbox WHERE item_id = $1', [itemId]),
  ]);
  return { item: item.rows[0], events: events.rows[0], timers: timers.rows, outbox: outbox.rows[0] };
}

/** A Slack block_actions click as Slack sends it: form-encoded `payload`, signed with the signing secret. */
export function slackClick(
  click: { user: string; actionId: string; itemId: string; selectedUser?: string; responseUrl?: string },
  signing: { timestamp?: number; secret?: string } = {},
): InjectOptions {
  const payload = {
    type: 'block_actions',
    user: { id: click.user, username: click.user.toLowerCase(), team_id: 'T0TEST' },
    team: { id: 'T0TEST', domain: 'acme' },
    api_app_id: 'A0TEST',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: '1756730096.000100', channel_id: 'C0SUPPORT' },
    trigger_id: '1.2.3',
    response_url: click.responseUrl ?? 'http://127.0.0.1:9/unused',
    actions: [
      click.selectedUser
        ? { type: 'users_select', action_id: click.actionId, block_id: slackItemBlockId(click.itemId), selected_user: click.selectedUser, action_ts: '1756730100.1' }
        : { type: 'button', action_id: click.actionId, block_id: slackItemBlockId(click.itemId), value: click.itemId, action_ts: '1756730100.1' },
    ],
  };
  const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
  const timestamp = String(signing.timestamp ?? Math.floor(Date.now() / 1000));
  return {
    method: 'POST',
    url: '/slack/actions',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': timestamp,
      'x-slack-signature': slackSignature(signing.secret ?? SIGNING_SECRET, timestamp, body),
    },
    payload: body,
  };
}
