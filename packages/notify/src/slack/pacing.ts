/**
 * Pacing decisions for Slack, per channel (a channel id, #name or DM user
 * id). Pure: the worker stores the state in `slack_channel_state`, shared by
 * every replica, and applies these decisions while holding the channel's row
 * lock; tests drive them with a fake clock.
 */

export interface SlackPacingPolicy {
  /** Slack allows about one message per second per channel; a bit above it keeps us out of 429s. */
  channelIntervalMs: number;
  /** More alerts than this for one channel within `burstWindowMs` become one summary with the alerts threaded under it. */
  burstThreshold: number;
  burstWindowMs: number;
}

export const DEFAULT_SLACK_PACING: SlackPacingPolicy = Object.freeze({ channelIntervalMs: 1_100, burstThreshold: 10, burstWindowMs: 60_000 });

export interface ChannelPace {
  /** No call for this channel before then. */
  nextPostAt: Date;
  /** A worker is calling Slack for this channel until then (its lease); null when none is. */
  busyUntil: Date | null;
}

/** One call per channel at a time, across replicas, and none before the pace allows. */
export function isChannelReady(pace: ChannelPace, now: Date): boolean {
  return pace.nextPostAt <= now && (pace.busyUntil === null || pace.busyUntil <= now);
}

/** A worker takes the channel for one call: it is busy for the lease, and the next call waits at least one interval. */
export function takeChannel(now: Date, leaseMs: number, policy: SlackPacingPolicy): ChannelPace {
  return { nextPostAt: new Date(now.getTime() + policy.channelIntervalMs), busyUntil: new Date(now.getTime() + leaseMs) };
}

/**
 * After the call: free the channel. The next call waits one interval from
 * when the last call went out (not only from the claim: a call that took a
 * while to leave must not be followed by one straight after), and past a
 * Retry-After when Slack asked for one (this channel only).
 */
export function releaseChannel(
  pace: ChannelPace,
  now: Date,
  policy: SlackPacingPolicy,
  outcome: { lastCallAt?: Date | null; retryAfterMs?: number } = {},
): ChannelPace {
  const earliest = [pace.nextPostAt.getTime()];
  if (outcome.lastCallAt) earliest.push(outcome.lastCallAt.getTime() + policy.channelIntervalMs);
  if (outcome.retryAfterMs !== undefined) earliest.push(now.getTime() + outcome.retryAfterMs);
  return { nextPostAt: new Date(Math.max(...earliest)), busyUntil: null };
}

export interface BurstState {
  channel: string;
  ts: string;
  lastAt: Date;
}

export type AlertPlacement =
  | { kind: 'top-level' }
  /** Post a summary first, then this alert threaded under it. */
  | { kind: 'start-burst'; alerts: number }
  | { kind: 'thread'; channel: string; threadTs: string };

/**
 * Where the next alert for a channel goes. A burst lasts until the channel has
 * had no alert for a whole window; while it lasts every alert joins its thread.
 * `recentTopLevel`: alerts posted at the top of the channel within the window;
 * `waiting`: alerts due for the channel now, this one included.
 */
export function placeAlert(
  input: { now: Date; burst: BurstState | null; recentTopLevel: number; waiting: number },
  policy: SlackPacingPolicy,
): AlertPlacement {
  const { now, burst } = input;
  if (burst && now.getTime() - burst.lastAt.getTime() < policy.burstWindowMs) return { kind: 'thread', channel: burst.channel, threadTs: burst.ts };
  const alerts = input.recentTopLevel + input.waiting;
  return alerts > policy.burstThreshold ? { kind: 'start-burst', alerts } : { kind: 'top-level' };
}
