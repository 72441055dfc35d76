// Training of the softmax model: AdaGrad over pre-extracted sparse features
// with L2 on the touched rows, class weights, seeded shuffling (the same
// inputs give bit-identical weights), and decision-bias tuning on
// development data. Used by scripts/train.ts; pure and file-free so it can
// be tested on tiny hand-made data.

import type { TokenisedExample } from './distant.js';
import { FeatureExtractor, featureRows, type FeatureConfig } from './features.js';
import { labelIndex, type SentimentLabel } from './labels.js';
import { classificationReport, emptyConfusion, type ClassificationReport } from './metrics.js';
import { argmax, CLASS_COUNT, softmaxInPlace } from './model.js';

/** Sparse feature vectors of many posts, packed in flat arrays (CSR layout). */
export interface FeatureMatrix {
  offsets: Int32Array;
  indices: Int32Array;
  values: Float32Array;
  labels: Uint8Array;
  rows: number;
}

/** A labelled post as text, or already tokenised (distant supervision edits the tokens). */
export type TrainingExample = { text: string; label: SentimentLabel } | TokenisedExample;

export function buildFeatureMatrix(extractor: FeatureExtractor, examples: readonly TrainingExample[]): FeatureMatrix {
  const offsets = new Int32Array(examples.length + 1);
  let indices = new Int32Array(examples.length * 256);
  let values = new Float32Array(examples.length * 256);
  const labels = new Uint8Array(examples.length);
  let used = 0;
  examples.forEach((example, row) => {
    const features = 'tokens' in example ? extractor.extractTokens(example.tokens) : extractor.extract(example.text);
    if (used + features.count > indices.length) {
      const size = Math.max(indices.length * 2, used + features.count);
      const grownIndices = new Int32Array(size);
      grownIndices.set(indices);
      indices = grownIndices;
      const grownValues = new Float32Array(size);
      grownValues.set(values);
      values = grownValues;
    }
    indices.set(features.indices.subarray(0, features.count), used);
    values.set(features.values.subarray(0, features.count), used);
    used += features.count;
    offsets[row + 1] = used;
    labels[row] = labelIndex(example.label);
  });
  return { offsets, indices: indices.slice(0, used), values: values.slice(0, used), labels, rows: examples.length };
}

export interface TrainingOptions {
  epochs: number;
  /** AdaGrad base learning rate. */
  learningRate: number;
  /** L2 penalty per update on each touched weight. */
  l2: number;
  /** Loss multiplier per class (negative, neutral, positive). */
  classWeights: readonly [number, number, number];
  seed: number;
}

/** Small, fast, seedable PRNG (mulberry32); enough for shuffling. */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Class weights inversely proportional to class frequency, normalised to mean 1, raised to `power`. */
export function balancedClassWeights(labels: Uint8Array, power: number): [number, number, number] {
  const counts = [0, 0, 0];
  for (const label of labels) counts[label]!++;
  const raw = counts.map((n) => (n === 0 ? 0 : (labels.length / (CLASS_COUNT * n)) ** power));
  return [raw[0]!, raw[1]!, raw[2]!];
}

export interface TrainedWeights {
  weights: Float32Array;
  bias: Float32Array;
}

export function trainSoftmax(matrix: FeatureMatrix, config: FeatureConfig, options: TrainingOptions): TrainedWeights {
  const rows = featureRows(config);
  const weights = new Float32Array(rows * CLASS_COUNT);
  const squared = new Float32Array(rows * CLASS_COUNT);
  const bias = new Float32Array(CLASS_COUNT);
  const biasSquared = new Float32Array(CLASS_COUNT);
  const order = Int32Array.from({ length: matrix.rows }, (_, i) => i);
  const random = mulberry32(options.seed);
  const p = new Float64Array(CLASS_COUNT);
  const gradient = new Float64Array(CLASS_COUNT);
  const { offsets, indices, values, labels } = matrix;
  const { learningRate: rate, l2 } = options;
  const epsilon = 1e-8;

  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      const swap = order[i]!;
      order[i] = order[j]!;
      order[j] = swap;
    }
    for (const row of order) {
      const start = offsets[row]!;
      const end = offsets[row + 1]!;
      for (let c = 0; c < CLASS_COUNT; c++) p[c] = bias[c]!;
      for (let k = start; k < end; k++) {
        const base = indices[k]! * CLASS_COUNT;
        const v = values[k]!;
        p[0] = p[0]! + weights[base]! * v;
        p[1] = p[1]! + weights[base + 1]! * v;
        p[2] = p[2]! + weights[base + 2]! * v;
      }
      softmaxInPlace(p);
      const gold = labels[row]!;
      const weight = options.classWeights[gold]!;
      for (let c = 0; c < CLASS_COUNT; c++) {
        gradient[c] = (p[c]! - (c === gold ? 1 : 0)) * weight;
        biasSquared[c] = biasSquared[c]! + gradient[c]! * gradient[c]!;
        bias[c] = bias[c]! - (rate * gradient[c]!) / Math.sqrt(biasSquared[c]! + epsilon);
      }
      for (let k = start; k < end; k++) {
        const base = indices[k]! * CLASS_COUNT;
        const v = values[k]!;
        for (let c = 0; c < CLASS_COUNT; c++) {
          const at = base + c;
          const g = gradient[c]! * v + l2 * weights[at]!;
          squared[at] = squared[at]! + g * g;
          weights[at] = weights[at]! - (rate * g) / Math.sqrt(squared[at]! + epsilon);
        }
      }
    }
  }
  return { weights, bias };
}

/** Logits of every row of `matrix` (row-major, 3 per row) under the given weights. */
export function matrixLogits(matrix: FeatureMatrix, trained: TrainedWeights): Float64Array {
  const out = new Float64Array(matrix.rows * CLASS_COUNT);
  const { offsets, indices, values } = matrix;
  const { weights, bias } = trained;
  for (let row = 0; row < matrix.rows; row++) {
    let l0 = bias[0]!;
    let l1 = bias[1]!;
    let l2 = bias[2]!;
    for (let k = offsets[row]!; k < offsets[row + 1]!; k++) {
      const base = indices[k]! * CLASS_COUNT;
      const v = values[k]!;
      l0 += weights[base]! * v;
      l1 += weights[base + 1]! * v;
      l2 += weights[base + 2]! * v;
    }
    out[row * 3] = l0;
    out[row * 3 + 1] = l1;
    out[row * 3 + 2] = l2;
  }
  return out;
}

/** Metrics of argmax(logits + decisionBias) against the gold labels. */
export function reportWithBias(logits: Float64Array, gold: Uint8Array, decisionBias: ArrayLike<number>): ClassificationReport {
  const confusion = emptyConfusion();
  const scores = new Float64Array(CLASS_COUNT);
  for (let row = 0; row < gold.length; row++) {
    for (let c = 0; c < CLASS_COUNT; c++) scores[c] = logits[row * 3 + c]! + decisionBias[c]!;
    confusion[gold[row]!]![argmax(scores)]!++;
  }
  return classificationReport(confusion);
}

export interface BiasTuning {
  decisionBias: [number, number, number];
  report: ClassificationReport;
  /** False when no bias on the grid reached the recall floor; then the best-recall bias is returned. */
  floorMet: boolean;
}

/**
 * Grid search over the negative decision offset (neutral and positive fixed
 * at 0) for the best macro-F1 whose negative recall is at least
 * `minNegativeRecall`. Meant for development data only. Only the negative
 * offset is tuned because negative recall is the one operating constraint:
 * a positive offset found on development data mostly fits that set's class
 * mix (2016 dev is 46 % positive, a brand's mention stream is mostly
 * neutral) and, in nested cross-validation on it, did not beat leaving it
 * at 0.
 */
export function tuneDecisionBias(
  logits: Float64Array,
  gold: Uint8Array,
  minNegativeRecall: number,
  grid: { from: number; to: number; step: number } = { from: -1.5, to: 2.5, step: 0.05 },
): BiasTuning {
  let best: BiasTuning | undefined;
  let bestRecall: BiasTuning | undefined;
  const steps = Math.round((grid.to - grid.from) / grid.step);
  for (let a = 0; a <= steps; a++) {
    const decisionBias: [number, number, number] = [Math.round((grid.from + a * grid.step) * 1000) / 1000, 0, 0];
    const report = reportWithBias(logits, gold, decisionBias);
    const recall = report.perClass.negative.recall;
    if (recall >= minNegativeRecall && (best === undefined || report.macroF1 > best.report.macroF1)) {
      best = { decisionBias, report, floorMet: true };
    }
    if (
      bestRecall === undefined ||
      recall > bestRecall.report.perClass.negative.recall ||
      (recall === bestRecall.report.perClass.negative.recall && report.macroF1 > bestRecall.report.macroF1)
    ) {
      bestRecall = { decisionBias, report, floorMet: false };
    }
  }
  return best ?? bestRecall!;
}
