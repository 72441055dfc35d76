// The shipped model file: JSON with the feature config, a version string and
// the weights. Hash-bucket weights (the bulk) are quantised to signed
// integers with one scale per class column and stored little-endian in
// base64; the few dense lexicon weights and the biases stay plain numbers.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { featureRows, type FeatureConfig } from './features.js';
import { SENTIMENT_LABELS } from './labels.js';
import { CLASS_COUNT, SentimentModel, type LinearModelParams } from './model.js';

export const MODEL_FORMAT = 'earshot-sentiment-linear';
export const MODEL_FORMAT_VERSION = 1;

/** Where `loadSentimentModel` reads the shipped weights from. */
export const SHIPPED_MODEL_PATH = fileURLToPath(new URL('../model/sentiment-model.json', import.meta.url));

export type QuantisationBits = 8 | 16;

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  version: string;
  labels: readonly string[];
  features: FeatureConfig;
  weights: {
    buckets: { bits: QuantisationBits; scales: number[]; data: string };
    /** One [negative, neutral, positive] triple per dense lexicon feature. */
    dense: number[][];
  };
  bias: number[];
  decisionBias: number[];
  /** Provenance and development-set figures; informational only. */
  training: Record<string, unknown>;
}

/** Encodes trained parameters; `training` is stored as given (keep it deterministic). */
export function encodeModelFile(
  params: LinearModelParams,
  bits: QuantisationBits,
  training: Record<string, unknown>,
): ModelFile {
  const buckets = 1 << params.config.bucketBits;
  const limit = bits === 8 ? 127 : 32767;
  const scales: number[] = [];
  for (let c = 0; c < CLASS_COUNT; c++) {
    let max = 0;
    for (let row = 0; row < buckets; row++) max = Math.max(max, Math.abs(params.weights[row * CLASS_COUNT + c]!));
    scales.push(max === 0 ? 1 : max / limit);
  }
  const bytesPer = bits / 8;
  const bytes = Buffer.alloc(buckets * CLASS_COUNT * bytesPer);
  for (let row = 0; row < buckets; row++) {
    for (let c = 0; c < CLASS_COUNT; c++) {
      const k = row * CLASS_COUNT + c;
      const q = Math.max(-limit, Math.min(limit, Math.round(params.weights[k]! / scales[c]!)));
      if (bits === 8) bytes.writeInt8(q, k);
      else bytes.writeInt16LE(q, k * 2);
    }
  }
  const dense: number[][] = [];
  for (let row = buckets; row < featureRows(params.config); row++) {
    dense.push([0, 1, 2].map((c) => Number(params.weights[row * CLASS_COUNT + c]!.toPrecision(8))));
  }
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    version: params.version,
    labels: SENTIMENT_LABELS,
    features: params.config,
    weights: { buckets: { bits, scales, data: bytes.toString('base64') }, dense },
    // Float32 values printed with the digits they really have, not as 1.100000023841858.
    bias: Array.from(params.bias, (x) => Number(x.toPrecision(8))),
    decisionBias: Array.from(params.decisionBias, (x) => Number(x.toPrecision(8))),
    training,
  };
}

/** Decodes a model file into inference parameters, validating its shape. */
export function decodeModelFile(file: ModelFile): LinearModelParams {
  if (file.format !== MODEL_FORMAT || file.formatVersion !== MODEL_FORMAT_VERSION) {
    throw new Error(`Unsupported model file format ${String(file.format)}/${String(file.formatVersion)}`);
  }
  if (file.labels.join(',') !== SENTIMENT_LABELS.join(',')) throw new Error(`Unexpected label order ${file.labels.join(',')}`);
  const buckets = 1 << file.features.bucketBits;
  const rows = featureRows(file.features);
  const { bits, scales, data } = file.weights.buckets;
  const bytes = Buffer.from(data, 'base64');
  if (bytes.length !== buckets * CLASS_COUNT * (bits / 8)) {
    throw new Error(`Bucket weights hold ${bytes.length} bytes, expected ${buckets * CLASS_COUNT * (bits / 8)}`);
  }
  if (file.weights.dense.length !== rows - buckets) throw new Error('Dense weight rows do not match the lexicon features');
  const weights = new Float32Array(rows * CLASS_COUNT);
  for (let k = 0; k < buckets * CLASS_COUNT; k++) {
    const q = bits === 8 ? bytes.readInt8(k) : bytes.readInt16LE(k * 2);
    weights[k] = q * scales[k % CLASS_COUNT]!;
  }
  file.weights.dense.forEach((triple, i) => {
    for (let c = 0; c < CLASS_COUNT; c++) weights[(buckets + i) * CLASS_COUNT + c] = triple[c] ?? 0;
  });
  return {
    version: file.version,
    config: file.features,
    weights,
    bias: Float32Array.from(file.bias),
    decisionBias: Float32Array.from(file.decisionBias),
  };
}

export function readModelFile(path: string): ModelFile {
  return JSON.parse(readFileSync(path, 'utf8')) as ModelFile;
}

let shipped: SentimentModel | undefined;

/** The shipped model, read from `model/sentiment-model.json` on first call and cached. */
export function loadSentimentModel(): SentimentModel {
  shipped ??= new SentimentModel(decodeModelFile(readModelFile(SHIPPED_MODEL_PATH)));
  return shipped;
}

/** A model from another file (e.g. a candidate from the training script); not cached. */
export function loadSentimentModelFrom(path: string): SentimentModel {
  return new SentimentModel(decodeModelFile(readModelFile(path)));
}
