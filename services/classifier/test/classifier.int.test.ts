import { createEmbeddedBus, type Bus, type Subscription, type TopicName, type TopicValue } from '@earshot/bus';
import type { SentimentScorer } from '@earshot/classification';
import { parseConfigText, type EarshotConfig } from '@earshot/config';
import { mentionId, MentionSchema, type MentionInput, type Sentiment } from '@earshot/domain';
import { Registry } from 'prom-client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/database.js';
import { uniqueName } from '../../../test/support/kafka.js';
import { testLogger } from '../../../test/support/logger.js';
import { fakeMention } from '../../../test/support/mentions.js';
import { waitFor } from '../../../test/support/wait.js';
import { buildClassifier, type Classifier } from '../src/classifier.js';
import { createClassifierMetrics } from '../src/metrics.js';

const CONFIG_YAML = `
brands:
  - { id: acme, name: Acme, query: 'acme OR @acme' }
noise:
  mutedWords: [giveaway]
`;

function loadTestConfig(): EarshotConfig {
  const result = parseConfigText(CONFIG_YAML, 'test');
  if (!result.ok) throw new Error(JSON.stringify(result.issues));
  return result.config;
}

const NEGATIVE: Sentiment = { label: 'negative', score: -0.8, confidence: 0.9 };
/** Scores every text negative: these tests are about storage, publishing and state, not about the model. */
const allNegative: SentimentScorer = { version: 'test-negative', score: () => NEGATIVE };

/** A bus wrapper whose publishes fail while `failing` is set: a broker outage right after a commit. */
function flakyBus(inner: Bus): Bus & { failing: boolean } {
  return Object.assign(Object.create(inner) as Bus, {
    failing: false,
    async publish(this: { failing: boolean }, topic: TopicName, messages: never[]) {
      if (this.failing) throw Object.assign(new Error('broker unavailable'), { retriable: true });
      return inner.publish(topic, messages);
    },
  }) as Bus & { failing: boolean };
}

describe('classifier: storage, outbox, bursts and spikes (embedded bus, real PostgreSQL)', () => {
  let db: TestDatabase;
  let bus: Bus & { failing: boolean };
  let clock: number;
  const subscriptions: Subscription[] = [];
  const received = { classified: [] as Array<TopicValue<'mentions.classified'>>, spikes: [] as Array<TopicValue<'alerts.spikes'>> };

  const newClassifier = (sentiment: SentimentScorer = allNegative): Classifier =>
    buildClassifier({ pool: db.pool, bus, logger: testLogger, config: loadTestConfig(), sentiment, metrics: createClassifierMetrics(new Registry()), now: () => clock });

  const deliver = (classifier: Classifier, mentions: MentionInput[]) =>
    classifier.handleBatch(mentions.map((input, index) => ({ key: mentionId(MentionSchema.parse(input)), value: MentionSchema.parse(input), position: String(index) })));

  beforeAll(async () => {
    db = await createTestDatabase();
    bus = flakyBus(createEmbeddedBus({ pool: db.pool, logger: testLogger, onFatal: (error) => { throw error; }, topicPrefix: `${uniqueName('c')}.`, pollIntervalMs: 100 }));
    subscriptions.push(
      await bus.subscribe({ topic: 'mentions.classified', group: 'test-classified-reader', handler: async (batch) => void received.classified.push(...batch.map((m) => m.value)) }),
      await bus.subscribe({ topic: 'alerts.spikes', group: 'test-spike-reader', handler: async (batch) => void received.spikes.push(...batch.map((m) => m.value)) }),
    );
  });
  afterAll(async () => {
    await Promise.all(subscriptions.map((subscription) => subscription.stop()));
    await bus.close();
    await db.drop();
  });
  afterEach(() => {
    bus.failing = false;
  });

  const outboxSize = async () => Number((await db.pool.query<{ count: string }>('SELECT count(*) FROM classifier_outbox')).rows[0]!.count);
  const classifiedIds = () => received.classified.map((message) => message.id);

  it('publishes a mention stored before a failed publish on the next drain, once; its redelivery adds nothing', async () => {
    clock = Date.parse('2026-11-02T09:00:00Z');
    const classifier = newClassifier();
    const mention = fakeMention(1, { createdAt: new Date(clock - 60_000).toISOString() });
    bus.failing = true;
    await deliver(classifier, [mention]);
    // Stored and committed, not published: the crash window between commit and publish.
    expect((await db.pool.query('SELECT 1 FROM mentions m JOIN classifications c ON c.mention_id = m.id WHERE m.id = $1', [mentionId(MentionSchema.parse(mention))])).rowCount).toBe(1);
    expect(await outboxSize()).toBe(1);

    bus.failing = false;
    await deliver(classifier, [mention]);
    await waitFor(() => classifiedIds().includes('x:1800000000001'), { what: 'the classified message' });
    expect(await outboxSize()).toBe(0);
    await classifier.drainOutbox();
    await deliver(classifier, [mention]);
    const sentinel = fakeMention(2, { createdAt: new Date(clock - 60_000).toISOString() });
    await deliver(classifier, [sentinel]);
    await waitFor(() => classifiedIds().includes('x:1800000000002'), { what: 'the sentinel' });
    expect(classifiedIds().filter((id) => id === 'x:1800000000001')).toHaveLength(1);
    expect((await db.pool.query('SELECT 1 FROM mentions WHERE id = $1', ['x:1800000000001'])).rowCount).toBe(1);
  });

  it('stores spam with its classification and publishes nothing for it', async () => {
    const classifier = newClassifier();
    const spam = fakeMention(10, { text: 'acme GIVEAWAY follow and retweet to win', createdAt: new Date(clock).toISOString() });
    const sentinel = fakeMention(11, { createdAt: new Date(clock).toISOString() });
    await deliver(classifier, [spam, sentinel]);
    await waitFor(() => classifiedIds().includes('x:1800000000011'), { what: 'the message after the spam' });
    expect(classifiedIds()).not.toContain('x:1800000000010');
    const { rows } = await db.pool.query('SELECT category, priority, urgency_reasons FROM classifications WHERE mention_id = $1', ['x:1800000000010']);
    expect(rows).toEqual([{ category: 'spam', priority: 'P4', urgency_reasons: ['muted word "giveaway"'] }]);
  });

  it('publishes near-duplicates with burstOf, across batches and classifier instances', async () => {
    const story = 'Acme is recalling every X2 charger sold since March after reports of overheating, customers should unplug them now';
    const original = fakeMention(20, { text: story, author: { handle: 'wire' }, createdAt: new Date(clock).toISOString() });
    await deliver(newClassifier(), [original]);
    const repost = fakeMention(21, { text: `RT @wire: ${story}`, createdAt: new Date(clock).toISOString() });
    const quote = fakeMention(22, { text: '', quoteOf: { externalId: original.externalId }, createdAt: new Date(clock).toISOString() });
    await deliver(newClassifier(), [repost, quote]);
    await waitFor(() => classifiedIds().includes('x:1800000000022'), { what: 'the quote' });
    const byId = new Map(received.classified.map((message) => [message.id, message]));
    expect(byId.get('x:1800000000020')?.burstOf).toBeUndefined();
    expect(byId.get('x:1800000000021')?.burstOf).toBe('x:1800000000020');
    expect(byId.get('x:1800000000022')?.burstOf).toBe('x:1800000000020');
    const { rows } = await db.pool.query('SELECT mention_id, burst_of FROM classifications WHERE mention_id = ANY($1) ORDER BY mention_id', [['x:1800000000021', 'x:1800000000022']]);
    expect(rows).toEqual([
      { mention_id: 'x:1800000000021', burst_of: 'x:1800000000020' },
      { mention_id: 'x:1800000000022', burst_of: 'x:1800000000020' },
    ]);
  });

  it('raises one spike alert on alerts.spikes and does not raise it again after a restart', async () => {
    const window = 5 * 60_000;
    clock = Date.parse('2026-11-03T08:00:00Z');
    let index = 1_000;
    const negatives = (count: number): MentionInput[] =>
      Array.from({ length: count }, () => {
        index += 1;
        return fakeMention(index, { text: `@acme checkout keeps failing, order ${index} lost`, createdAt: new Date(clock - 60_000).toISOString() });
      });
    const classifier = newClassifier();
    for (let windows = 0; windows < 14; windows += 1) {
      await deliver(classifier, negatives(2));
      clock += window;
    }
    await deliver(classifier, negatives(30));
    await waitFor(() => received.spikes.length > 0, { what: 'the spike alert' });
    const [alert] = received.spikes;
    expect(alert).toMatchObject({ id: `spike:acme:${new Date(clock).toISOString()}`, brandId: 'acme' });
    expect(alert!.examples.length).toBeGreaterThan(0);

    // A new process (the same database): the spike in progress is remembered.
    const restarted = newClassifier();
    await deliver(restarted, negatives(40));
    clock += window;
    await deliver(restarted, negatives(40));
    const sentinel = negatives(1);
    await deliver(restarted, sentinel);
    await waitFor(() => classifiedIds().includes(mentionId(MentionSchema.parse(sentinel[0]))), { what: 'the last mention' });
    expect(await outboxSize()).toBe(0);
    expect(received.spikes.map((spike) => spike.id)).toEqual([alert!.id]);
    const { rows } = await db.pool.query('SELECT active_spike_id FROM spike_states WHERE brand_id = $1', ['acme']);
    expect(rows).toEqual([{ active_spike_id: alert!.id }]);
  });

  it('sweeps burst keys once they are past the window', async () => {
    const classifier = newClassifier();
    await deliver(classifier, [fakeMention(3_000, { createdAt: new Date(clock).toISOString() })]);
    const keys = async () => Number((await db.pool.query<{ count: string }>('SELECT count(*) FROM burst_keys')).rows[0]!.count);
    expect(await keys()).toBeGreaterThan(0);
    clock += 25 * 60 * 60 * 1_000;
    expect(await classifier.sweep()).toBeGreaterThan(0);
    expect(await keys()).toBe(0);
  });
});
