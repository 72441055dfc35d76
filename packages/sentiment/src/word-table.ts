// Word lists and lexicon tables looked up by every token of every post. A
// `Map` keyed by a freshly sliced token string has to hash that string first
// (V8 does not know it yet), and the tokens' text is looked up in several
// tables; here the tokeniser's own hash of the word (`Token.hash`) is the key,
// so a lookup is one probe in a small typed array and, on a match, one
// string comparison.

import { fmix32, wordHash } from './hash.js';

/** An immutable table from words to values, probed with the word's `wordHash`. */
export class WordTable<V> {
  private readonly mask: number;
  private readonly hashes: Int32Array;
  private readonly words: Array<string | undefined>;
  private readonly values: Array<V | undefined>;

  constructor(entries: Iterable<readonly [string, V]>) {
    const list = [...entries];
    // At most half full, so a miss (the common case) ends on an empty slot within a probe or two.
    let size = 16;
    while (size < list.length * 2) size *= 2;
    this.mask = size - 1;
    this.hashes = new Int32Array(size);
    this.words = new Array<string | undefined>(size).fill(undefined);
    this.values = new Array<V | undefined>(size).fill(undefined);
    for (const [word, value] of list) {
      const hash = wordHash(word);
      let slot = fmix32(hash) & this.mask;
      while (this.words[slot] !== undefined && this.words[slot] !== word) slot = (slot + 1) & this.mask;
      this.hashes[slot] = hash;
      this.words[slot] = word;
      this.values[slot] = value;
    }
  }

  /** The value stored for `word`, whose `wordHash` is `hash`. */
  get(word: string, hash: number): V | undefined {
    let slot = fmix32(hash) & this.mask;
    for (;;) {
      const stored = this.words[slot];
      if (stored === undefined) return undefined;
      if (this.hashes[slot] === hash && stored === word) return this.values[slot];
      slot = (slot + 1) & this.mask;
    }
  }
}
