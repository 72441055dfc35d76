import type { TopicInput, TopicName, TopicValue } from './catalog.js';

export interface OutgoingMessage<T extends TopicName> {
  /** Partitioning key: messages with the same key are delivered in order. */
  key: string;
  value: TopicInput<T>;
}

export interface Delivery<T extends TopicName> {
  key: string | null;
  value: TopicValue<T>;
  /** Where the message sits in its log (Kafka partition/offset or the embedded log id), for logs. */
  position: string;
}

/**
 * Receives a batch of valid messages. It must make its work durable before it
 * resolves: the bus commits the batch only afterwards, and redelivers it
 * (at least once) if the handler throws or the process dies first.
 */
export type BatchHandler<T extends TopicName> = (messages: Delivery<T>[]) => Promise<void>;

export interface SubscribeOptions<T extends TopicName> {
  topic: T;
  /** Consumers sharing a group share the work; each group sees every message. */
  group: string;
  handler: BatchHandler<T>;
  /** Largest batch handed to the handler at once. */
  maxBatchSize?: number;
  /** Tries for a message whose handling keeps failing with a non-transient error before it goes to the DLQ. */
  maxAttempts?: number;
}

export interface Subscription {
  /** Stops taking new messages, waits for the batch in hand, and leaves the group. */
  stop(): Promise<void>;
}

export interface Bus {
  readonly kind: 'kafka' | 'embedded';
  /** Validates every message, then resolves once the bus has durably accepted all of them. */
  publish<T extends TopicName>(topic: T, messages: ReadonlyArray<OutgoingMessage<T>>): Promise<void>;
  subscribe<T extends TopicName>(options: SubscribeOptions<T>): Promise<Subscription>;
  isHealthy(): Promise<boolean>;
  /** Stops every subscription, flushes the producer and disconnects. */
  close(): Promise<void>;
}

/** Called when a consumer cannot go on; services exit non-zero so the orchestrator restarts them. */
export type FatalHandler = (error: Error) => void;
