import { SpikeAlertSchema } from '@earshot/domain';
import { describe, expect, it } from 'vitest';
import { SPIKE_SETTINGS, SpikeDetector, type NegativeMention } from '../src/index.js';

const WINDOW = SPIKE_SETTINGS.windowMs;
/** Window-aligned start of the test's day. */
const START = Date.parse('2026-11-02T08:00:00.000Z');

/** A fake clock driving a detector, with helpers to feed it negative mentions. */
function scenario(detector = new SpikeDetector()) {
  let now = START;
  let sequence = 0;
  const negative = (overrides: Partial<NegativeMention> = {}): NegativeMention => {
    sequence += 1;
    return {
      mentionId: `x:${sequence}`,
      brandIds: ['acme'],
      createdAt: new Date(now - 30_000).toISOString(),
      urgency: 40,
      text: `@acme checkout is broken again (${sequence})`,
      authorHandle: `person${sequence}`,
      followers: 100 + sequence,
      ...overrides,
    };
  };
  return {
    detector,
    get now() {
      return now;
    },
    advance(ms: number) {
      now += ms;
    },
    /** `count` negative mentions spread over the current window; returns the alerts raised. */
    feed(count: number, overrides: Partial<NegativeMention> = {}) {
      return Array.from({ length: count }, () => detector.observe(negative(overrides), now)).flat();
    },
    /** `windows` windows of `perWindow` negative mentions each (a normal day). */
    baseline(windows: number, perWindow: number) {
      const alerts = [];
      for (let index = 0; index < windows; index += 1) {
        alerts.push(...this.feed(perWindow));
        now += WINDOW;
      }
      return alerts;
    },
  };
}

describe('spike detection', () => {
  it('stays quiet on a normal day and alerts once when negative volume jumps', () => {
    const clock = scenario();
    expect(clock.baseline(24, 3)).toEqual([]);
    const alerts = clock.feed(40, { urgency: 55 });
    expect(alerts).toHaveLength(1);
    const alert = SpikeAlertSchema.parse(alerts[0]);
    expect(alert.id).toBe(`spike:acme:${new Date(clock.now).toISOString()}`);
    expect(alert.brandId).toBe('acme');
    expect(alert.negativeCount).toBeGreaterThanOrEqual(SPIKE_SETTINGS.minNegative);
    expect(alert.negativeCount).toBeLessThan(40);
    expect(alert.baselineMean).toBeCloseTo(3, 0);
    expect(alert.examples.length).toBeGreaterThan(0);
    expect(alert.examples.length).toBeLessThanOrEqual(SPIKE_SETTINGS.examples);
    expect(alert.windowEnd).toBe(new Date(clock.now + WINDOW).toISOString());
  });

  it('does not re-alert while the same spike goes on over several windows, and alerts again for a new spike later', () => {
    const clock = scenario();
    clock.baseline(24, 2);
    expect(clock.feed(30)).toHaveLength(1);
    clock.advance(WINDOW);
    expect(clock.feed(35)).toEqual([]);
    clock.advance(WINDOW);
    expect(clock.feed(30)).toEqual([]);
    // Back to normal for a while: the spike is over.
    clock.advance(WINDOW);
    expect(clock.baseline(6, 2)).toEqual([]);
    expect(clock.feed(60)).toHaveLength(1);
  });

  it('treats a gap with no mentions as quiet windows: the spike ends and the baseline decays', () => {
    const clock = scenario();
    clock.baseline(24, 4);
    expect(clock.feed(40)).toHaveLength(1);
    clock.advance(3 * 60 * 60 * 1_000);
    expect(clock.feed(40)).toHaveLength(1);
  });

  it('needs a baseline first: no alert in the first hour after install', () => {
    const clock = scenario();
    expect(clock.feed(50)).toEqual([]);
    clock.advance(WINDOW);
    expect(clock.feed(50)).toEqual([]);
  });

  it('ignores a backlog of old posts caught up after an outage', () => {
    const clock = scenario();
    clock.baseline(24, 2);
    expect(clock.feed(80, { createdAt: new Date(clock.now - 3 * 60 * 60 * 1_000).toISOString() })).toEqual([]);
  });

  it('scales with the brand: 30 negative mentions are normal for a big brand and a spike for a small one', () => {
    const big = scenario();
    big.baseline(36, 30);
    expect(big.feed(34)).toEqual([]);
    const small = scenario();
    small.baseline(36, 1);
    expect(small.feed(30)).toHaveLength(1);
  });

  it('counts each brand on its own', () => {
    const clock = scenario();
    clock.baseline(24, 2);
    const alerts = clock.feed(30, { brandIds: ['globex'] });
    expect(alerts).toEqual([]);
    expect(clock.feed(30, { brandIds: ['acme', 'globex'] }).map((alert) => alert.brandId)).toEqual(['acme']);
  });

  it('keeps the most urgent examples', () => {
    const clock = scenario();
    clock.baseline(24, 1);
    clock.feed(8, { urgency: 20 });
    clock.feed(1, { urgency: 95, text: '@acme your app leaked my card details', authorHandle: 'loud', followers: 80_000 });
    const [alert] = clock.feed(5, { urgency: 30 });
    expect(alert!.examples[0]).toMatchObject({ text: '@acme your app leaked my card details', authorHandle: 'loud', followers: 80_000 });
    expect(alert!.examples.map((example) => example.mentionId)).toHaveLength(SPIKE_SETTINGS.examples);
  });

  it('does not re-alert after a restart: the saved state carries the spike in progress', () => {
    const clock = scenario();
    clock.baseline(24, 2);
    expect(clock.feed(30)).toHaveLength(1);
    const saved = structuredClone(clock.detector.changes());
    const restarted = scenario(new SpikeDetector(saved));
    restarted.advance(clock.now - START);
    expect(restarted.feed(30)).toEqual([]);
  });
});
