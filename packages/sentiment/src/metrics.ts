// Classification metrics for the three sentiment classes. Pure functions over
// a confusion matrix so that evaluation, training-time model selection and
// tests agree on every definition (zero denominators count as 0).

import { labelIndex, SENTIMENT_LABELS, type SentimentLabel } from './labels.js';

/** `matrix[gold][predicted]`, both indexed in SENTIMENT_LABELS order. */
export type ConfusionMatrix = number[][];

export interface ClassMetrics {
  precision: number;
  recall: number;
  f1: number;
  /** Number of gold examples of the class. */
  support: number;
}

export interface ClassificationReport {
  total: number;
  accuracy: number;
  /** Unweighted mean of the three per-class F1 scores. */
  macroF1: number;
  /** Unweighted mean of the three recalls (SemEval's "AvgRec"). */
  macroRecall: number;
  /** Mean F1 of negative and positive only (SemEval's "F1^PN"). */
  f1PosNeg: number;
  perClass: Record<SentimentLabel, ClassMetrics>;
}

export function emptyConfusion(): ConfusionMatrix {
  return SENTIMENT_LABELS.map(() => SENTIMENT_LABELS.map(() => 0));
}

export function confusionMatrix(gold: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): ConfusionMatrix {
  if (gold.length !== predicted.length) {
    throw new Error(`gold has ${gold.length} labels but predicted has ${predicted.length}`);
  }
  const matrix = emptyConfusion();
  for (let i = 0; i < gold.length; i++) matrix[labelIndex(gold[i]!)]![labelIndex(predicted[i]!)]!++;
  return matrix;
}

function ratio(numerator: number, denominator: number): number {
  return denominator === 0 ? 0 : numerator / denominator;
}

export function classificationReport(matrix: ConfusionMatrix): ClassificationReport {
  const k = SENTIMENT_LABELS.length;
  let total = 0;
  let correct = 0;
  const rowSums = new Array<number>(k).fill(0);
  const columnSums = new Array<number>(k).fill(0);
  for (let g = 0; g < k; g++) {
    for (let p = 0; p < k; p++) {
      const n = matrix[g]?.[p] ?? 0;
      total += n;
      rowSums[g]! += n;
      columnSums[p]! += n;
      if (g === p) correct += n;
    }
  }
  const perClass = {} as Record<SentimentLabel, ClassMetrics>;
  SENTIMENT_LABELS.forEach((label, c) => {
    const hits = matrix[c]?.[c] ?? 0;
    const precision = ratio(hits, columnSums[c]!);
    const recall = ratio(hits, rowSums[c]!);
    perClass[label] = { precision, recall, f1: ratio(2 * precision * recall, precision + recall), support: rowSums[c]! };
  });
  const { negative, neutral, positive } = perClass;
  return {
    total,
    accuracy: ratio(correct, total),
    macroF1: (negative.f1 + neutral.f1 + positive.f1) / 3,
    macroRecall: (negative.recall + neutral.recall + positive.recall) / 3,
    f1PosNeg: (negative.f1 + positive.f1) / 2,
    perClass,
  };
}

export function evaluateLabels(gold: readonly SentimentLabel[], predicted: readonly SentimentLabel[]): ClassificationReport {
  return classificationReport(confusionMatrix(gold, predicted));
}
