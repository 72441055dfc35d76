import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_FEATURE_CONFIG,
  FEATURE_PIPELINE_VERSION,
  LEXICON_VERSION,
  loadSentimentModel,
  parseSentimentTsv,
  SHIPPED_MODEL_PATH,
} from '../src/index.js';
import { isHeldOutTestFile } from '../src/data.js';
import type { ModelFile } from '../src/model-file.js';

const model = loadSentimentModel();
const label = (text: string) => model.score(text).label;

describe('shipped model file', () => {
  const file = JSON.parse(readFileSync(SHIPPED_MODEL_PATH, 'utf8')) as ModelFile;

  it('loads once and is cached', () => {
    expect(loadSentimentModel()).toBe(model);
    expect(model.version).toBe(file.version);
    expect(file.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('was trained with the feature pipeline this code implements', () => {
    expect(file.features).toEqual({ ...DEFAULT_FEATURE_CONFIG, lexiconFeatures: [...DEFAULT_FEATURE_CONFIG.lexiconFeatures] });
    expect(file.features.pipelineVersion).toBe(FEATURE_PIPELINE_VERSION);
    expect(file.features.lexiconVersion).toBe(LEXICON_VERSION);
    expect(model.config).toEqual(file.features);
  });

  it('stays small and was never fed the held-out test file', () => {
    expect(readFileSync(SHIPPED_MODEL_PATH).length).toBeLessThan(5 * 1024 * 1024);
    const trainFiles = file.training['trainFiles'] as string[];
    const devFiles = file.training['devFiles'] as string[];
    expect(trainFiles.length).toBeGreaterThan(0);
    const curatedFiles = file.training['curatedFiles'] as string[];
    expect(curatedFiles).toEqual(['curated-brand-posts.tsv']);
    expect([...trainFiles, ...devFiles, ...curatedFiles].some(isHeldOutTestFile)).toBe(false);
  });
});

describe('SentimentModel.score', () => {
  it('returns a label, a polarity in [-1, 1] and the probability of the label', () => {
    for (const text of ['', 'ok', 'still waiting for my refund', '😍😍😍', 'x'.repeat(5000)]) {
      const result = model.score(text);
      expect(['negative', 'neutral', 'positive']).toContain(result.label);
      expect(result.score).toBeGreaterThanOrEqual(-1);
      expect(result.score).toBeLessThanOrEqual(1);
      expect(result.confidence).toBeGreaterThanOrEqual(1 / 3);
      expect(result.confidence).toBeLessThanOrEqual(1);
    }
    const p = model.probabilities('been on hold for 2 hours @acme');
    expect(p[0]! + p[1]! + p[2]!).toBeCloseTo(1);
    expect(model.score('been on hold for 2 hours @acme').score).toBeCloseTo(p[2]! - p[0]!);
  });

  it('flips on negation', () => {
    expect(label('happy with @acme')).toBe('positive');
    expect(label('not happy with @acme')).toBe('negative');
    expect(label('I am so happy with @acme')).toBe('positive');
    expect(label('Not happy with @acme at all')).toBe('negative');
  });

  it('reads emoji', () => {
    expect(label('😡')).toBe('negative');
    expect(label('😍')).toBe('positive');
    expect(label('@acme 😡')).toBe('negative');
    expect(label('thanks @acme 😍😍')).toBe('positive');
  });

  it('reads elongated words', () => {
    expect(label('this is soooo bad @acme')).toBe('negative');
    expect(label('this is soooo good @acme')).toBe('positive');
    expect(label('loooove the new update @acme')).toBe('positive');
  });

  it('catches complaints that carry no sentiment word', () => {
    expect(label('been on hold for 2 hours @acme')).toBe('negative');
    expect(label('still waiting for my refund')).toBe('negative');
    expect(label('@acme order never arrived')).toBe('negative');
    expect(label('my flight was cancelled and nobody at @acme is answering')).toBe('negative');
  });

  it('recognises praise', () => {
    expect(label('thank you @acme for the quick response, sorted in minutes!')).toBe('positive');
    expect(label('Great service from @acme today, well done team')).toBe('positive');
  });

  it('leaves news-like posts neutral', () => {
    expect(label('@acme announces new store opening in Berlin on Monday')).toBe('neutral');
    expect(label('Acme Corp reports third quarter earnings https://t.co/abc')).toBe('neutral');
  });

  describe('on hand-written posts to brands that it was not trained on', () => {
    // Litotes ("not bad", "no issues at all"), plain support questions, complaints
    // with no sentiment word, praise and news. The SemEval tweets hold few of
    // these; model/curated-brand-posts.tsv teaches them with other wording.
    const heldOut = parseSentimentTsv(readFileSync(new URL('./held-out-brand-posts.tsv', import.meta.url), 'utf8')).rows;
    const curated = parseSentimentTsv(readFileSync(new URL('../model/curated-brand-posts.tsv', import.meta.url), 'utf8')).rows;

    it('were never in its curated training posts', () => {
      const trainedOn = new Set(curated.map((row) => row.text.toLowerCase()));
      expect(heldOut.length).toBeGreaterThan(40);
      expect(heldOut.filter((row) => trainedOn.has(row.text.toLowerCase()))).toEqual([]);
    });

    it('gets most of them right and rarely calls a question or a litotes a complaint', () => {
      const predicted = heldOut.map((row) => ({ ...row, predicted: label(row.text) }));
      const right = predicted.filter((row) => row.predicted === row.label).length;
      const wronglyNegative = predicted.filter((row) => row.label !== 'negative' && row.predicted === 'negative');
      // Model 1.1.0, trained without the curated posts: 30 of 49 right, 16 wrongly negative.
      expect(right / heldOut.length).toBeGreaterThanOrEqual(0.75);
      expect(wronglyNegative.length).toBeLessThanOrEqual(8);
      expect(predicted.filter((row) => row.label === 'negative' && row.predicted !== 'negative').length).toBeLessThanOrEqual(1);
    });
  });

  it('reads an explicit sarcasm tag', () => {
    expect(label('@acme great, my package is lost again #not')).toBe('negative');
  });
});
