// FNV-1a (32-bit) over UTF-16 code units, finished with murmur3's fmix32 so
// that the low bits used as bucket indices are well mixed. Deterministic and
// dependency-free: training and inference must hash identically, so the name
// of this function is recorded in the model file (`hash: 'fnv1a32-fmix'`).

export const HASH_NAME = 'fnv1a32-fmix';

export const FNV_OFFSET_BASIS = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** Feeds one UTF-16 code unit into a running FNV-1a state. */
export function fnvStep(state: number, codeUnit: number): number {
  return Math.imul(state ^ codeUnit, FNV_PRIME);
}

/** Feeds a whole string into a running FNV-1a state. */
export function fnvString(state: number, text: string): number {
  let h = state;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), FNV_PRIME);
  return h;
}

/** murmur3 finaliser: spreads every input bit over the 32 output bits. */
export function fmix32(state: number): number {
  let h = state ^ (state >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/**
 * Seed of the hash every token carries for its text (`Token.hash`): FNV-1a
 * after one namespace code unit, "w", so that a word and a character n-gram
 * spelled alike land in different model buckets.
 */
export const WORD_HASH_SEED = fnvStep(FNV_OFFSET_BASIS, 0x77);

/** The hash a token carries for its text: see `Token.hash`. */
export function wordHash(word: string): number {
  return fnvString(WORD_HASH_SEED, word);
}
