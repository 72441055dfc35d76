// Sparse features of one post: hashed word n-grams (negation-marked), hashed
// character n-grams of words, and the dense lexicon features. Training and
// inference share this code; the model file stores the `FeatureConfig` it
// was trained with and inference refuses a file whose pipeline differs.

import { fmix32, fnvStep, fnvString, FNV_OFFSET_BASIS, HASH_NAME } from './hash.js';
import { LEXICON_FEATURE_COUNT, LEXICON_FEATURE_NAMES, LEXICON_VERSION, lexiconFeatures } from './lexicon.js';
import { NEGATION_SUFFIX, tokenize, type Token } from './normalize.js';

/** Bump when tokenisation or feature layout changes in a way old weights cannot follow. */
export const FEATURE_PIPELINE_VERSION = 2;

export interface FeatureConfig {
  pipelineVersion: number;
  hash: string;
  /** log2 of the number of hash buckets shared by all hashed features. */
  bucketBits: number;
  /** Longest word n-gram (1 = unigrams only). */
  wordNgramMax: number;
  /** Character n-gram lengths, inclusive; 0/0 disables them. Words are wrapped as `<word>`. */
  charNgramMin: number;
  charNgramMax: number;
  /** Hashed feature values are scaled so each group (words, chars) has unit L2 norm. */
  normalise: boolean;
  /** Multiplier on the dense lexicon features (their weights share the same regulariser). */
  lexiconScale: number;
  lexiconVersion: string;
  lexiconFeatures: readonly string[];
}

export const DEFAULT_FEATURE_CONFIG: Readonly<FeatureConfig> = Object.freeze({
  pipelineVersion: FEATURE_PIPELINE_VERSION,
  hash: HASH_NAME,
  bucketBits: 18,
  wordNgramMax: 2,
  charNgramMin: 4,
  charNgramMax: 4,
  normalise: true,
  lexiconScale: 1,
  lexiconVersion: LEXICON_VERSION,
  lexiconFeatures: LEXICON_FEATURE_NAMES,
});

/** Rows of the weight matrix: hash buckets, then one row per dense lexicon feature. */
export function featureRows(config: FeatureConfig): number {
  return (1 << config.bucketBits) + config.lexiconFeatures.length;
}

/**
 * Throws unless `config` describes the pipeline this code implements: a model
 * trained with other hashing or other lexicon features would score silently
 * wrong.
 */
export function assertCompatibleConfig(config: FeatureConfig): void {
  const problems: string[] = [];
  if (config.pipelineVersion !== FEATURE_PIPELINE_VERSION) {
    problems.push(`pipelineVersion ${config.pipelineVersion} (code: ${FEATURE_PIPELINE_VERSION})`);
  }
  if (config.hash !== HASH_NAME) problems.push(`hash ${config.hash} (code: ${HASH_NAME})`);
  if (config.lexiconVersion !== LEXICON_VERSION) problems.push(`lexiconVersion ${config.lexiconVersion} (code: ${LEXICON_VERSION})`);
  if (config.lexiconFeatures.join(',') !== LEXICON_FEATURE_NAMES.join(',')) problems.push('lexicon feature names differ');
  if (!Number.isInteger(config.bucketBits) || config.bucketBits < 10 || config.bucketBits > 24) {
    problems.push(`bucketBits ${config.bucketBits} outside 10..24`);
  }
  if (config.charNgramMin > config.charNgramMax || config.charNgramMin < 0) problems.push('bad char n-gram range');
  if (config.wordNgramMax < 1 || config.wordNgramMax > 3) problems.push('wordNgramMax outside 1..3');
  if (problems.length > 0) throw new Error(`Incompatible sentiment feature config: ${problems.join('; ')}`);
}

// One namespace code unit per feature kind, so "ok" the word and "ok" the
// character trigram land in different buckets (words: WORD_HASH_SEED's "w").
const NS_HASHTAG = 0x68; // h, xored into the word's FNV state
const BIGRAM_MULTIPLIER = 0x9e3779b1; // odd constants (golden ratio, murmur) to combine hashes
const TRIGRAM_MULTIPLIER = 0x85ebca6b;
const NS_CHAR = 0x63; // c
const NS_CHAR_NEGATED = 0x43; // C
const WORD_START = 0x3c; // <
const WORD_END = 0x3e; // >

/** A post as the model sees it: `count` (index, value) pairs in reusable buffers. */
export interface SparseFeatures {
  indices: Int32Array;
  values: Float32Array;
  count: number;
}

/**
 * Turns posts into sparse feature vectors. Holds reusable buffers: the
 * result of `extract` is valid until the next call. Not shareable across
 * concurrent users (there are none in single-threaded JS).
 */
export class FeatureExtractor {
  readonly config: FeatureConfig;
  private readonly mask: number;
  private readonly lexiconOffset: number;
  private readonly lexiconBuffer: Float32Array;
  private indices = new Int32Array(1024);
  private values = new Float32Array(1024);
  private count = 0;

  constructor(config: FeatureConfig) {
    assertCompatibleConfig(config);
    this.config = config;
    this.mask = (1 << config.bucketBits) - 1;
    this.lexiconOffset = 1 << config.bucketBits;
    this.lexiconBuffer = new Float32Array(LEXICON_FEATURE_COUNT);
  }

  extract(text: string): SparseFeatures {
    return this.extractTokens(tokenize(text));
  }

  extractTokens(tokens: readonly Token[]): SparseFeatures {
    this.count = 0;
    const { config } = this;

    // Word n-grams over consecutive tokens; clause breaks cut the chain.
    // Each token's text is hashed once; bi- and trigram hashes combine the
    // unigram hashes (order-sensitive) instead of rehashing joined strings.
    const wordStart = this.count;
    let previous = 0; // unigram hash of the previous token, 0 = none
    let beforePrevious = 0;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.kind === 'break') {
        previous = 0;
        beforePrevious = 0;
        continue;
      }
      let state = token.hash;
      if (token.negated) state = fnvString(state, NEGATION_SUFFIX);
      const unigram = fmix32(state) | 1; // never 0, which marks "no previous token"
      this.push(unigram, 1);
      if (token.kind === 'hashtag') this.push(fmix32(state ^ NS_HASHTAG), 1);
      if (config.wordNgramMax >= 2 && previous !== 0) {
        const bigram = Math.imul(previous, BIGRAM_MULTIPLIER) ^ unigram;
        this.push(fmix32(bigram), 1);
        if (config.wordNgramMax >= 3 && beforePrevious !== 0) {
          this.push(fmix32(Math.imul(bigram, TRIGRAM_MULTIPLIER) ^ beforePrevious), 1);
        }
      }
      beforePrevious = previous;
      previous = unigram;
    }
    const wordCount = this.count - wordStart;

    // Character n-grams inside words, so unseen spellings and inflections
    // ("refunded", "cancelation") share evidence with known ones.
    const charStart = this.count;
    if (config.charNgramMax > 0) {
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i]!;
        if (token.kind !== 'word' && token.kind !== 'hashtag') continue;
        this.pushCharNgrams(token.text, token.negated ? NS_CHAR_NEGATED : NS_CHAR);
      }
    }
    const charCount = this.count - charStart;

    if (config.normalise) {
      this.scale(wordStart, wordCount);
      this.scale(charStart, charCount);
    }

    const lexicon = this.lexiconBuffer;
    lexiconFeatures(tokens, lexicon, 0);
    for (let k = 0; k < lexicon.length; k++) {
      const value = lexicon[k]!;
      if (value !== 0) this.pushExact(this.lexiconOffset + k, value * config.lexiconScale);
    }
    return { indices: this.indices, values: this.values, count: this.count };
  }

  private pushCharNgrams(text: string, namespace: number): void {
    const { charNgramMin: min, charNgramMax: max } = this.config;
    const length = text.length + 2; // with the < and > boundary marks
    const seed = fnvStep(FNV_OFFSET_BASIS, namespace);
    for (let start = 0; start + min <= length; start++) {
      let state = seed;
      for (let n = 1; n <= max && start + n <= length; n++) {
        const position = start + n - 1;
        const code = position === 0 ? WORD_START : position === length - 1 ? WORD_END : text.charCodeAt(position - 1);
        state = fnvStep(state, code);
        if (n >= min) this.push(fmix32(state), 1);
      }
    }
  }

  private scale(start: number, count: number): void {
    if (count === 0) return;
    const factor = 1 / Math.sqrt(count);
    for (let k = start; k < start + count; k++) this.values[k] = this.values[k]! * factor;
  }

  private push(hash: number, value: number): void {
    this.pushExact(hash & this.mask, value);
  }

  private pushExact(index: number, value: number): void {
    if (this.count === this.indices.length) {
      const indices = new Int32Array(this.indices.length * 2);
      indices.set(this.indices);
      this.indices = indices;
      const values = new Float32Array(this.values.length * 2);
      values.set(this.values);
      this.values = values;
    }
    this.indices[this.count] = index;
    this.values[this.count] = value;
    this.count++;
  }
}
