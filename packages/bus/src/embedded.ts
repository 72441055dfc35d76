import { EventEmitter } from 'node:events';
import { checkout, withTransaction, type Pool, type PoolClient } from '@earshot/db';
import type { Logger } from '@earshot/logging';
import type { Bus, FatalHandler, SubscribeOptions, Subscription } from './bus.js';
import { DEAD_LETTER_TOPIC, type TopicName } from './catalog.js';
import { createBatchProcessor, type RawMessage } from './processing.js';
import { isTransientError } from './errors.js';
import { encodeMessages } from './encode.js';

const NOTIFY_CHANNEL = 'earshot_bus';

export interface EmbeddedBusOptions {
  pool: Pool;
  logger: Logger;
  onFatal: FatalHandler;
  topicPrefix?: string;
  /** How long consumed messages stay in the log, in ms (for inspection and replays). */
  retentionMs?: number;
  /** Longest wait for new messages when no notification arrives, in ms. */
  pollIntervalMs?: number;
}

/**
 * A durable log in PostgreSQL with the Kafka bus's semantics, for running on
 * one machine: messages are rows, each consumer group keeps a committed
 * position, one consumer per group and topic works at a time (a session
 * advisory lock, released by PostgreSQL if its holder dies) and the others
 * wait as standbys.
 */
export function createEmbeddedBus(options: EmbeddedBusOptions): Bus {
  const { pool, logger } = options;
  const prefix = options.topicPrefix ?? '';
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  const wakeups = new EventEmitter();
  wakeups.setMaxListeners(0);
  const subscriptions = new Set<Subscription>();
  let listener: PoolClient | null = null;
  let closed = false;

  async function listen(): Promise<void> {
    if (listener || closed) return;
    const client = await pool.connect();
    client.on('notification', (message) => wakeups.emit(message.payload ?? ''));
    // When the connection dies, consumers fall back to polling until it is back.
    // pg may report one failure as several errors: release once, and never throw from here.
    client.on('error', (error) => {
      if (listener !== client) return;
      listener = null;
      logger.warn({ reason: error.message }, 'embedded bus lost its notification connection; polling instead');
      client.release(error);
    });
    await client.query(`LISTEN ${NOTIFY_CHANNEL}`);
    listener = client;
  }

  async function append(topic: string, rows: ReadonlyArray<{ key: string | null; value: string }>): Promise<void> {
    if (rows.length === 0) return;
    await withTransaction(pool, async (client) => {
      // Serialise writers per topic so ids become visible in order and a
      // consumer reading "id > position" can never skip a late commit.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`earshot.bus:${topic}`]);
      await client.query('INSERT INTO bus_messages (topic, key, value) SELECT $1, * FROM unnest($2::text[], $3::text[])', [
        topic,
        rows.map((row) => row.key),
        rows.map((row) => row.value),
      ]);
      await client.query('SELECT pg_notify($1, $2)', [NOTIFY_CHANNEL, topic]);
    });
  }

  const sleep = (ms: number, topic: string, signal: AbortSignal) =>
    new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        wakeups.off(topic, done);
        signal.removeEventListener('abort', done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      wakeups.on(topic, done);
      signal.addEventListener('abort', done);
    });

  async function consume<T extends TopicName>(subscribe: SubscribeOptions<T>, signal: AbortSignal): Promise<void> {
    const topic = prefix + subscribe.topic;
    const group = prefix + subscribe.group;
    const batchSize = subscribe.maxBatchSize ?? 100;
    const log = logger.child({ topic, group });
    const process = createBatchProcessor({ subscription: subscribe, logger, sendDeadLetters: (messages) => append(prefix + DEAD_LETTER_TOPIC, messages) });

    while (!signal.aborted) {
      // Held for as long as this consumer owns the topic; a connection that dies
      // makes the next query fail and the loop reconnect.
      let owner: Awaited<ReturnType<typeof checkout>> | null = null;
      try {
        owner = await checkout(pool);
        const { rows } = await owner.client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock(hashtext($1), hashtext($2)) AS locked', [group, topic]);
        if (!rows[0]?.locked) {
          owner.release();
          owner = null;
          await sleep(pollIntervalMs, '\u0000standby', signal);
          continue;
        }
        log.debug('consumer owns the topic for its group');
        await owner.client.query('INSERT INTO bus_offsets (group_id, topic, position) VALUES ($1, $2, 0) ON CONFLICT DO NOTHING', [group, topic]);
        while (!signal.aborted) {
          const batch = await owner.client.query<{ id: string; key: string | null; value: string }>(
            `SELECT m.id, m.key, m.value FROM bus_messages m, bus_offsets o
              WHERE o.group_id = $1 AND o.topic = $2 AND m.topic = $2 AND m.id > o.position
              ORDER BY m.id LIMIT $3`,
            [group, topic, batchSize],
          );
          if (batch.rows.length === 0) {
            await sleep(pollIntervalMs, topic, signal);
            continue;
          }
          const raw: RawMessage[] = batch.rows.map((row) => ({ key: row.key, value: row.value, position: row.id }));
          const completed = await process(raw, { signal, keepAlive: async () => undefined });
          if (!completed) break;
          await owner.client.query('UPDATE bus_offsets SET position = $3, updated_at = now() WHERE group_id = $1 AND topic = $2', [
            group,
            topic,
            batch.rows[batch.rows.length - 1]!.id,
          ]);
        }
      } catch (error) {
        if (signal.aborted) break;
        if (!isTransientError(error)) throw error;
        log.warn({ err: error }, 'embedded bus consumer lost the database; retrying');
        await sleep(pollIntervalMs, '\u0000retry', signal);
      } finally {
        if (owner) {
          await owner.client.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [group, topic]).catch(() => undefined);
          owner.release();
        }
      }
    }
  }

  const retention = setInterval(() => {
    void pool
      .query(
        // A message goes once every group reading its topic is past it (topics nobody reads, like the DLQ, are kept).
        `DELETE FROM bus_messages m
          USING (SELECT topic, min(position) AS upto FROM bus_offsets GROUP BY topic) o
          WHERE m.topic = o.topic AND m.id <= o.upto AND m.created_at < now() - make_interval(secs => $1)`,
        [(options.retentionMs ?? 3_600_000) / 1000],
      )
      .catch((error: unknown) => logger.warn({ err: error }, 'embedded bus retention sweep failed'));
  }, 60_000);
  retention.unref();

  return {
    kind: 'embedded',

    async publish(topic, messages) {
      await append(prefix + topic, encodeMessages(topic, messages));
    },

    async subscribe(subscribe) {
      await listen();
      const stopper = new AbortController();
      const running = consume(subscribe, stopper.signal).catch((error: unknown) => {
        logger.fatal({ err: error, topic: subscribe.topic, group: subscribe.group }, 'embedded bus consumer crashed');
        options.onFatal(error instanceof Error ? error : new Error(String(error)));
      });
      const subscription: Subscription = {
        async stop() {
          stopper.abort();
          await running;
          subscriptions.delete(subscription);
        },
      };
      subscriptions.add(subscription);
      return subscription;
    },

    async isHealthy() {
      try {
        await pool.query('SELECT 1');
        return true;
      } catch {
        return false;
      }
    },

    async close() {
      closed = true;
      clearInterval(retention);
      await Promise.all([...subscriptions].map((subscription) => subscription.stop()));
      if (listener) {
        await listener.query(`UNLISTEN ${NOTIFY_CHANNEL}`).catch(() => undefined);
        listener.release();
        listener = null;
      }
      wakeups.removeAllListeners();
    },
  };
}
