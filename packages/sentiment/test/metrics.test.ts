import { describe, expect, it } from 'vitest';
import { classificationReport, confusionMatrix, evaluateLabels, type SentimentLabel } from '../src/index.js';

describe('metrics', () => {
  // gold \ predicted   neg  neu  pos
  // negative             3    1    0
  // neutral              1    2    1
  // positive             0    0    2
  const gold: SentimentLabel[] = ['negative', 'negative', 'negative', 'negative', 'neutral', 'neutral', 'neutral', 'neutral', 'positive', 'positive'];
  const predicted: SentimentLabel[] = ['negative', 'negative', 'negative', 'neutral', 'negative', 'neutral', 'neutral', 'positive', 'positive', 'positive'];

  it('builds the confusion matrix as [gold][predicted]', () => {
    expect(confusionMatrix(gold, predicted)).toEqual([
      [3, 1, 0],
      [1, 2, 1],
      [0, 0, 2],
    ]);
  });

  it('computes accuracy, per-class precision/recall/F1 and macro averages', () => {
    const report = evaluateLabels(gold, predicted);
    expect(report.total).toBe(10);
    expect(report.accuracy).toBeCloseTo(0.7);
    expect(report.perClass.negative).toEqual({ precision: 0.75, recall: 0.75, f1: 0.75, support: 4 });
    expect(report.perClass.neutral.precision).toBeCloseTo(2 / 3);
    expect(report.perClass.neutral.recall).toBeCloseTo(0.5);
    expect(report.perClass.neutral.f1).toBeCloseTo(4 / 7);
    expect(report.perClass.positive.precision).toBeCloseTo(2 / 3);
    expect(report.perClass.positive.recall).toBe(1);
    expect(report.perClass.positive.f1).toBeCloseTo(0.8);
    expect(report.macroF1).toBeCloseTo((0.75 + 4 / 7 + 0.8) / 3);
    expect(report.macroRecall).toBeCloseTo((0.75 + 0.5 + 1) / 3);
    expect(report.f1PosNeg).toBeCloseTo((0.75 + 0.8) / 2);
  });

  it('counts a class never predicted as precision 0, not NaN', () => {
    const report = classificationReport([
      [0, 2, 0],
      [0, 2, 0],
      [0, 0, 1],
    ]);
    expect(report.perClass.negative).toEqual({ precision: 0, recall: 0, f1: 0, support: 2 });
    expect(report.accuracy).toBeCloseTo(0.6);
  });

  it('rejects label lists of different lengths', () => {
    expect(() => confusionMatrix(['negative'], [])).toThrow(/1 labels/);
  });
});
