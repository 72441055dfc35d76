import { describe, expect, it } from 'vitest';
import { DEFAULT_SLACK_PACING, isChannelReady, placeAlert, releaseChannel, takeChannel, type ChannelPace } from '../src/index.js';

const policy = DEFAULT_SLACK_PACING;
const LEASE_MS = 120_000;

/** A fake clock: ms since the start of the test. */
const at = (ms: number) => new Date(Date.UTC(2026, 10, 2, 9, 0, 0) + ms);

describe('per-channel pacing', () => {
  it('lets one call through per interval, each waiting for the previous one to finish', () => {
    let pace: ChannelPace = { nextPostAt: new Date(0), busyUntil: null };
    const callTimes: number[] = [];
    // A worker polls every 100 ms; each call to Slack takes 300 ms.
    let finishesAt: number | null = null;
    for (let now = 0; now <= 5_000; now += 100) {
      if (finishesAt !== null && now >= finishesAt) {
        pace = releaseChannel(pace, at(now), policy, { lastCallAt: at(now - 300) });
        finishesAt = null;
      }
      if (isChannelReady(pace, at(now))) {
        pace = takeChannel(at(now), LEASE_MS, policy);
        callTimes.push(now);
        finishesAt = now + 300;
      }
    }
    const gaps = callTimes.slice(1).map((time, index) => time - callTimes[index]!);
    expect(gaps.every((gap) => gap >= policy.channelIntervalMs)).toBe(true);
    // About one message per second: nowhere near idle either.
    expect(callTimes).toHaveLength(5);
  });

  it('waits out a Retry-After for that channel only', () => {
    const taken = takeChannel(at(0), LEASE_MS, policy);
    const limited = releaseChannel(taken, at(200), policy, { retryAfterMs: 30_000 });
    expect(isChannelReady(limited, at(29_000))).toBe(false);
    expect(isChannelReady(limited, at(30_200))).toBe(true);
    const other = releaseChannel(takeChannel(at(0), LEASE_MS, policy), at(200), policy);
    expect(isChannelReady(other, at(1_100))).toBe(true);
  });

  it('never keeps a shorter pause than the pace already asks for', () => {
    const taken = takeChannel(at(0), LEASE_MS, policy);
    expect(releaseChannel(taken, at(100), policy, { retryAfterMs: 0 }).nextPostAt).toEqual(at(policy.channelIntervalMs));
  });

  it('spaces calls from when the last one went out, however late it left after the claim', () => {
    // Claimed at 0, but rendering and a slow database meant the call only left at 800 ms.
    const taken = takeChannel(at(0), LEASE_MS, policy);
    const released = releaseChannel(taken, at(900), policy, { lastCallAt: at(800) });
    expect(isChannelReady(released, at(1_100))).toBe(false);
    expect(isChannelReady(released, at(800 + policy.channelIntervalMs))).toBe(true);
  });

  it('frees a channel whose worker died once the lease runs out', () => {
    const taken = takeChannel(at(0), LEASE_MS, policy);
    expect(isChannelReady(taken, at(LEASE_MS - 1))).toBe(false);
    expect(isChannelReady(taken, at(LEASE_MS))).toBe(true);
  });
});

describe('burst placement', () => {
  const burst = { channel: 'C1', ts: '1800000001.000001', lastAt: at(0) };

  it('posts at the top of the channel up to the threshold', () => {
    expect(placeAlert({ now: at(0), burst: null, recentTopLevel: 0, waiting: 1 }, policy)).toEqual({ kind: 'top-level' });
    expect(placeAlert({ now: at(0), burst: null, recentTopLevel: 9, waiting: 1 }, policy)).toEqual({ kind: 'top-level' });
  });

  it('starts a burst with the eleventh alert within a minute, or when more than ten wait at once', () => {
    expect(placeAlert({ now: at(0), burst: null, recentTopLevel: 10, waiting: 1 }, policy)).toEqual({ kind: 'start-burst', alerts: 11 });
    expect(placeAlert({ now: at(0), burst: null, recentTopLevel: 0, waiting: 15 }, policy)).toEqual({ kind: 'start-burst', alerts: 15 });
  });

  it('threads every alert under the burst until the channel has been quiet for a minute', () => {
    expect(placeAlert({ now: at(59_999), burst, recentTopLevel: 0, waiting: 1 }, policy)).toEqual({ kind: 'thread', channel: 'C1', threadTs: burst.ts });
    expect(placeAlert({ now: at(60_000), burst, recentTopLevel: 0, waiting: 1 }, policy)).toEqual({ kind: 'top-level' });
    expect(placeAlert({ now: at(60_000), burst, recentTopLevel: 0, waiting: 12 }, policy)).toEqual({ kind: 'start-burst', alerts: 12 });
  });
});
