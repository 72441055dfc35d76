import { describe, expect, it } from 'vitest';
import { markedText, tokenize } from '../src/index.js';

const texts = (input: string): string[] => tokenize(input).map(markedText);

describe('tokenize', () => {
  it('lower-cases and replaces URLs and handles with placeholders', () => {
    expect(texts('Thanks @AcmeHelp see https://t.co/AbC123 and www.acme.com')).toEqual([
      'thanks', '<user>', 'see', '<url>', 'and', '<url>',
    ]);
  });

  it('cuts elongations to two repeats and flags them', () => {
    const [so, good] = tokenize('soooo goooood');
    expect(so).toMatchObject({ text: 'soo', elongated: true });
    expect(good).toMatchObject({ text: 'good', elongated: true });
    expect(tokenize('good')[0]).toMatchObject({ text: 'good', elongated: false });
  });

  it('reads a run across letter case, and tells capitals, digits and words apart', () => {
    expect(tokenize('NOOOO sOOo')).toMatchObject([
      { text: 'noo', elongated: true, allCaps: true },
      { text: 'soo', elongated: true, allCaps: false },
    ]);
    expect(tokenize('A1 2024 4G x2 1000000')).toMatchObject([
      { text: 'a1', kind: 'word', allCaps: true },
      { text: '<num>', kind: 'number' },
      { text: '4g', kind: 'word', allCaps: true },
      { text: 'x2', kind: 'word', allCaps: false },
      { text: '<num>', kind: 'number', elongated: false },
    ]);
  });

  it('flags words written in capitals', () => {
    const tokens = tokenize('WORST service I have seen');
    expect(tokens[0]).toMatchObject({ text: 'worst', allCaps: true });
    expect(tokens[2]).toMatchObject({ text: 'i', allCaps: false });
  });

  it('splits hashtags off # and camel case into words', () => {
    const tokens = tokenize('#NeverAgain #fail');
    expect(tokens.map((t) => [t.text, t.kind])).toEqual([
      ['never', 'hashtag'],
      ['again', 'hashtag'],
      ['fail', 'hashtag'],
    ]);
    // A hashtag "never" is a tag, not a negator.
    expect(tokens.some((t) => t.negated)).toBe(false);
  });

  it('keeps emoji (without skin tones or variation selectors) and emoticons as tokens', () => {
    expect(texts('love it 😍 ❤️ 👍🏽 :) :-( :D <3 ;) :/')).toEqual([
      'love', 'it', '😍', '❤', '👍', '<smile>', '<sad>', '<laugh>', '<heart>', '<wink>', '<annoyed>',
    ]);
  });

  it('does not read times, prices or URLs as emoticons', () => {
    expect(texts('at 5:30 for $3.39 http://x.co/p')).toEqual(['at', '<num>', 'for', '<num>', '<url>']);
    expect(texts('note:Please')).toEqual(['note', '.', 'please']);
  });

  it('marks negation scope until punctuation', () => {
    expect(texts("not happy with @acme, but the app's fine")).toEqual([
      'not', 'happy_NEG', 'with_NEG', '<user>', '.', 'but', "the", "app's", 'fine',
    ]);
    expect(texts("I don't like it. Love the rest")).toEqual(['i', "don't", 'like_NEG', 'it_NEG', '.', 'love', 'the', 'rest']);
    expect(texts('never again!! great')).toEqual(['never', 'again_NEG', '!!', 'great']);
  });

  it('ends negation scope at contrastive words and emoji, and knows "can\'t wait" is eager', () => {
    expect(texts('not great but fine')).toEqual(['not', 'great_NEG', 'but', 'fine']);
    expect(texts('not again 😡 angry')).toEqual(['not', 'again_NEG', '😡', 'angry']);
    expect(texts("can't wait for the launch")).toEqual(["can't", 'wait', 'for', 'the', 'launch']);
  });

  it('decodes HTML entities that tweets arrive with', () => {
    expect(texts('fast &amp; friendly')).toEqual(['fast', 'friendly']);
  });

  it('collapses runs of marks into one token', () => {
    expect(tokenize('why?!?! ugh!!! ok?').map((t) => t.text)).toEqual(['why', '?!', 'ugh', '!!', 'ok', '?']);
  });
});
