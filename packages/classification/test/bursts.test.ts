import { mentionId, type Mention } from '@earshot/domain';
import { describe, expect, it } from 'vitest';
import { BURST_SETTINGS, BurstIndex, classify } from '../src/index.js';
import { ACME_RULES, fixedSentiment, NOON, post } from './helpers.js';

function grouper(start = NOON) {
  const bursts = new BurstIndex();
  return (mention: Mention, now = start) => classify(mention, { rules: ACME_RULES, sentiment: fixedSentiment(), bursts, now }).burstOf;
}

const STORY = 'Acme recalls 2 million kettles after reports of overheating bases, company says customers should stop using them immediately';

describe('burst grouping', () => {
  it('attaches text reposts, including ones cut short with "…", to the original post', () => {
    const burstOf = grouper();
    const original = post(STORY, { author: { handle: 'ReutersBiz' } });
    expect(burstOf(original)).toBeNull();
    expect(burstOf(post(`RT @reutersbiz: ${STORY} https://t.co/abc`))).toBe(mentionId(original));
    expect(burstOf(post(`RT @ReutersBiz: ${STORY.slice(0, 95)}…`))).toBe(mentionId(original));
  });

  it('attaches quotes with no text of their own to the quoted post, and keeps quotes with a comment apart', () => {
    const burstOf = grouper();
    const original = post('@acme my order arrived smashed, third time this month', { externalId: '555' });
    expect(burstOf(original)).toBeNull();
    expect(burstOf(post('https://x.com/someone/status/555', { quoteOf: { externalId: '555' } }))).toBe(mentionId(original));
    expect(burstOf(post('same thing happened to me last week, acme never replied', { quoteOf: { externalId: '555' } }))).toBeNull();
  });

  it('groups one story syndicated across sites, by headline or by text, onto the first site', () => {
    const burstOf = grouper();
    const headline = 'Acme recalls 2 million kettles over fire risk';
    const first = post(STORY, { platform: 'news', title: headline, url: 'https://wire.example/acme-recall', author: { handle: 'wire' } });
    expect(burstOf(first)).toBeNull();
    expect(burstOf(post(`${STORY} Shares fell 4%.`, { platform: 'news', title: headline, url: 'https://daily.example/a/123', author: { handle: 'daily' } }))).toBe(mentionId(first));
    expect(burstOf(post(STORY, { platform: 'news', title: 'Kettle recall hits Acme', url: 'https://local.example/n/9', author: { handle: 'local' } }))).toBe(mentionId(first));
  });

  it('chains to the first mention: a bare quote of a repost attaches to the original', () => {
    const burstOf = grouper();
    const original = post(STORY, { author: { handle: 'wire' } });
    burstOf(original);
    const repost = post(`RT @wire: ${STORY}`);
    expect(burstOf(repost)).toBe(mentionId(original));
    expect(burstOf(post('', { quoteOf: { externalId: repost.externalId } }))).toBe(mentionId(original));
  });

  it('keeps different complaints, and short everyday replies from one account, apart', () => {
    const burstOf = grouper();
    expect(burstOf(post('@acme my order 1234 never arrived'))).toBeNull();
    expect(burstOf(post('@acme my invoice is wrong again'))).toBeNull();
    expect(burstOf(post('@acme yes', { author: { handle: 'kim' } }))).toBeNull();
    expect(burstOf(post('@acme yes', { author: { handle: 'kim' } }))).toBeNull();
  });

  it('starts a new burst once the window has passed since the last near-duplicate', () => {
    const burstOf = grouper();
    const original = post(STORY);
    burstOf(original, NOON);
    expect(burstOf(post(`RT @${original.author.handle}: ${STORY}`), NOON + BURST_SETTINGS.windowMs - 1)).toBe(mentionId(original));
    expect(burstOf(post(`RT @${original.author.handle}: ${STORY}`), NOON + 2 * BURST_SETTINGS.windowMs + 1)).toBeNull();
  });

  it('does not call a redelivered mention a near-duplicate of itself', () => {
    const burstOf = grouper();
    const mention = post(STORY);
    burstOf(mention);
    expect(burstOf(mention)).toBeNull();
  });

  it('rebuilds the same decisions from the entries it hands back (what the service stores between batches)', () => {
    const first = new BurstIndex();
    const original = post(STORY);
    classify(original, { rules: ACME_RULES, sentiment: fixedSentiment(), bursts: first, now: NOON });
    const second = new BurstIndex(first.changes().map(([key, entry]) => [key, structuredClone(entry)]));
    const repost = post(`RT @${original.author.handle}: ${STORY}`);
    expect(classify(repost, { rules: ACME_RULES, sentiment: fixedSentiment(), bursts: second, now: NOON + 60_000 }).burstOf).toBe(mentionId(original));
  });

  it('counts copies by other accounts across batches, from the authors it hands back', () => {
    const copies = 'Get 90% off all Acme gadgets today only, best deal on the internet, click the link in bio';
    let bursts = new BurstIndex();
    const verdicts = ['deals1', 'deals2', 'deals3'].map((handle, index) => {
      const verdict = classify(post(copies, { author: { handle } }), { rules: ACME_RULES, sentiment: fixedSentiment(), bursts, now: NOON + index });
      bursts = new BurstIndex(bursts.changes().map(([key, entry]) => [key, structuredClone(entry)]));
      return verdict;
    });
    expect(verdicts.map((verdict) => verdict.spam)).toEqual([false, false, true]);
    expect(verdicts[2]!.classification.urgency.reasons).toEqual(['same text as 2 other accounts']);
  });

  it('forgets the least recently seen keys past its bound, and hands back only keys it still holds', () => {
    const bursts = new BurstIndex();
    const keysOf = (key: string) => ({ keys: [key], lookup: [key], sharedText: null, original: false });
    bursts.add('x:first', keysOf('by:a:first'), 'a', null, NOON);
    for (let index = 0; index < BURST_SETTINGS.maxEntries; index += 1) bursts.add(`x:${index}`, keysOf(`by:a:${index}`), 'a', null, NOON);
    expect(bursts.match('x:again', keysOf('by:a:first'), 'a', NOON).burstOf).toBeNull();
    expect(bursts.match('x:again', keysOf('by:a:0'), 'a', NOON).burstOf).toBe('x:0');
    const changed = bursts.changes().map(([key]) => key);
    expect(changed).toHaveLength(BURST_SETTINGS.maxEntries);
    expect(changed).not.toContain('by:a:first');
  });

  it('keeps a key seen again while ever newer ones come and go, through several times its bound of churn', () => {
    const bursts = new BurstIndex();
    const keysOf = (key: string) => ({ keys: [key], lookup: [key], sharedText: null, original: false });
    const churnKey = (index: number) => `by:a:${index}:${'é'.repeat(index % 40)}`;
    bursts.add('x:early', keysOf('by:a:early'), 'a', null, NOON);
    bursts.add('x:keep', keysOf('by:a:keep'), 'a', null, NOON);
    for (let index = 0; index < 3 * BURST_SETTINGS.maxEntries; index += 1) {
      bursts.add(`x:${index}`, keysOf(churnKey(index)), 'a', null, NOON);
      if (index % 1_000 === 0) bursts.add('x:copy', keysOf('by:a:keep'), 'b', 'x:keep', NOON);
      // Handing back changes midway (a service writing back a batch) must not lose later ones.
      if (index === BURST_SETTINGS.maxEntries) bursts.changes();
    }
    const last = 3 * BURST_SETTINGS.maxEntries - 1;
    expect(bursts.match('x:again', keysOf('by:a:keep'), 'c', NOON).burstOf).toBe('x:keep');
    expect(bursts.match('x:again', keysOf('by:a:early'), 'c', NOON).burstOf).toBeNull();
    expect(bursts.match('x:again', keysOf(churnKey(last)), 'c', NOON).burstOf).toBe(`x:${last}`);
    expect(bursts.match('x:again', keysOf(churnKey(last - BURST_SETTINGS.maxEntries)), 'c', NOON).burstOf).toBeNull();
    const changes = new Map(bursts.changes());
    expect(changes.size).toBe(BURST_SETTINGS.maxEntries);
    expect(changes.get('by:a:keep')).toEqual({ rootId: 'x:keep', firstSeenAt: NOON, lastSeenAt: NOON, authors: ['a', 'b'] });
    expect(changes.get(churnKey(last))).toEqual({ rootId: `x:${last}`, firstSeenAt: NOON, lastSeenAt: NOON, authors: ['a'] });
  });
});
