import { describe, expect, it } from 'vitest';
import { baselineSentiment, loadSentimentModel } from '../src/index.js';

describe('baselineSentiment (plain sentiment package)', () => {
  it('labels by the sign of the AFINN sum, with a score in [-1, 1]', () => {
    const happy = baselineSentiment('happy with @acme');
    expect(happy.label).toBe('positive');
    expect(happy.score).toBeGreaterThan(0);
    expect(happy.score).toBeLessThanOrEqual(1);
    expect(baselineSentiment('terrible service').label).toBe('negative');
    expect(baselineSentiment('the store opens at nine')).toEqual({ label: 'neutral', score: 0, confidence: 0.5 });
  });

  it('misses complaints without a sentiment word (what the model is for)', () => {
    expect(baselineSentiment('still waiting for my refund').label).toBe('neutral');
  });

  it('is not changed by the model having been loaded and used', () => {
    const before = baselineSentiment('on hold again, refund please');
    loadSentimentModel().score('on hold again, refund please');
    expect(baselineSentiment('on hold again, refund please')).toEqual(before);
  });
});
