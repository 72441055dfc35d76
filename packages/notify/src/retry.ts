/**
 * What a failed send means for its outbox row. Pure: the worker applies the
 * decision; tests drive it with a fixed random source.
 */

export interface RetryPolicy {
  /** Failed attempts before a row is dead. Rate-limit answers (429) are waits, not failures, and never count. */
  maxAttempts: number;
  /** Delay after the first failure, in ms; doubles per failure. */
  baseDelayMs: number;
  /** Longest delay between two attempts, in ms. */
  maxDelayMs: number;
}

/**
 * 24 tries, 5 s doubling to 30 min, with jitter: the tries span at least
 * 3.8 hours (up to 7.7), so a Slack or SMTP outage of a few hours delays
 * notifications; a longer one leaves them `dead`, listed for operators, who
 * can requeue them (requeueDeadNotifications).
 */
export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({ maxAttempts: 24, baseDelayMs: 5_000, maxDelayMs: 30 * 60_000 });

/** Why a send failed, as the worker needs to know it. */
export class DeliveryError extends Error {
  readonly retriable: boolean;
  /** Set when the provider said "slow down" (Slack 429): wait this long, it is not a failure. */
  readonly retryAfterMs: number | undefined;
  /** Provider's code: Slack's `error` (`channel_not_found`), an HTTP status, nodemailer's `code` or SMTP reply code. */
  readonly code: string;
  /** The request may have reached the provider and been acted on (a timeout, a dropped connection, a 5xx): the next attempt checks before sending again. */
  readonly mayHaveDelivered: boolean;

  constructor(message: string, options: { retriable: boolean; code: string; retryAfterMs?: number; mayHaveDelivered?: boolean; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DeliveryError';
    this.retriable = options.retriable;
    this.code = options.code;
    this.retryAfterMs = options.retryAfterMs;
    this.mayHaveDelivered = options.mayHaveDelivered ?? false;
  }
}

/** Exponential backoff with equal jitter: between half and all of the capped exponential delay. */
export function retryDelayMs(failures: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, failures - 1));
  return Math.round(exponential / 2 + (random() * exponential) / 2);
}

export type RetryDecision =
  | { action: 'wait'; at: Date; reason: 'rate-limited' }
  | { action: 'retry'; at: Date; reason: 'failed' }
  | { action: 'dead'; reason: 'permanent' | 'out-of-attempts' };

/**
 * `failures` counts this failure (the row's failed attempts so far, this one
 * included). A rate-limit answer waits for its Retry-After and costs no attempt.
 */
export function decideRetry(error: DeliveryError, failures: number, now: Date, policy: RetryPolicy, random: () => number = Math.random): RetryDecision {
  if (error.retryAfterMs !== undefined) return { action: 'wait', at: new Date(now.getTime() + error.retryAfterMs), reason: 'rate-limited' };
  if (!error.retriable) return { action: 'dead', reason: 'permanent' };
  if (failures >= policy.maxAttempts) return { action: 'dead', reason: 'out-of-attempts' };
  return { action: 'retry', at: new Date(now.getTime() + retryDelayMs(failures, policy, random)), reason: 'failed' };
}
