/**
 * Category and priority distribution on real customer tweets, and a seeded
 * random sample to check by hand.
 *
 *   pnpm exec tsx packages/classification/scripts/measure-categories.ts --data twcs.csv [--sample 60] [--seed 1]
 *
 * Data: the "Customer Support on Twitter" CSV layout (tweet_id, author_id,
 * inbound, created_at, text). Inbound tweets are classified; the brands are
 * the accounts that answer them (outbound authors), each with the query
 * `@handle`, so "addresses the brand" works as it would in production.
 */
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { CATEGORIES, MentionSchema, PRIORITIES, type Category, type Priority } from '@earshot/domain';
import { compileBrandQueries } from '@earshot/matcher';
import { parseCsv } from '@earshot/matcher/bench';
import { loadSentimentModel } from '@earshot/sentiment';
import { BurstIndex, classify, compileClassifierRules } from '../src/index.js';

const { values } = parseArgs({ options: { data: { type: 'string' }, sample: { type: 'string', default: '60' }, seed: { type: 'string', default: '1' } } });
if (values.data === undefined) throw new Error('--data PATH is required (twcs-style CSV)');

const [header, ...rows] = parseCsv(readFileSync(values.data, 'utf8'));
const column = (name: string) => {
  const index = header?.indexOf(name) ?? -1;
  if (index < 0) throw new Error(`${values.data}: no "${name}" column`);
  return index;
};
const [idColumn, authorColumn, inboundColumn, createdColumn, textColumn] = ['tweet_id', 'author_id', 'inbound', 'created_at', 'text'].map(column) as [number, number, number, number, number];

const brandHandles = [...new Set(rows.filter((row) => row[inboundColumn] === 'False').map((row) => row[authorColumn]!.toLowerCase()))];
const brands = brandHandles.map((handle) => ({ id: handle.replace(/[^a-z0-9_-]/g, '_'), name: handle, query: `@${handle}`, competitor: false }));
const rules = compileClassifierRules({ brands, priorities: { P1: 80, P2: 60, P3: 30 }, noise: { mutedAuthors: [], mutedDomains: [], mutedWords: [] } });
const matcher = compileBrandQueries(brands);
const sentiment = loadSentimentModel();
const bursts = new BurstIndex();

const inbound = rows.filter((row) => row[inboundColumn] === 'True' && (row[textColumn] ?? '') !== '');
const categories = Object.fromEntries(CATEGORIES.map((category) => [category, 0])) as Record<Category, number>;
const priorities = Object.fromEntries(PRIORITIES.map((priority) => [priority, 0])) as Record<Priority, number>;
const results = inbound.map((row) => {
  const createdAt = new Date(row[createdColumn]!);
  const text = row[textColumn]!;
  const mention = MentionSchema.parse({
    platform: 'x',
    externalId: row[idColumn],
    text,
    author: { handle: row[authorColumn] },
    createdAt: createdAt.toISOString(),
    matchedBrands: matcher.match({ text }),
  });
  const { classification, burstOf } = classify(mention, { rules, sentiment, bursts, now: createdAt.getTime() + 10 * 60_000 });
  categories[classification.category] += 1;
  priorities[classification.priority] += 1;
  return { text, classification, burstOf };
});

const percent = (count: number) => `${((100 * count) / results.length).toFixed(1)}%`;
console.log(`${results.length} inbound tweets, ${brands.length} brand accounts`);
console.table(Object.fromEntries(CATEGORIES.map((category) => [category, { count: categories[category], share: percent(categories[category]) }])));
console.table(Object.fromEntries(PRIORITIES.map((priority) => [priority, { count: priorities[priority], share: percent(priorities[priority]) }])));
console.log(`near-duplicates: ${results.filter((result) => result.burstOf !== null).length}`);

// mulberry32, so the same seed gives the same sample to check again after a change.
let state = Number(values.seed);
const random = () => {
  state = (state + 0x6d2b79f5) | 0;
  let value = Math.imul(state ^ (state >>> 15), 1 | state);
  value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
  return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
};
const picked = new Set<number>();
while (picked.size < Math.min(Number(values.sample), results.length)) picked.add(Math.floor(random() * results.length));
console.log('\nsample (category, priority, urgency, sentiment, text):');
for (const index of [...picked].sort((a, b) => a - b)) {
  const { classification: c, text } = results[index]!;
  console.log(`${String(index).padStart(4)} ${c.category.padEnd(9)} ${c.priority} ${String(c.urgency.score).padStart(3)} ${c.sentiment.label.padEnd(8)} ${text.replace(/\s+/g, ' ').slice(0, 140)}`);
}
