import { describe, expect, it } from 'vitest';
import { wordHash } from '../src/hash.js';
import { tokenize } from '../src/normalize.js';
import { WordTable } from '../src/word-table.js';

describe('WordTable', () => {
  const words = Array.from({ length: 5_000 }, (_, i) => `word${i}`);
  const table = new WordTable(words.map((word, i) => [word, i] as const));

  it('finds every stored word and nothing else, through full probe chains', () => {
    for (const [i, word] of words.entries()) expect(table.get(word, wordHash(word))).toBe(i);
    for (const word of ['word5000', 'word', '', 'wörd1', 'WORD1']) expect(table.get(word, wordHash(word))).toBeUndefined();
  });

  it('does not confuse two words that share a hash', () => {
    expect(table.get('word7', wordHash('word1'))).toBeUndefined();
  });

  it('is keyed by the hash the tokeniser gives each token', () => {
    const negators = new WordTable([['never', 'opens']]);
    const [, never] = tokenize('I NEVER got it');
    expect(never!.hash).toBe(wordHash('never'));
    expect(negators.get(never!.text, never!.hash)).toBe('opens');
  });
});
