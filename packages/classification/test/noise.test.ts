import { describe, expect, it } from 'vitest';
import { BurstIndex, classify, type MentionVerdict } from '../src/index.js';
import { ACME_RULES, fixedSentiment, NOON, post } from './helpers.js';

const judge = (...args: Parameters<typeof post>): MentionVerdict =>
  classify(post(...args), { rules: ACME_RULES, sentiment: fixedSentiment(), bursts: new BurstIndex(), now: NOON });

describe('noise', () => {
  it('marks muted authors, domains and words as spam, whatever the case or @', () => {
    expect(judge('Best acme deals today', { author: { handle: 'DEALBOT' } }).classification.urgency.reasons).toEqual(['muted author @dealbot']);
    expect(judge('acme pills 90% off https://shop.cheap-pills.example/acme').classification.urgency.reasons).toEqual(['muted domain cheap-pills.example']);
    expect(judge('Huge ACME GIVEAWAY, follow and RT to win').classification.urgency.reasons).toEqual(['muted word "giveaway"']);
    expect(judge('Get Free  Followers with acme tools').classification.urgency.reasons).toEqual(['muted word "free  followers"']);
  });

  it('files spam as category spam with urgency 0 and P4, and never as a burst', () => {
    const verdict = judge('acme giveaway!!', { author: { handle: 'dealbot' } });
    expect(verdict).toMatchObject({ spam: true, burstOf: null, classification: { category: 'spam', priority: 'P4', urgency: { score: 0 } } });
  });

  it('catches link farms but not a post with one link', () => {
    const farm = judge('acme deals https://a.example/1 https://b.example/2 https://c.example/3 https://d.example/4');
    expect(farm.spam).toBe(true);
    expect(farm.classification.urgency.reasons).toEqual(['link farm (4 links in 2 words)']);
    expect(judge('@acme my order page shows an error, screenshot: https://imgur.example/abc').spam).toBe(false);
  });

  it('catches hashtag stuffing in promotions, but not a customer complaining to the brand in hashtags', () => {
    const promo = judge('Acme sale #acme #deal #sale #shopping #fashion #style #ootd https://shop.example');
    expect(promo.classification.urgency.reasons).toEqual(['hashtag stuffing (7 hashtags)']);
    const complaint = judge('@acme Same again! #delayed #no #answers #again #worst #service #ever');
    expect(complaint.spam).toBe(false);
  });

  it('does not mistake a word inside another word for a muted word', () => {
    expect(judge('the acme giveaways page is down').spam).toBe(false);
  });
});

describe('copy-paste spam across accounts', () => {
  const text = 'Just got my free acme gift card by completing a short survey, check my bio for the link';

  it('lets the first copies through (as one burst) and marks the third account posting the same text as spam', () => {
    const bursts = new BurstIndex();
    const verdicts = ['bot_a', 'bot_b', 'bot_c', 'bot_d'].map((handle) =>
      classify(post(text, { author: { handle } }), { rules: ACME_RULES, sentiment: fixedSentiment(), bursts, now: NOON }),
    );
    expect(verdicts.map((verdict) => verdict.spam)).toEqual([false, false, true, true]);
    expect(verdicts[1]!.burstOf).not.toBeNull();
    expect(verdicts[2]!.classification.urgency.reasons).toEqual(['same text as 2 other accounts']);
  });

  it('never calls reposts of one post spam, however many accounts repost it', () => {
    const bursts = new BurstIndex();
    const reposts = ['fan1', 'fan2', 'fan3', 'fan4', 'fan5'].map((handle) =>
      classify(post(`RT @journalist: ${text}`, { author: { handle } }), { rules: ACME_RULES, sentiment: fixedSentiment(), bursts, now: NOON }),
    );
    expect(reposts.every((verdict) => !verdict.spam)).toBe(true);
  });
});
