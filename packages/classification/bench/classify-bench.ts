/**
 * Classifier throughput on one core: `classify()` per mention (the shipped
 * sentiment model, noise rules, near-duplicate index, urgency, category and
 * priority) and its spike input, which is the CPU work the classifier
 * service does per mention.
 *
 *   pnpm exec tsx packages/classification/bench/classify-bench.ts [--data tweets.tsv|tweets.csv]
 *
 * Data: TSV with the text in the last non-empty column, or CSV with a `text`
 * column; realistic generated posts when no file is given.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { MentionSchema, type Category, type Mention } from '@earshot/domain';
import { loadPostTexts } from '@earshot/matcher/bench';
import { loadSentimentModel } from '@earshot/sentiment';
import { BurstIndex, classify, compileClassifierRules, spikeInput, type SentimentScorer } from '../src/index.js';

export interface ClassifierBenchmarkOptions {
  /** Path of a TSV or CSV file of posts; generated posts when absent. */
  readonly data?: string;
}

export interface ClassifierBenchmarkResult {
  readonly mentionsPerSecond: number;
  /** The sentiment model alone on the same texts, for comparison. */
  readonly sentimentPerSecond: number;
  readonly mentions: number;
  readonly categories: Readonly<Record<Category, number>>;
  readonly spam: number;
  readonly bursts: number;
  /** Negative, kept mentions handed to the spike detector. */
  readonly spikeInputs: number;
}

/** Long enough for the JIT to settle and the clock's resolution not to matter. */
const MIN_TIMED_MILLISECONDS = 2_000;
const GENERATED_POSTS = 20_000;
const NOW = Date.parse('2026-11-02T12:00:00.000Z');

const RULES = compileClassifierRules({
  brands: [
    { id: 'acme', name: 'Acme', query: 'acme OR @acme OR #acme', competitor: false },
    { id: 'spotify', name: 'Spotify', query: 'spotify OR @spotify OR @spotifycares', competitor: false },
  ],
  priorities: { P1: 80, P2: 60, P3: 30 },
  noise: { mutedAuthors: ['dealbot'], mutedDomains: ['cheap-pills.example'], mutedWords: ['giveaway', 'free followers'] },
});

/** Deterministic so runs are comparable (mulberry32). */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const OPENERS = ['@acme', '@acme', 'hey @acme', '', 'Acme', '#acme'];
const BODIES = [
  'my order still has not arrived and nobody answers my emails',
  'the app keeps crashing every time I open my playlist',
  'I want a refund, I was charged twice this month',
  'how do I change the email on my account?',
  'thank you so much, the support team sorted it in minutes 😍',
  'is the site down? cannot log in since this morning',
  'thinking about switching to the family plan, how much is it',
  'not happy at all, third time this week the delivery is late 😡',
  'love the new update, the dark mode looks great',
  'just saw the new ad on tv lol',
];

/** Each post carries its own order number near the start, so they are not copies of each other (which the spam rules would catch). */
function generatePosts(random: () => number, count: number): string[] {
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  return Array.from({ length: count }, (_, index) => `${pick(OPENERS)} order ${100_000 + index}: ${pick(BODIES)}`.trim());
}

/**
 * Mentions around the texts, with reach and engagement spread like a real
 * stream: followers log-uniform from 10 to 300k, nine posts in ten never
 * shared, the rest shared 1 to 300 times.
 */
function toMentions(texts: readonly string[], random: () => number): Mention[] {
  const shares = () => (random() < 0.9 ? 0 : Math.floor(10 ** (random() * 2.5)));
  return texts.map((text, index) =>
    MentionSchema.parse({
      platform: 'x',
      externalId: String(index + 1),
      text,
      lang: 'en',
      author: { handle: `user${Math.floor(random() * 5_000)}`, followers: Math.floor(10 ** (1 + random() * 4.5)), verified: random() < 0.01 },
      createdAt: new Date(NOW - Math.floor(random() * 6 * 60 * 60 * 1_000)).toISOString(),
      engagement: { reposts: shares(), replies: shares(), likes: shares() * 5 },
      matchedBrands: ['acme'],
    }),
  );
}

function pass(mentions: readonly Mention[], sentiment: SentimentScorer) {
  const bursts = new BurstIndex();
  const categories = Object.fromEntries(['complaint', 'question', 'praise', 'lead', 'crisis', 'spam', 'other'].map((name) => [name, 0])) as Record<Category, number>;
  let spam = 0;
  let burstCount = 0;
  let spikeInputs = 0;
  for (const mention of mentions) {
    const verdict = classify(mention, { rules: RULES, sentiment, bursts, now: NOW });
    categories[verdict.classification.category] += 1;
    if (verdict.spam) spam += 1;
    if (verdict.burstOf !== null) burstCount += 1;
    if (spikeInput(mention, verdict) !== null) spikeInputs += 1;
  }
  return { categories, spam, bursts: burstCount, spikeInputs };
}

/**
 * Calls `run` (one pass over all items) until the minimum time has passed;
 * items per CPU-second of this process. CPU time rather than wall time: on a
 * shared machine other processes' load would otherwise count as ours, and
 * it includes the garbage collector's helper threads, which are our cost.
 */
function timed(items: number, run: () => void): number {
  let processed = 0;
  const start = process.cpuUsage();
  const wallStart = performance.now();
  while (performance.now() - wallStart < MIN_TIMED_MILLISECONDS) {
    run();
    processed += items;
  }
  const cpu = process.cpuUsage(start);
  return Math.round(processed / ((cpu.user + cpu.system) / 1e6));
}

export function runClassifierBenchmark(options: ClassifierBenchmarkOptions = {}): ClassifierBenchmarkResult {
  const random = seededRandom(7);
  const texts = options.data === undefined ? generatePosts(random, GENERATED_POSTS) : loadPostTexts(options.data);
  const mentions = toMentions(texts, random);
  const sentiment = loadSentimentModel();

  const firstPass = pass(mentions, sentiment);
  const sentimentPerSecond = timed(mentions.length, () => {
    for (const mention of mentions) sentiment.score(mention.text);
  });
  const mentionsPerSecond = timed(mentions.length, () => pass(mentions, sentiment));
  return { mentionsPerSecond, sentimentPerSecond, mentions: mentions.length, ...firstPass };
}

function main(): void {
  const { values } = parseArgs({ options: { data: { type: 'string' } } });
  const result = runClassifierBenchmark(values.data === undefined ? {} : { data: values.data });
  console.table({
    data: values.data ?? `generated (${GENERATED_POSTS} posts)`,
    mentions: result.mentions,
    'classifier mentions/s per core (CPU time)': result.mentionsPerSecond,
    'µs/mention': Number((1e6 / result.mentionsPerSecond).toFixed(2)),
    'sentiment model alone, texts/s per core': result.sentimentPerSecond,
    spam: result.spam,
    'near-duplicates': result.bursts,
    'spike inputs (negative, kept)': result.spikeInputs,
  });
  console.table(result.categories);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
