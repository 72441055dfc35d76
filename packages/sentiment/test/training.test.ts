import { describe, expect, it } from 'vitest';
import { DEFAULT_FEATURE_CONFIG, FeatureExtractor, SentimentModel, type FeatureConfig, type SentimentLabel } from '../src/index.js';
import { decodeModelFile, encodeModelFile } from '../src/model-file.js';
import { balancedClassWeights, buildFeatureMatrix, matrixLogits, trainSoftmax, tuneDecisionBias } from '../src/training.js';

// A tiny hand-made training set; small buckets keep the test fast.
const config: FeatureConfig = { ...DEFAULT_FEATURE_CONFIG, bucketBits: 12 };
const examples: { text: string; label: SentimentLabel }[] = [];
for (const item of ['phone', 'router', 'app', 'card', 'parcel', 'ticket']) {
  examples.push({ text: `my ${item} is broken and nobody helps`, label: 'negative' });
  examples.push({ text: `the ${item} arrives on tuesday`, label: 'neutral' });
  examples.push({ text: `love the new ${item}, brilliant`, label: 'positive' });
}

function train(seed: number) {
  const matrix = buildFeatureMatrix(new FeatureExtractor(config), examples);
  const options = { epochs: 5, learningRate: 0.2, l2: 1e-6, classWeights: balancedClassWeights(matrix.labels, 0.5), seed };
  return { matrix, trained: trainSoftmax(matrix, config, options) };
}

describe('training', () => {
  it('is deterministic for a seed', () => {
    expect(train(7).trained.weights).toEqual(train(7).trained.weights);
  });

  it('learns a separable toy problem and survives quantisation', () => {
    const { trained } = train(7);
    for (const bits of [8, 16] as const) {
      const params = decodeModelFile(
        encodeModelFile({ version: 'toy', config, ...trained, decisionBias: new Float32Array(3) }, bits, {}),
      );
      const model = new SentimentModel(params);
      expect(model.score('my laptop is broken and nobody helps').label).toBe('negative');
      expect(model.score('the laptop arrives on tuesday').label).toBe('neutral');
      expect(model.score('love the new laptop, brilliant').label).toBe('positive');
    }
  });

  it('tunes the decision bias to a negative-recall floor', () => {
    const { matrix, trained } = train(7);
    const logits = matrixLogits(matrix, trained);
    const tuning = tuneDecisionBias(logits, matrix.labels, 1);
    expect(tuning.floorMet).toBe(true);
    expect(tuning.report.perClass.negative.recall).toBe(1);
  });

  it('weights rarer classes more', () => {
    const [negative, neutral] = balancedClassWeights(Uint8Array.from([0, 1, 1, 1, 2, 2]), 1);
    expect(negative).toBeGreaterThan(neutral!);
  });
});
