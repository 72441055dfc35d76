import { describe, expect, it } from 'vitest';
import { analyzeLexicon, tokenize } from '../src/index.js';

const lexicon = (text: string) => analyzeLexicon(tokenize(text));

describe('analyzeLexicon', () => {
  it('scores AFINN words from the sentiment package', () => {
    expect(lexicon('good').positive).toBe(3);
    expect(lexicon('terrible').negative).toBe(3);
  });

  it('flips negated words: strongly for praise, mildly for complaints', () => {
    const notGreat = lexicon('not great');
    expect(notGreat.positive).toBe(0);
    expect(notGreat.negative).toBeCloseTo(2.4);
    expect(notGreat.negatedPositive).toBe(1);
    const notBad = lexicon('not bad');
    expect(notBad.negative).toBe(0);
    expect(notBad.positive).toBeCloseTo(1.5);
  });

  it('strengthens words after intensifiers, in capitals, or elongated', () => {
    expect(lexicon('very bad').negative).toBeGreaterThan(lexicon('bad').negative);
    expect(lexicon('BAD').negative).toBeGreaterThan(lexicon('bad').negative);
    expect(lexicon('baaaad').negative).toBeGreaterThan(lexicon('bad').negative);
    expect(lexicon('kinda bad').negative).toBeLessThan(lexicon('bad').negative);
  });

  it('scores emoji and emoticons', () => {
    expect(lexicon('😡').emojiNegative).toBe(1);
    expect(lexicon('😍 :)').emojiPositive).toBe(2);
    expect(lexicon(':(').negative).toBeGreaterThan(0);
  });

  it("uses AFINN's own phrases before word-by-word rules", () => {
    expect(lexicon('not good').negative).toBe(2);
    expect(lexicon('does not work').negative).toBe(3);
  });

  it('knows customer-care complaints that carry no sentiment word', () => {
    for (const text of ['been on hold for 2 hours', 'still waiting for my refund', 'my flight was cancelled', 'order never arrived']) {
      const analysis = lexicon(text);
      expect(analysis.careComplaint, text).toBeGreaterThan(0);
      expect(analysis.negative, text).toBeGreaterThan(analysis.positive);
    }
  });

  it('does not read requests for help or "like" as a preposition as praise', () => {
    expect(lexicon('please help').positive).toBe(0);
    expect(lexicon('looks like a delay').positive).toBe(0);
    expect(lexicon('i like it').positive).toBeGreaterThan(0);
  });

  it('raises the sarcasm cue on explicit markers and on praise next to a complaint', () => {
    expect(lexicon('great service #sarcasm').sarcasmCue).toBe(true);
    expect(lexicon('great, on hold for 2 hours again').sarcasmCue).toBe(true);
    expect(lexicon('great service').sarcasmCue).toBe(false);
  });
});
