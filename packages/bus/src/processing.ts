import { summarizeZodError, type DeadLetter } from '@earshot/domain';
import type { Logger } from '@earshot/logging';
import pRetry from 'p-retry';
import type { Delivery, SubscribeOptions } from './bus.js';
import { DEAD_LETTER_TOPIC, TOPIC_CATALOG, type TopicName } from './catalog.js';
import { encodeMessages } from './encode.js';
import { isTransientError } from './errors.js';

/** A message as it comes off the log, before validation. */
export interface RawMessage {
  key: string | null;
  value: string;
  position: string;
  partition?: number;
  offset?: string;
}

export interface ProcessingControl {
  /** Aborted when the consumer is stopping; a batch in retry then gives up without committing. */
  signal: AbortSignal;
  /** Called while waiting between retries (Kafka needs heartbeats to keep the partition). */
  keepAlive(): Promise<void>;
}

export interface BatchProcessorOptions<T extends TopicName> {
  subscription: SubscribeOptions<T>;
  /** Appends serialised dead letters to the (prefixed) DLQ topic. */
  sendDeadLetters(messages: Array<{ key: string; value: string }>): Promise<void>;
  logger: Logger;
  /** First and longest wait between tries, in ms. */
  retryDelay?: { minMs: number; maxMs: number };
}

const DEFAULT_MAX_ATTEMPTS = 5;

/**
 * The delivery rules both bus implementations share:
 * - a message that is not valid JSON or fails its topic's schema goes to the DLQ at once;
 * - the valid messages go to the handler as one batch;
 * - a transient failure (database or broker down) is retried without limit,
 *   so an outage delays messages instead of dead-lettering them;
 * - any other failure is narrowed to the message that causes it, which is
 *   tried `maxAttempts` times and then dead-lettered, so it never blocks the
 *   messages behind it.
 * Resolves `true` when every message was handled or dead-lettered (the caller
 * commits), `false` when stopped first (the caller must not commit).
 */
export function createBatchProcessor<T extends TopicName>(options: BatchProcessorOptions<T>) {
  const { topic, group, handler } = options.subscription;
  const maxAttempts = options.subscription.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
  const schema = TOPIC_CATALOG[topic];
  const delays = options.retryDelay ?? { minMs: 200, maxMs: 30_000 };
  const log = options.logger.child({ topic, group });
  const deadLetter = (letters: DeadLetter[]) =>
    options.sendDeadLetters(encodeMessages(DEAD_LETTER_TOPIC, letters.map((value) => ({ key: value.key ?? '', value }))));

  const letter = (message: RawMessage, error: string, attempts: number): DeadLetter => ({
    topic,
    key: message.key,
    value: message.value,
    error,
    attempts,
    group,
    failedAt: new Date().toISOString(),
    ...(message.partition === undefined ? {} : { partition: message.partition }),
    ...(message.offset === undefined ? {} : { offset: message.offset }),
  });

  /** Retries `work` until it succeeds, is stopped, or fails `maxAttempts` times with non-transient errors. */
  async function persist(work: () => Promise<void>, control: ProcessingControl, maxAttempts: number): Promise<void> {
    let permanentFailures = 0;
    await pRetry(work, {
      retries: Number.POSITIVE_INFINITY,
      minTimeout: delays.minMs,
      maxTimeout: delays.maxMs,
      randomize: true,
      signal: control.signal,
      onFailedAttempt: async ({ error, attemptNumber }) => {
        if (!isTransientError(error)) permanentFailures += 1;
        log.warn({ err: error, attempt: attemptNumber, transient: isTransientError(error) }, 'message handling failed; retrying');
        await control.keepAlive();
      },
      shouldRetry: () => permanentFailures < maxAttempts,
    });
  }

  const stopped = (control: ProcessingControl) => control.signal.aborted;

  return async function process(batch: readonly RawMessage[], control: ProcessingControl): Promise<boolean> {
    const valid: Array<{ raw: RawMessage; delivery: Delivery<T> }> = [];
    const poison: DeadLetter[] = [];
    for (const raw of batch) {
      const decoded = decode(raw.value);
      const parsed = decoded.ok ? schema.safeParse(decoded.value) : null;
      if (parsed?.success) valid.push({ raw, delivery: { key: raw.key, value: parsed.data as Delivery<T>['value'], position: raw.position } });
      else poison.push(letter(raw, parsed ? `invalid ${topic} message: ${summarizeZodError(parsed.error)}` : 'not valid JSON', 0));
    }

    try {
      if (poison.length > 0) {
        log.warn({ count: poison.length, reasons: poison.map((p) => p.error) }, 'dead-lettering invalid messages');
        await persist(() => deadLetter(poison), control, Number.POSITIVE_INFINITY);
      }
      if (valid.length === 0) return true;

      try {
        await persist(() => handler(valid.map((v) => v.delivery)), control, 1);
        return true;
      } catch (error) {
        if (stopped(control)) return false;
        log.warn({ err: error, size: valid.length }, 'batch failed; handling its messages one by one to find the bad one');
      }

      for (const { raw, delivery } of valid) {
        try {
          await persist(() => handler([delivery]), control, maxAttempts);
        } catch (error) {
          if (stopped(control)) return false;
          log.error({ err: error, key: raw.key, position: raw.position }, 'message keeps failing; sending it to the DLQ');
          await persist(() => deadLetter([letter(raw, describeError(error), maxAttempts)]), control, Number.POSITIVE_INFINITY);
        }
      }
      return true;
    } catch (error) {
      if (stopped(control)) return false;
      throw error;
    }
  };
}

function decode(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}
