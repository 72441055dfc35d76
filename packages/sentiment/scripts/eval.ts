// Compares the plain `sentiment` baseline with the shipped model on labelled
// TSV files, side by side, in one run:
//
//   pnpm eval:sentiment --data /path/to/twitter-2016test-A.tsv [--model other.json]
//
// Throughput is measured single-threaded (JS runs on one core) after a
// warm-up pass, over repeated passes of the same texts for at least
// --seconds (default 2) of CPU time per scorer.

import { basename } from 'node:path';
import { baselineSentiment } from '../src/baseline.js';
import { SENTIMENT_LABELS, type SentimentResult } from '../src/labels.js';
import { evaluateLabels, type ClassificationReport } from '../src/metrics.js';
import { loadSentimentModel, loadSentimentModelFrom } from '../src/model-file.js';
import { expandTsvPaths, numberArg, parseArgs, readTsv } from './cli.js';

const args = parseArgs(process.argv.slice(2));
const dataPaths = args.get('data') ?? [];
if (dataPaths.length === 0) {
  console.error('usage: eval.ts --data <tsv-or-dir...> [--model <model.json>] [--seconds 2]');
  process.exit(2);
}
const files = expandTsvPaths(dataPaths);
const rows = files.flatMap(readTsv);
if (rows.length === 0) {
  console.error('No labelled rows found.');
  process.exit(2);
}
const modelPath = args.get('model')?.[0];
const model = modelPath === undefined ? loadSentimentModel() : loadSentimentModelFrom(modelPath);
const minSeconds = numberArg(args, 'seconds', 2);
const texts = rows.map((row) => row.text);
const gold = rows.map((row) => row.label);

interface Measured {
  report: ClassificationReport;
  perSecond: number;
}

function measure(score: (text: string) => SentimentResult): Measured {
  const predicted = texts.map((text) => score(text).label);
  const report = evaluateLabels(gold, predicted);
  // The pass above doubles as warm-up (JIT, caches); now time whole passes.
  // The rate divides by the process's CPU time, not wall time, so other
  // work on a shared machine does not lower it; CPU time also counts V8's
  // background GC/JIT threads, so the figure errs on the low side.
  let scored = 0;
  let sink = 0;
  const cpuStart = process.cpuUsage();
  let cpuSeconds = 0;
  do {
    for (const text of texts) sink += score(text).score;
    scored += texts.length;
    const used = process.cpuUsage(cpuStart);
    cpuSeconds = (used.user + used.system) / 1e6;
  } while (cpuSeconds < minSeconds);
  const perSecond = scored / cpuSeconds;
  if (Number.isNaN(sink)) throw new Error('a scorer returned NaN');
  return { report, perSecond };
}

const baseline = measure(baselineSentiment);
const trained = measure((text) => model.score(text));

const counts = SENTIMENT_LABELS.map((label) => `${gold.filter((g) => g === label).length} ${label}`).join(', ');
console.log(`data: ${files.map((f) => basename(f)).join(', ')} (${rows.length} rows: ${counts})`);
console.log(`model: ${modelPath ?? 'shipped'} version ${model.version}; Node ${process.version}, one thread\n`);

const fixed = (x: number): string => x.toFixed(3);
const lines: [string, (m: Measured) => string][] = [
  ['accuracy', (m) => fixed(m.report.accuracy)],
  ['macro-F1', (m) => fixed(m.report.macroF1)],
  ['negative recall', (m) => fixed(m.report.perClass.negative.recall)],
  ['negative precision', (m) => fixed(m.report.perClass.negative.precision)],
  ['mentions/s per core', (m) => Math.round(m.perSecond).toLocaleString('en-US')],
  ['(avg recall, SemEval)', (m) => fixed(m.report.macroRecall)],
  ['(F1 pos+neg, SemEval)', (m) => fixed(m.report.f1PosNeg)],
];
const header = ['metric', 'baseline (sentiment)', 'model'];
const table = [header, ...lines.map(([name, value]) => [name, value(baseline), value(trained)])];
const widths = header.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
const render = (row: string[]): string =>
  row.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
console.log(render(table[0]!));
console.log(widths.map((w) => '-'.repeat(w)).join('  '));
for (const row of table.slice(1)) console.log(render(row));
