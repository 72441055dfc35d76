import { DEAD_LETTER_TOPIC, TOPIC_CATALOG, type Bus } from '@earshot/bus';
import { withTransaction, type Pool, type PoolClient } from '@earshot/db';
import { summarizeZodError, type ClassifiedMention, type SpikeAlert } from '@earshot/domain';
import type { Logger } from '@earshot/logging';

/** The topics the classifier publishes through its outbox, and what goes on each. */
interface OutboxMessages {
  'mentions.classified': ClassifiedMention;
  'alerts.spikes': SpikeAlert;
}
type OutboxTopic = keyof OutboxMessages;

/** Queues messages in the caller's transaction, in order; they are published after it commits. */
export async function enqueue<T extends OutboxTopic>(
  client: Pick<PoolClient, 'query'>,
  topic: T,
  messages: ReadonlyArray<{ key: string; value: OutboxMessages[T] }>,
): Promise<void> {
  if (messages.length === 0) return;
  await client.query(
    `INSERT INTO classifier_outbox (topic, message_key, payload)
     SELECT $1, message_key, payload FROM unnest($2::text[], $3::jsonb[]) WITH ORDINALITY AS m(message_key, payload, position)
     ORDER BY position`,
    [topic, messages.map((message) => message.key), messages.map((message) => JSON.stringify(message.value))],
  );
}

/** Rows claimed per transaction: one publish call per topic per round. */
const DRAIN_BATCH = 500;

interface OutboxRow {
  id: string;
  topic: OutboxTopic;
  message_key: string;
  payload: unknown;
}

/**
 * Publishes what the outbox holds, oldest first, and deletes each row once
 * the bus has accepted it. Rows are claimed with SKIP LOCKED, so replicas
 * draining at once publish disjoint rows; a crash after publishing and before
 * the delete commits publishes those rows again (consumers are idempotent on
 * the message id). Drains in one process run one at a time, so messages
 * leave in the order they were queued.
 */
export function createOutboxDrainer(deps: { pool: Pool; bus: Bus; logger: Logger; onPublished?: (topic: OutboxTopic, count: number) => void }) {
  /** The round publishing now, and the one that will start after it (shared by every request made meanwhile). */
  let current: Promise<void> | null = null;
  let next: Promise<void> | null = null;

  async function drainOnce(): Promise<number> {
    return withTransaction(deps.pool, async (client) => {
      const { rows } = await client.query<OutboxRow>(
        `SELECT id, topic, message_key, payload FROM classifier_outbox ORDER BY id LIMIT $1 FOR UPDATE SKIP LOCKED`,
        [DRAIN_BATCH],
      );
      if (rows.length === 0) return 0;
      for (const topic of ['mentions.classified', 'alerts.spikes'] as const) {
        await publishRows(topic, rows.filter((row) => row.topic === topic));
      }
      await client.query('DELETE FROM classifier_outbox WHERE id = ANY($1::bigint[])', [rows.map((row) => row.id)]);
      return rows.length;
    });
  }

  async function publishRows(topic: OutboxTopic, rows: readonly OutboxRow[]): Promise<void> {
    if (rows.length === 0) return;
    const valid: Array<{ key: string; value: never }> = [];
    const invalid: Array<{ row: OutboxRow; error: string }> = [];
    for (const row of rows) {
      const parsed = TOPIC_CATALOG[topic].safeParse(row.payload);
      if (parsed.success) valid.push({ key: row.message_key, value: parsed.data as never });
      else invalid.push({ row, error: summarizeZodError(parsed.error) });
    }
    if (valid.length > 0) await deps.bus.publish(topic, valid);
    deps.onPublished?.(topic, valid.length);
    if (invalid.length === 0) return;
    // Only a schema change between enqueue and publish gets here; such a row
    // would block the outbox forever, so it goes to the DLQ with the reason
    // (the mention itself stays stored).
    deps.logger.error({ topic, count: invalid.length, reasons: invalid.map((entry) => entry.error) }, 'outbox messages fail their topic schema; dead-lettering them');
    const failedAt = new Date().toISOString();
    await deps.bus.publish(
      DEAD_LETTER_TOPIC,
      invalid.map(({ row, error }) => ({
        key: row.message_key,
        value: { topic, key: row.message_key, value: JSON.stringify(row.payload), error, attempts: 1, group: 'classifier-outbox', failedAt },
      })),
    );
  }

  async function round(): Promise<void> {
    while ((await drainOnce()) === DRAIN_BATCH);
  }

  function drain(): Promise<void> {
    if (current === null) {
      current = round().finally(() => {
        current = null;
      });
      return current;
    }
    // Rows committed after the current round's SELECT are not in it: run one more.
    next ??= current
      .catch(() => undefined)
      .then(() => {
        next = null;
        return drain();
      });
    return next;
  }

  return {
    /**
     * Publishes everything pending. Rejects when the bus or the database
     * fails; the rows stay for the next call.
     */
    drain,
  };
}

export type OutboxDrainer = ReturnType<typeof createOutboxDrainer>;
