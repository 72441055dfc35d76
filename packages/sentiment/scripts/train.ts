// Trains the sentiment model and writes the shipped model file.
//
//   pnpm exec tsx packages/sentiment/scripts/train.ts \
//     --data /path/to/sentiment --out packages/sentiment/model/sentiment-model.json \
//     [--exclude-ids /path/to/twitter-2016test-A.tsv]
//
// --data takes directories and/or TSV files. Files named like *2016test* are
// the held-out test set: dropped from directories and refused when named.
// Files named like *2016dev* (dev, devtest) are the development set. The
// decision bias is cross-fitted on it: the development rows are cut into
// --folds contiguous blocks (the files are grouped by topic, so a block is
// mostly unseen topics), a model trained on the training files plus the other
// blocks scores each block, and the bias is tuned on those out-of-fold scores.
// The shipped model is then trained on the training files plus all
// development rows and uses that bias. The test set is never read.
// --exclude-ids reads only the id column of the given files and drops those
// ids from training (the SemEval exports repeat some test tweets in
// 2016train); no text or label of those files is read.
// --distant takes unlabelled customer-care CSV files (a `text` column; rows
// whose `inbound` column is "False" are brand replies and skipped). Posts
// whose polar emoji all point one way become training rows without those
// emoji (src/distant.ts), --distant-copies times each; half of them, chosen
// by a hash of the text, are held out instead and only measured.
// --curated takes hand-written TSV files of short posts to brands (the
// repo's model/curated-brand-posts.tsv): phrasings the SemEval tweets hardly
// hold, such as litotes ("not bad", "no complaints") and plain support
// questions; each row is trained on --curated-copies times.

import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseCsv } from '@earshot/matcher/bench';
import { isDevelopmentFile, isHeldOutTestFile, type LabelledText } from '../src/data.js';
import { emojiLabelledExample, type TokenisedExample } from '../src/distant.js';
import { DEFAULT_FEATURE_CONFIG, FeatureExtractor, type FeatureConfig } from '../src/features.js';
import { fnvString, FNV_OFFSET_BASIS, fmix32 } from '../src/hash.js';
import type { ClassificationReport } from '../src/metrics.js';
import { decodeModelFile, encodeModelFile, type QuantisationBits } from '../src/model-file.js';
import type { LinearModelParams } from '../src/model.js';
import {
  balancedClassWeights,
  buildFeatureMatrix,
  matrixLogits,
  reportWithBias,
  trainSoftmax,
  tuneDecisionBias,
  type TrainingExample,
  type TrainingOptions,
} from '../src/training.js';
import { expandTsvPaths, numberArg, parseArgs, readTsv, single } from './cli.js';

const args = parseArgs(process.argv.slice(2));
const dataPaths = args.get('data') ?? [];
if (dataPaths.length === 0) {
  console.error(
    'usage: train.ts --data <dir-or-tsv...> --out <model.json> [--dev <tsv...>] [--exclude-ids <tsv...>] [--distant <csv...>] [--curated <tsv...>]',
  );
  process.exit(2);
}
const distantPaths = args.get('distant') ?? [];
const curatedPaths = args.get('curated') ?? [];
for (const path of [...dataPaths, ...(args.get('dev') ?? []), ...distantPaths, ...curatedPaths]) {
  if (isHeldOutTestFile(path)) {
    console.error(`Refusing to train or tune on ${path}: it is held-out evaluation data (the 2016 test file or the held-out brand posts).`);
    process.exit(2);
  }
}
const outPath = single(args, 'out', 'packages/sentiment/model/sentiment-model.json');

const allFiles = expandTsvPaths(dataPaths);
const heldOut = allFiles.filter(isHeldOutTestFile);
const candidateFiles = allFiles.filter((f) => !isHeldOutTestFile(f));
const devFiles = args.has('dev')
  ? expandTsvPaths(args.get('dev')!).filter((f) => !isHeldOutTestFile(f))
  : candidateFiles.filter(isDevelopmentFile);
const trainFiles = candidateFiles.filter((f) => !devFiles.includes(f));
if (heldOut.length > 0) console.error(`excluded held-out test file(s): ${heldOut.join(', ')}`);
if (trainFiles.length === 0 || devFiles.length === 0) {
  console.error('Need at least one training file and one development (*2016dev*) file.');
  process.exit(2);
}

const excludedIds = new Set<string>();
for (const path of args.get('exclude-ids') ?? []) {
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    const tab = line.indexOf('\t');
    const id = (tab < 0 ? line : line.slice(0, tab)).trim();
    if (id !== '') excludedIds.add(id);
  }
}

const seen = new Set<string>();
let dropped = 0;
/** Drops repeated tweets (same id in two editions) and excluded ids, keeping file order. */
function keepFresh(rows: LabelledText[]): LabelledText[] {
  return rows.filter((row) => {
    if (seen.has(row.id) || excludedIds.has(row.id)) {
      dropped++;
      return false;
    }
    seen.add(row.id);
    return true;
  });
}
// Dev first, so a tweet in both a training file and a dev file stays in dev
// and cannot leak into the out-of-fold scores of its own block.
const dev = keepFresh(devFiles.flatMap(readTsv));
const train = keepFresh(trainFiles.flatMap(readTsv));

/** Texts of the inbound posts of a customer-care CSV file. */
function readCarePosts(path: string): string[] {
  const [header = [], ...records] = parseCsv(readFileSync(path, 'utf8'));
  const textColumn = header.indexOf('text');
  if (textColumn < 0) throw new Error(`${path}: the header has no "text" column`);
  const inboundColumn = header.indexOf('inbound');
  return records
    .filter((record) => inboundColumn < 0 || record[inboundColumn] !== 'False')
    .map((record) => record[textColumn] ?? '')
    .filter((text) => text.trim() !== '');
}
const carePosts = [...new Set(distantPaths.flatMap(readCarePosts))];
const distantTrain: TokenisedExample[] = [];
const distantHeldOut: TokenisedExample[] = [];
for (const text of carePosts) {
  const example = emojiLabelledExample(text);
  if (example === undefined) continue;
  if ((fmix32(fnvString(FNV_OFFSET_BASIS, text)) & 1) === 0) distantTrain.push(example);
  else distantHeldOut.push(example);
}
const distantCopies = numberArg(args, 'distant-copies', 2);
if (!Number.isInteger(distantCopies) || distantCopies < 0) throw new Error('--distant-copies must be an integer >= 0');
const distantRows = Array.from({ length: distantCopies }, () => distantTrain).flat();

const curated = curatedPaths.flatMap(readTsv);
const curatedCopies = numberArg(args, 'curated-copies', 8);
if (!Number.isInteger(curatedCopies) || curatedCopies < 0) throw new Error('--curated-copies must be an integer >= 0');
const curatedRows = Array.from({ length: curatedCopies }, () => curated).flat();
const extraRows: TrainingExample[] = [...distantRows, ...curatedRows];

const config: FeatureConfig = {
  ...DEFAULT_FEATURE_CONFIG,
  bucketBits: numberArg(args, 'bucket-bits', DEFAULT_FEATURE_CONFIG.bucketBits),
  wordNgramMax: numberArg(args, 'word-ngrams', DEFAULT_FEATURE_CONFIG.wordNgramMax),
  charNgramMin: numberArg(args, 'char-min', DEFAULT_FEATURE_CONFIG.charNgramMin),
  charNgramMax: numberArg(args, 'char-max', DEFAULT_FEATURE_CONFIG.charNgramMax),
  lexiconScale: numberArg(args, 'lexicon-scale', DEFAULT_FEATURE_CONFIG.lexiconScale),
  lexiconFeatures: [...DEFAULT_FEATURE_CONFIG.lexiconFeatures],
};
const bits = numberArg(args, 'bits', 8) as QuantisationBits;
if (bits !== 8 && bits !== 16) throw new Error('--bits must be 8 or 16');
// The goal is 0.75 on unseen data; in nested cross-validation on the
// development blocks, an offset tuned to 0.75 on three blocks reached only
// 0.745–0.748 on the fourth, hence the small margin.
const minNegativeRecall = numberArg(args, 'min-neg-recall', 0.76);
const version = single(args, 'version', '1.2.0');
const folds = numberArg(args, 'folds', 4);
if (!Number.isInteger(folds) || folds < 2) throw new Error('--folds must be an integer >= 2');

const started = performance.now();
const extractor = new FeatureExtractor(config);
const trainMatrix = buildFeatureMatrix(extractor, train);
const options: TrainingOptions = {
  epochs: numberArg(args, 'epochs', 2),
  learningRate: numberArg(args, 'lr', 0.1),
  l2: numberArg(args, 'l2', 1e-6),
  classWeights: balancedClassWeights(trainMatrix.labels, numberArg(args, 'class-weight-power', 0.5)),
  seed: numberArg(args, 'seed', 20160),
};

/** Trains on the given rows and returns the weights as shipped (after quantisation). */
function trainQuantised(rows: readonly TrainingExample[]): LinearModelParams {
  const trained = trainSoftmax(buildFeatureMatrix(extractor, rows), config, options);
  return decodeModelFile(encodeModelFile({ version, config, ...trained, decisionBias: new Float32Array(3) }, bits, {}));
}

const devLabels = buildFeatureMatrix(extractor, dev).labels;
const outOfFold = new Float64Array(dev.length * 3);
const foldOf = (i: number): number => Math.floor((i * folds) / dev.length);
for (let fold = 0; fold < folds; fold++) {
  const held = dev.filter((_, i) => foldOf(i) === fold);
  const params = trainQuantised([...train, ...extraRows, ...dev.filter((_, i) => foldOf(i) !== fold)]);
  const logits = matrixLogits(buildFeatureMatrix(extractor, held), params);
  const first = dev.findIndex((_, i) => foldOf(i) === fold);
  outOfFold.set(logits, first * 3);
  console.error(`fold ${fold + 1}/${folds}: scored ${held.length} dev rows`);
}
const tuning = tuneDecisionBias(outOfFold, devLabels, minNegativeRecall);
const untuned = tuneDecisionBias(outOfFold, devLabels, 0, { from: 0, to: 0, step: 1 });
const final = trainQuantised([...train, ...extraRows, ...dev]);
const careMatrix = buildFeatureMatrix(extractor, distantHeldOut);
const care = distantHeldOut.length === 0 ? undefined : reportWithBias(matrixLogits(careMatrix, final), careMatrix.labels, tuning.decisionBias);

const round = (x: number): number => Math.round(x * 10000) / 10000;

function summary(report: ClassificationReport): Record<string, number> {
  return {
    accuracy: round(report.accuracy),
    macroF1: round(report.macroF1),
    macroRecall: round(report.macroRecall),
    negativeRecall: round(report.perClass.negative.recall),
    negativePrecision: round(report.perClass.negative.precision),
  };
}

function checksum(lines: readonly string[]): string {
  let state = FNV_OFFSET_BASIS;
  for (const line of lines) state = fnvString(state, `${line}\n`);
  return fmix32(state).toString(16).padStart(8, '0');
}

/** On care posts only negative and positive occur, so per-class recall says more than macro-F1. */
function careSummary(report: ClassificationReport): Record<string, number> {
  return {
    accuracy: round(report.accuracy),
    negativeRecall: round(report.perClass.negative.recall),
    negativePrecision: round(report.perClass.negative.precision),
    positiveRecall: round(report.perClass.positive.recall),
  };
}

const fileName = (path: string): string => path.split(/[\\/]/).pop() ?? path;
const file = encodeModelFile({ ...final, decisionBias: Float32Array.from(tuning.decisionBias) }, bits, {
  trainFiles: trainFiles.map(fileName),
  devFiles: devFiles.map(fileName),
  trainRows: train.length,
  devRows: dev.length,
  dataChecksum: checksum([...train, ...dev].map((row) => `${row.id}\t${row.label}\t${row.text}`)),
  distantFiles: distantPaths.map(fileName),
  distantRows: distantTrain.length,
  distantCopies,
  distantHeldOutRows: distantHeldOut.length,
  distantChecksum: checksum(carePosts),
  curatedFiles: curatedPaths.map(fileName),
  curatedRows: curated.length,
  curatedCopies,
  curatedChecksum: checksum(curated.map((row) => `${row.id}\t${row.label}\t${row.text}`)),
  droppedDuplicateOrExcludedRows: dropped,
  options: { ...options, classWeights: options.classWeights.map((w) => Math.round(w * 10000) / 10000) },
  crossFitFolds: folds,
  minNegativeRecall,
  devOutOfFoldUntuned: summary(untuned.report),
  devOutOfFoldTuned: summary(tuning.report),
  devNegativeRecallFloorMet: tuning.floorMet,
  ...(care === undefined ? {} : { careHeldOut: careSummary(care) }),
});
mkdirSync(dirname(outPath), { recursive: true });
writeFileSync(outPath, JSON.stringify(file) + '\n');

const seconds = ((performance.now() - started) / 1000).toFixed(1);
console.log(`trained on ${train.length} training + ${dev.length} dev rows (${dropped} dropped) in ${seconds}s`);
console.log(`dev out-of-fold, no decision bias: ${JSON.stringify(summary(untuned.report))}`);
console.log(`dev out-of-fold, decision bias ${JSON.stringify(tuning.decisionBias)}: ${JSON.stringify(summary(tuning.report))}`);
if (care !== undefined) {
  console.log(
    `care posts labelled by emoji: ${distantTrain.length} trained on (x${distantCopies}), ${distantHeldOut.length} held out: ${JSON.stringify(careSummary(care))}`,
  );
}
console.log(`wrote ${outPath}`);
