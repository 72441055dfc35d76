// Multinomial logistic regression (softmax) over the sparse features, in
// plain TypeScript. Weights are row-major with the three class columns side
// by side (`weights[row * 3 + class]`) so one feature touches one cache line.

import { FeatureExtractor, featureRows, type FeatureConfig } from './features.js';
import { SENTIMENT_LABELS, type SentimentResult } from './labels.js';

export const CLASS_COUNT = SENTIMENT_LABELS.length;

export interface LinearModelParams {
  /** Identifies the trained weights, e.g. "2016.1-semeval13-16". */
  version: string;
  config: FeatureConfig;
  /** `featureRows(config) * 3` weights. */
  weights: Float32Array;
  /** Per-class intercepts learnt in training. */
  bias: Float32Array;
  /**
   * Per-class offsets added to the logits at decision time, tuned on
   * development data (a prior shift: raising the negative offset trades
   * negative precision for negative recall).
   */
  decisionBias: Float32Array;
}

export class SentimentModel {
  readonly version: string;
  readonly config: FeatureConfig;
  private readonly weights: Float32Array;
  private readonly bias: Float32Array;
  private readonly decisionBias: Float32Array;
  private readonly extractor: FeatureExtractor;
  private readonly scratch = new Float64Array(CLASS_COUNT);

  constructor(params: LinearModelParams) {
    const rows = featureRows(params.config);
    if (params.weights.length !== rows * CLASS_COUNT) {
      throw new Error(`Expected ${rows * CLASS_COUNT} weights for this feature config, got ${params.weights.length}`);
    }
    if (params.bias.length !== CLASS_COUNT || params.decisionBias.length !== CLASS_COUNT) {
      throw new Error(`Expected ${CLASS_COUNT} bias terms`);
    }
    this.version = params.version;
    this.config = params.config;
    this.weights = params.weights;
    this.bias = params.bias;
    this.decisionBias = params.decisionBias;
    this.extractor = new FeatureExtractor(params.config);
  }

  /** Raw class logits (negative, neutral, positive), without the decision bias. */
  logits(text: string, out: Float64Array = new Float64Array(CLASS_COUNT)): Float64Array {
    const { indices, values, count } = this.extractor.extract(text);
    const w = this.weights;
    let l0 = this.bias[0]!;
    let l1 = this.bias[1]!;
    let l2 = this.bias[2]!;
    for (let k = 0; k < count; k++) {
      const row = indices[k]! * 3;
      const v = values[k]!;
      l0 += w[row]! * v;
      l1 += w[row + 1]! * v;
      l2 += w[row + 2]! * v;
    }
    out[0] = l0;
    out[1] = l1;
    out[2] = l2;
    return out;
  }

  /** Class probabilities after the decision bias, in SENTIMENT_LABELS order. */
  probabilities(text: string, out: Float64Array = new Float64Array(CLASS_COUNT)): Float64Array {
    this.logits(text, out);
    for (let c = 0; c < CLASS_COUNT; c++) out[c] = out[c]! + this.decisionBias[c]!;
    return softmaxInPlace(out);
  }

  score(text: string): SentimentResult {
    const p = this.probabilities(text, this.scratch);
    const best = argmax(p);
    return { label: SENTIMENT_LABELS[best]!, score: p[2]! - p[0]!, confidence: p[best]! };
  }
}

export function softmaxInPlace(values: Float64Array): Float64Array {
  let max = -Infinity;
  for (let c = 0; c < values.length; c++) if (values[c]! > max) max = values[c]!;
  let sum = 0;
  for (let c = 0; c < values.length; c++) {
    const e = Math.exp(values[c]! - max);
    values[c] = e;
    sum += e;
  }
  for (let c = 0; c < values.length; c++) values[c] = values[c]! / sum;
  return values;
}

export function argmax(values: ArrayLike<number>): number {
  let best = 0;
  for (let c = 1; c < values.length; c++) if (values[c]! > values[best]!) best = c;
  return best;
}
