import type { Sentiment } from '@earshot/domain';
import { describe, expect, it } from 'vitest';
import { BurstIndex, classify, compactCount, priorityFor, scoreUrgency } from '../src/index.js';
import { ACME_RULES, fixedSentiment, NEUTRAL, NOON, post } from './helpers.js';

const NEGATIVE: Sentiment = { label: 'negative', score: -0.85, confidence: 0.91 };
const MINUTE = 60_000;

const classifyAt = (now: number, sentiment: Sentiment, ...args: Parameters<typeof post>) =>
  classify(post(...args), { rules: ACME_RULES, sentiment: fixedSentiment(sentiment), bursts: new BurstIndex(), now }).classification;

describe('urgency', () => {
  it("is P1 for the issue's example: negative, 50k followers, broken product, shared 200 times in its first hour", () => {
    const result = classifyAt(NOON + 47 * MINUTE, NEGATIVE, 'Three weeks old and the Acme X2 is completely broken. Dead. Avoid.', {
      author: { handle: 'techreviewer', followers: 50_000 },
      engagement: { reposts: 200, likes: 1_300 },
    });
    expect(result.priority).toBe('P1');
    expect(result.urgency.score).toBeGreaterThanOrEqual(80);
    expect(result.urgency.reasons).toEqual(['negative (0.91)', 'author reach 50k followers', '200 reposts in 47 min', 'product not working']);
  });

  it('is P4 for a neutral mention deep in a long news article', () => {
    const article = `Acme reported quarterly revenue in line with expectations. ${'Analysts expect steady growth in the consumer segment. '.repeat(40)}`;
    const result = classifyAt(NOON + 3 * 60 * MINUTE, NEUTRAL, article, {
      platform: 'news',
      title: 'Retail earnings roundup: Acme, Globex and others',
      url: 'https://news.example/retail-roundup',
      author: { handle: 'newsdesk' },
    });
    expect(result.priority).toBe('P4');
    expect(result.urgency.reasons).toEqual([]);
  });

  it('gives a high-reach author more urgency than the same complaint from a small account, and says why', () => {
    const text = 'Acme support hung up on me twice today.';
    const small = classifyAt(NOON, NEGATIVE, text, { author: { handle: 'someone', followers: 80 } });
    const large = classifyAt(NOON, NEGATIVE, text, { author: { handle: 'celebrity', followers: 2_400_000, verified: true } });
    expect(large.urgency.score - small.urgency.score).toBeGreaterThanOrEqual(30);
    expect(large.urgency.reasons).toContain('author reach 2.4M followers, verified');
    expect(small.urgency.reasons.some((reason) => reason.startsWith('author reach'))).toBe(false);
  });

  it('raises a refund demand addressed to the brand to P2 and names both reasons', () => {
    const result = classifyAt(NOON, { label: 'negative', score: -0.6, confidence: 0.8 }, '@acme you charged me twice for one order. I want a refund today.');
    expect(result.priority).toBe('P2');
    expect(result.urgency.reasons).toEqual(expect.arrayContaining(['refund demand', 'addresses @acme directly']));
    expect(result.category).toBe('complaint');
  });

  it('counts a neutral question to the brand, and not the same question about it', () => {
    const toBrand = classifyAt(NOON, NEUTRAL, '@acme does the pro plan include SSO?');
    const aboutBrand = classifyAt(NOON, NEUTRAL, 'does the acme pro plan include SSO?');
    expect(toBrand.urgency.reasons).toEqual(['question to @acme', 'addresses @acme directly']);
    expect(toBrand.priority).toBe('P3');
    expect(aboutBrand.priority).toBe('P4');
    expect(toBrand.category).toBe('question');
  });

  it('sees a reply to the brand account from the reply URL when the text has no handle', () => {
    const result = classifyAt(NOON, NEUTRAL, 'ok but when will it be fixed', {
      inReplyTo: { externalId: '1', url: 'https://x.com/acme/status/1' },
    });
    expect(result.urgency.reasons).toContain('replies to @acme');
  });

  it('measures engagement velocity from the post time: fast sharing beats the same count over days', () => {
    const engagement = { reposts: 120, replies: 30 };
    const fast = scoreUrgency({ mention: { author: { handle: 'a' }, engagement, createdAt: new Date(NOON).toISOString() }, sentiment: NEUTRAL, cues: [], addressed: null, question: false, now: NOON + 20 * MINUTE });
    const slow = scoreUrgency({ mention: { author: { handle: 'a' }, engagement, createdAt: new Date(NOON).toISOString() }, sentiment: NEUTRAL, cues: [], addressed: null, question: false, now: NOON + 4 * 24 * 60 * MINUTE });
    expect(fast.score).toBeGreaterThan(slow.score);
    expect(fast.reasons).toEqual(['120 reposts, 30 replies in 20 min']);
    expect(slow.reasons).toEqual(['120 reposts, 30 replies in 4 days']);
  });

  it('keeps a positive thank-you about a refund out of the queue, but not a positive post about a hacked account', () => {
    const thanks = classifyAt(NOON, { label: 'positive', score: 0.9, confidence: 0.93 }, 'Thanks @acme, the refund came through in a day!');
    const hacked = classifyAt(NOON, { label: 'positive', score: 0.4, confidence: 0.6 }, 'Love you @acme but my account was hacked last night, please help');
    expect(thanks.priority).toBe('P4');
    expect(thanks.category).toBe('praise');
    expect(hacked.urgency.reasons).toContain('security breach');
    expect(hacked.category).toBe('crisis');
  });

  it('stays within 0–100 when every signal fires', () => {
    const result = classifyAt(NOON + MINUTE, { label: 'negative', score: -1, confidence: 1 }, "@acme charger exploded, my lawyer will sue, everyone share this, I'll cancel my account and want a refund", {
      author: { handle: 'huge', followers: 9_000_000, verified: true },
      engagement: { reposts: 5_000, replies: 900 },
    });
    expect(result.urgency.score).toBe(100);
    expect(result.category).toBe('crisis');
  });
});

describe('priority thresholds', () => {
  const thresholds = { P1: 80, P2: 60, P3: 30 };
  it.each([
    [100, 'P1'],
    [80, 'P1'],
    [79, 'P2'],
    [60, 'P2'],
    [59, 'P3'],
    [30, 'P3'],
    [29, 'P4'],
    [0, 'P4'],
  ] as const)('urgency %i is %s with the default thresholds', (urgency, priority) => {
    expect(priorityFor(urgency, thresholds)).toBe(priority);
  });

  it("follows the config's thresholds", () => {
    expect(priorityFor(70, { P1: 70, P2: 50, P3: 20 })).toBe('P1');
    expect(priorityFor(25, { P1: 70, P2: 50, P3: 20 })).toBe('P3');
    expect(priorityFor(75, { P1: 90, P2: 80, P3: 76 })).toBe('P4');
  });
});

describe('compact counts in reasons', () => {
  it.each([
    [950, '950'],
    [1_200, '1.2k'],
    [50_000, '50k'],
    [1_250_000, '1.3M'],
  ])('%i → %s', (count, text) => {
    expect(compactCount(count)).toBe(text);
  });
});
