import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_CONFIG, FeatureExtractor, LEXICON_FEATURE_NAMES, type FeatureConfig } from '../src/index.js';
import { assertCompatibleConfig, featureRows } from '../src/features.js';
import { FNV_OFFSET_BASIS, fmix32, fnvString } from '../src/hash.js';

describe('hash', () => {
  it('is 32-bit FNV-1a over UTF-16 code units', () => {
    // Reference values of FNV-1a 32 (before the fmix finaliser).
    expect(fnvString(FNV_OFFSET_BASIS, '') >>> 0).toBe(0x811c9dc5);
    expect(fnvString(FNV_OFFSET_BASIS, 'a') >>> 0).toBe(0xe40c292c);
    expect(fnvString(FNV_OFFSET_BASIS, 'foobar') >>> 0).toBe(0xbf9cf968);
  });

  it('finishes with fmix32, which spreads nearby inputs apart', () => {
    expect(fmix32(0)).toBe(0);
    expect(fmix32(1) & 0xff).not.toBe(fmix32(2) & 0xff);
  });
});

describe('FeatureExtractor', () => {
  const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG };
  const buckets = 1 << config.bucketBits;

  function snapshot(text: string): { indices: number[]; values: number[] } {
    const features = new FeatureExtractor(config).extract(text);
    return {
      indices: Array.from(features.indices.subarray(0, features.count)),
      values: Array.from(features.values.subarray(0, features.count)),
    };
  }

  it('is deterministic and keeps indices inside the weight matrix', () => {
    const a = snapshot('Still waiting for my refund @acme 😡 #fail');
    expect(snapshot('Still waiting for my refund @acme 😡 #fail')).toEqual(a);
    for (const index of a.indices) {
      expect(index).toBeGreaterThanOrEqual(0);
      expect(index).toBeLessThan(featureRows(config));
    }
  });

  it('emits word uni/bigrams and character 4-grams with unit norm per group', () => {
    // "ok": unigram only (no bigram); one 4-gram of "<ok>".
    const one = snapshot('ok');
    expect(one.indices.filter((i) => i < buckets)).toHaveLength(1 + 1);
    // "great": unigram; 4-grams "<gre", "grea", "reat", "eat>".
    const { indices, values } = snapshot('great');
    expect(indices.filter((i) => i < buckets)).toHaveLength(1 + 4);
    expect(values[0]).toBeCloseTo(1);
    expect(values[1]).toBeCloseTo(1 / Math.sqrt(4));
    // Two words: 2 unigrams + 1 bigram, 4 + 4 character 4-grams.
    expect(snapshot('great great').indices.filter((i) => i < buckets)).toHaveLength(3 + 8);
  });

  it('gives negated words different features from plain ones', () => {
    const plain = snapshot('happy').indices[0];
    const negated = snapshot('not happy').indices;
    expect(negated).not.toContain(plain);
  });

  it('writes the dense lexicon features after the hash buckets', () => {
    const { indices } = snapshot('terrible 😡');
    const dense = indices.filter((i) => i >= buckets).map((i) => LEXICON_FEATURE_NAMES[i - buckets]);
    expect(dense).toContain('lex_neg_sum');
    expect(dense).toContain('emoji_neg');
  });

  it('refuses a config from another pipeline', () => {
    expect(() => assertCompatibleConfig({ ...config, hash: 'md5' })).toThrow(/hash md5/);
    expect(() => assertCompatibleConfig({ ...config, pipelineVersion: 0 })).toThrow(/pipelineVersion/);
    expect(() => assertCompatibleConfig({ ...config, lexiconFeatures: ['x'] })).toThrow(/lexicon feature names/);
  });
});
