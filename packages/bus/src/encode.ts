import { summarizeZodError } from '@earshot/domain';
import type { OutgoingMessage } from './bus.js';
import { TOPIC_CATALOG, type TopicName } from './catalog.js';

/** Thrown by `publish` before anything is sent: the caller gave a message its topic's schema rejects. */
export class InvalidMessageError extends Error {
  readonly retriable = false;
  constructor(topic: string, index: number, detail: string) {
    super(`message ${index} for ${topic} is invalid: ${detail}`);
    this.name = 'InvalidMessageError';
  }
}

/** Validates every message against the topic's schema, then serialises it. */
export function encodeMessages<T extends TopicName>(
  topic: T,
  messages: ReadonlyArray<OutgoingMessage<T>>,
): Array<{ key: string; value: string }> {
  const schema = TOPIC_CATALOG[topic];
  return messages.map((message, index) => {
    const parsed = schema.safeParse(message.value);
    if (!parsed.success) throw new InvalidMessageError(topic, index, summarizeZodError(parsed.error));
    return { key: message.key, value: JSON.stringify(parsed.data) };
  });
}
