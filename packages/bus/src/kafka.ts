import type { Logger } from '@earshot/logging';
import { Kafka, logLevel, Partitioners, type Consumer, type KafkaConfig, type LogEntry, type Producer } from 'kafkajs';
import type { Bus, FatalHandler, SubscribeOptions, Subscription } from './bus.js';
import { DEAD_LETTER_TOPIC, TOPIC_NAMES } from './catalog.js';
import { encodeMessages } from './encode.js';
import { createBatchProcessor, type RawMessage } from './processing.js';

export interface KafkaBusOptions {
  brokers: string[];
  clientId: string;
  logger: Logger;
  onFatal: FatalHandler;
  topicPrefix?: string;
  /** Partitions for topics Earshot creates; the ceiling on consumers per group. */
  partitions?: number;
  /** Replication factor for topics Earshot creates (1 on a single broker). */
  replicationFactor?: number;
  /** How long the group waits for a silent consumer before handing its partitions to another, in ms. */
  sessionTimeoutMs?: number;
}

const DEFAULT_PARTITIONS = 6;

/**
 * Joins the batches different partitions hand over at the same moment into
 * one call of `handle`, up to `limit` messages, so a handler's fixed cost
 * per batch (a transaction, its round trips) is paid once per fetch rather
 * than once per partition. Calls of `handle` never overlap, and a
 * partition hands over its next batch only once its previous one is done,
 * so each partition's messages still arrive in order. Resolves each
 * hand-over with the result of the call that took it.
 */
function coalesce(limit: number, handle: (messages: RawMessage[], keepAlive: () => Promise<void>) => Promise<boolean>) {
  interface Waiting {
    messages: RawMessage[];
    keepAlive: () => Promise<void>;
    settle: (result: Promise<boolean>) => void;
  }
  const waiting: Waiting[] = [];
  let running = false;

  async function drain(): Promise<void> {
    running = true;
    while (waiting.length > 0) {
      const taken = [waiting.shift()!];
      let size = taken[0]!.messages.length;
      while (waiting.length > 0 && size + waiting[0]!.messages.length <= limit) {
        size += waiting[0]!.messages.length;
        taken.push(waiting.shift()!);
      }
      const result = handle(
        taken.flatMap((entry) => entry.messages),
        async () => void (await Promise.all(taken.map((entry) => entry.keepAlive()))),
      );
      for (const entry of taken) entry.settle(result);
      await result.catch(() => undefined);
    }
    running = false;
  }

  return (messages: RawMessage[], keepAlive: () => Promise<void>): Promise<boolean> =>
    new Promise<boolean>((resolve) => {
      waiting.push({ messages, keepAlive, settle: resolve });
      // The other partitions' batches of the same fetch are handed over in the same turn of the event loop.
      if (!running) {
        running = true;
        setImmediate(() => void drain());
      }
    });
}

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.ERROR]: 'error',
  [logLevel.NOTHING]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** Routes kafkajs's own logging into pino; its INFO chatter is debug for us. */
function kafkaLogCreator(logger: Logger): KafkaConfig['logCreator'] {
  return () =>
    ({ level, log }: LogEntry) => {
      const { message, ...extra } = log;
      const mapped = LEVELS[level] ?? 'info';
      logger[mapped === 'info' ? 'debug' : mapped]({ kafka: extra }, message);
    };
}

/**
 * Apache Kafka through kafkajs: an idempotent producer (acks from all
 * in-sync replicas, no duplicates on retry), consumers that commit a batch's
 * offsets only after the handler made its work durable.
 */
export function createKafkaBus(options: KafkaBusOptions): Bus {
  const { logger } = options;
  const prefix = options.topicPrefix ?? '';
  const kafka = new Kafka({
    clientId: options.clientId,
    brokers: options.brokers,
    logCreator: kafkaLogCreator(logger.child({ library: 'kafkajs' })),
    retry: { initialRetryTime: 300, retries: 8 },
  });
  const producer: Producer = kafka.producer({
    idempotent: true,
    maxInFlightRequests: 1,
    createPartitioner: Partitioners.DefaultPartitioner,
  });
  const consumers = new Set<Subscription>();
  let producerReady: Promise<void> | null = null;
  let topicsReady: Promise<void> | null = null;

  const connectProducer = () => {
    producerReady ??= producer.connect().catch((error: unknown) => {
      producerReady = null;
      throw error;
    });
    return producerReady;
  };

  /** Creates the catalog's topics once (an existing topic is left as it is). */
  const ensureTopics = () => {
    topicsReady ??= (async () => {
      const admin = kafka.admin();
      await admin.connect();
      try {
        const existing = new Set(await admin.listTopics());
        const missing = TOPIC_NAMES.map((name) => prefix + name).filter((name) => !existing.has(name));
        if (missing.length > 0) {
          await admin.createTopics({
            waitForLeaders: true,
            topics: missing.map((topic) => ({
              topic,
              numPartitions: options.partitions ?? DEFAULT_PARTITIONS,
              replicationFactor: options.replicationFactor ?? 1,
            })),
          });
          logger.info({ topics: missing }, 'created Kafka topics');
        }
      } finally {
        await admin.disconnect();
      }
    })().catch((error: unknown) => {
      topicsReady = null;
      throw error;
    });
    return topicsReady;
  };

  async function send(topic: string, messages: Array<{ key: string; value: string }>): Promise<void> {
    if (messages.length === 0) return;
    await Promise.all([connectProducer(), ensureTopics()]);
    await producer.send({ topic, acks: -1, messages });
  }

  return {
    kind: 'kafka',

    async publish(topic, messages) {
      await send(prefix + topic, encodeMessages(topic, messages));
    },

    async subscribe<T extends Parameters<Bus['subscribe']>[0]['topic']>(subscribe: SubscribeOptions<T>) {
      await ensureTopics();
      const topic = prefix + subscribe.topic;
      const consumer: Consumer = kafka.consumer({
        groupId: prefix + subscribe.group,
        sessionTimeout: options.sessionTimeoutMs ?? 30_000,
        heartbeatInterval: Math.min(3_000, Math.floor((options.sessionTimeoutMs ?? 30_000) / 3)),
        // A rebalance must not wait for a long retry loop; the batch is redelivered instead.
        rebalanceTimeout: 60_000,
        // A stopping consumer waits out its fetch in flight; services stop one after another
        // within the shutdown budget, so keep the idle fetch short (kafkajs defaults to 5 s).
        maxWaitTimeInMs: 1_000,
      });
      const stopper = new AbortController();
      const process = createBatchProcessor({ subscription: subscribe, logger, sendDeadLetters: (messages) => send(prefix + DEAD_LETTER_TOPIC, messages) });
      const batchSize = subscribe.maxBatchSize ?? 100;
      const handOver = coalesce(batchSize, (messages, keepAlive) => process(messages, { signal: stopper.signal, keepAlive }));

      consumer.on(consumer.events.CRASH, ({ payload }) => {
        // kafkajs restarts itself after retriable errors; anything else leaves it dead.
        if (!payload.restart && !stopper.signal.aborted) {
          logger.fatal({ err: payload.error, topic, group: subscribe.group }, 'Kafka consumer crashed');
          options.onFatal(payload.error);
        }
      });

      await consumer.connect();
      await consumer.subscribe({ topic, fromBeginning: true });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        // Every partition's batch is in hand at once, so handOver can join them into one handler call.
        partitionsConsumedConcurrently: options.partitions ?? DEFAULT_PARTITIONS,
        eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }) => {
          for (let start = 0; start < batch.messages.length; start += batchSize) {
            if (!isRunning() || isStale() || stopper.signal.aborted) return;
            const slice = batch.messages.slice(start, start + batchSize);
            const raw: RawMessage[] = slice.map((message) => ({
              key: message.key?.toString('utf8') ?? null,
              value: message.value?.toString('utf8') ?? '',
              position: `${batch.partition}@${message.offset}`,
              partition: batch.partition,
              offset: message.offset,
            }));
            const completed = await handOver(raw, heartbeat);
            if (!completed) return;
            const last = slice[slice.length - 1]!.offset;
            resolveOffset(last);
            await consumer.commitOffsets([{ topic, partition: batch.partition, offset: (BigInt(last) + 1n).toString() }]);
            await heartbeat();
          }
        },
      });

      const subscription: Subscription = {
        async stop() {
          stopper.abort();
          await consumer.disconnect();
          consumers.delete(subscription);
        },
      };
      consumers.add(subscription);
      return subscription;
    },

    async isHealthy() {
      const admin = kafka.admin();
      try {
        await admin.connect();
        await admin.describeCluster();
        return true;
      } catch {
        return false;
      } finally {
        await admin.disconnect().catch(() => undefined);
      }
    },

    async close() {
      await Promise.all([...consumers].map((subscription) => subscription.stop()));
      await producer.disconnect();
    },
  };
}
