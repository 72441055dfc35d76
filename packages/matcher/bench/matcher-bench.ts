/**
 * Throughput of matching posts against many brand queries on one core.
 *
 *   pnpm exec tsx packages/matcher/bench/matcher-bench.ts [--data posts.tsv|posts.csv] [--queries 1000]
 *
 * Data: TSV with the text in the last non-empty column, or CSV with a `text`
 * column; generated posts when no file is given.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { compileBrandQueries, type MatchablePost } from '../src/index.js';

export interface MatcherBenchmarkOptions {
  /** Path of a TSV or CSV file of posts; generated posts when absent. */
  readonly data?: string;
  readonly queries: number;
}

export interface MatcherBenchmarkResult {
  readonly postsPerSecond: number;
  readonly posts: number;
  readonly queries: number;
  /** (post, brand) pairs matched in one pass over the posts. */
  readonly matches: number;
  /** Posts matching at least one brand. */
  readonly matchedPosts: number;
  readonly compileMilliseconds: number;
}

/** Long enough for the JIT to settle and the clock's resolution not to matter. */
const MIN_TIMED_MILLISECONDS = 2_000;
const GENERATED_POSTS = 20_000;

/** Splits CSV text into records, honouring quoted fields with commas, newlines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const character = text.charAt(index);
    if (quoted) {
      if (character !== '"') field += character;
      else if (text.charAt(index + 1) === '"') {
        field += '"';
        index += 1;
      } else quoted = false;
    } else if (character === '"') {
      quoted = true;
    } else if (character === ',') {
      record.push(field);
      field = '';
    } else if (character === '\n' || character === '\r') {
      if (character === '\r' && text.charAt(index + 1) === '\n') index += 1;
      record.push(field);
      records.push(record);
      record = [];
      field = '';
    } else {
      field += character;
    }
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

function unquote(field: string): string {
  return field.length >= 2 && field.startsWith('"') && field.endsWith('"') ? field.slice(1, -1).replaceAll('""', '"') : field;
}

/** Post texts from a TSV (text in the last non-empty column) or a CSV with a `text` column. */
export function loadPostTexts(path: string): string[] {
  const content = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  if (extname(path).toLowerCase() === '.tsv') {
    return content
      .split(/\r?\n/)
      .map((line) => unquote(line.split('\t').filter((field) => field.trim() !== '').at(-1) ?? ''))
      .filter((text) => text !== '');
  }
  const [header, ...rows] = parseCsv(content);
  const textColumn = header?.findIndex((name) => name.trim().toLowerCase() === 'text') ?? -1;
  if (textColumn < 0) throw new Error(`${path}: no "text" column in the CSV header`);
  return rows.map((row) => row[textColumn] ?? '').filter((text) => text !== '');
}

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

const FILLER_WORDS =
  'the a my our your app order delivery support service update phone account refund help today still again never love hate why when just got new old really please thanks broken slow down working waiting week'.split(
    ' ',
  );
const SYLLABLES = ['zor', 'vex', 'lum', 'tri', 'nox', 'ka', 'bel', 'qui', 'dra', 'mo', 'fen', 'sal', 'io', 'ter', 'pax'];

function generatePosts(random: () => number, count: number): string[] {
  const pick = (words: readonly string[]): string => words[Math.floor(random() * words.length)] ?? '';
  return Array.from({ length: count }, () => {
    const words = Array.from({ length: 8 + Math.floor(random() * 20) }, () => pick(FILLER_WORDS));
    if (random() < 0.3) words.splice(Math.floor(random() * words.length), 0, `@${pick(SYLLABLES)}${pick(SYLLABLES)}`);
    return words.join(' ');
  });
}

/** Words by descending frequency, and word pairs seen at least twice. */
function vocabulary(texts: readonly string[]): { words: string[]; bigrams: string[] } {
  const wordCounts = new Map<string, number>();
  const bigramCounts = new Map<string, number>();
  for (const text of texts) {
    const words = text.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter((word) => word.length >= 3);
    words.forEach((word, index) => {
      wordCounts.set(word, (wordCounts.get(word) ?? 0) + 1);
      const next = words[index + 1];
      if (next !== undefined) bigramCounts.set(`${word} ${next}`, (bigramCounts.get(`${word} ${next}`) ?? 0) + 1);
    });
  }
  const byCount = (counts: Map<string, number>, minimum: number): string[] =>
    [...counts].filter(([, count]) => count >= minimum).sort((a, b) => b[1] - a[1]).map(([key]) => key);
  return { words: byCount(wordCounts, 1), bigrams: byCount(bigramCounts, 2) };
}

/**
 * Brand queries in the shapes a config holds. Half the brands are words
 * from the data past its 100 most common ones, so there are real hits without
 * every post matching; the other half are invented names, like most
 * brands on a firehose, which match almost nothing.
 */
function generateQueries(texts: readonly string[], count: number, random: () => number): string[] {
  const { words, bigrams } = vocabulary(texts);
  const realWords = words.slice(100, 3_000);
  const realBigrams = bigrams.slice(0, 2_000);
  const pick = (items: readonly string[], fallback: string): string =>
    items.length === 0 ? fallback : (items[Math.floor(random() * items.length)] ?? fallback);
  const inventedName = (): string => pick(SYLLABLES, 'zor') + pick(SYLLABLES, 'vex') + pick(SYLLABLES, 'lum');
  const templates: ReadonlyArray<(brand: string) => string> = [
    (brand) => `${brand} OR "${brand} corp" OR @${brand} OR #${brand}`,
    (brand) => `${brand} AND (broken OR refund OR outage OR "customer service")`,
    (brand) => `${brand} NOT "${brand} bricks"`,
    (brand) => `"${pick(realBigrams, 'late delivery')}" NEAR/5 ${brand}`,
    (brand) => `${brand} lang:en`,
    (brand) => `(@${brand} OR #${brand}) -giveaway`,
    (brand) => `${brand} platform:twitter`,
    (brand) => `"${pick(realBigrams, 'new phone')}" OR #${brand}`,
    (brand) => `${brand} (${pick(realWords, 'app')} OR ${pick(realWords, 'help')})`,
    (brand) => `"${brand} app" NEAR/3 (crash OR crashes OR broken) OR ${brand}support`,
  ];
  return Array.from({ length: count }, (_, index) => {
    const brand = random() < 0.5 ? pick(realWords, inventedName()) : inventedName();
    const template = templates[index % templates.length];
    return template === undefined ? brand : template(brand);
  });
}

export function runMatcherBenchmark(options: MatcherBenchmarkOptions): MatcherBenchmarkResult {
  const random = seededRandom(42);
  const texts = options.data === undefined ? generatePosts(random, GENERATED_POSTS) : loadPostTexts(options.data);
  const posts: MatchablePost[] = texts.map((text) => ({ text, lang: 'en', platform: 'twitter' }));
  const queries = generateQueries(texts, options.queries, random);

  const compileStart = performance.now();
  const matcher = compileBrandQueries(queries.map((query, index) => ({ id: `brand-${index}`, query })));
  const compileMilliseconds = performance.now() - compileStart;

  let matches = 0;
  let matchedPosts = 0;
  for (const post of posts) {
    const brands = matcher.match(post);
    matches += brands.length;
    if (brands.length > 0) matchedPosts += 1;
  }

  let processed = 0;
  const timedStart = performance.now();
  let elapsed = 0;
  while (elapsed < MIN_TIMED_MILLISECONDS) {
    for (const post of posts) matcher.match(post);
    processed += posts.length;
    elapsed = performance.now() - timedStart;
  }

  return {
    postsPerSecond: Math.round((processed / elapsed) * 1000),
    posts: posts.length,
    queries: queries.length,
    matches,
    matchedPosts,
    compileMilliseconds: Math.round(compileMilliseconds),
  };
}

function main(): void {
  const { values } = parseArgs({ options: { data: { type: 'string' }, queries: { type: 'string', default: '1000' } } });
  const queries = Number(values.queries);
  if (!Number.isInteger(queries) || queries < 1) throw new Error(`--queries must be a positive integer, got ${values.queries}`);
  const result = runMatcherBenchmark(values.data === undefined ? { queries } : { data: values.data, queries });
  console.table({
    data: values.data ?? `generated (${GENERATED_POSTS} posts)`,
    posts: result.posts,
    queries: result.queries,
    'compile (ms)': result.compileMilliseconds,
    'matched (post, brand) pairs': result.matches,
    'posts with a match': result.matchedPosts,
    'posts/s (one core)': result.postsPerSecond,
    'µs/post': Number((1e6 / result.postsPerSecond).toFixed(2)),
  });
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) main();
