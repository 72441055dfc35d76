import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { BurstIndex, classify, compileClassifierRules } from '@earshot/classification';
import { loadConfig, resolveConfigPath } from '@earshot/config';
import { MentionSchema, summarizeZodError, type Mention } from '@earshot/domain';
import { compileBrandQueries, type BrandMatcher } from '@earshot/matcher';
import type { CommonEnv } from '@earshot/runtime';
import { loadSentimentModel } from '@earshot/sentiment';

/**
 * `earshot classify [--config FILE]`: one JSON line on stdout per input line
 * (plain text, or a mention as JSON) with sentiment, urgency, category and
 * priority, as the classifier would store them under this config. Lines that
 * look like JSON but are not a valid mention are reported on stderr with
 * their number and skipped (exit 1 at the end); blank lines are skipped.
 */
export async function classifyCommand(configFile: string | undefined, env: CommonEnv): Promise<number> {
  const { config } = loadConfig(resolveConfigPath(configFile ?? env.EARSHOT_CONFIG));
  const rules = compileClassifierRules(config);
  const matcher = compileBrandQueries(config.brands);
  const sentiment = loadSentimentModel();
  // Shared across lines, as in the service: a repeated text is recognised as a near-duplicate.
  const bursts = new BurstIndex();

  let lineNumber = 0;
  let rejected = 0;
  for await (const line of createInterface({ input: process.stdin, crlfDelay: Number.POSITIVE_INFINITY })) {
    lineNumber += 1;
    if (line.trim() === '') continue;
    const now = Date.now();
    const mention = readMention(line, lineNumber, now, matcher);
    if (typeof mention === 'string') {
      rejected += 1;
      process.stderr.write(`line ${lineNumber}: ${mention}\n`);
      continue;
    }
    const { classification } = classify(mention, { rules, sentiment, bursts, now });
    const { sentiment: score, urgency, category, priority } = classification;
    if (!process.stdout.write(`${JSON.stringify({ sentiment: score, urgency, category, priority })}\n`)) await once(process.stdout, 'drain');
  }
  if (rejected > 0) process.stderr.write(`skipped ${rejected} invalid line${rejected === 1 ? '' : 's'}\n`);
  return rejected > 0 ? 1 : 0;
}

/** A mention from a JSON line, or a synthetic one (platform `cli`, no reach) around plain text; a string says what is wrong. */
function readMention(line: string, lineNumber: number, now: number, matcher: BrandMatcher): Mention | string {
  if (!line.trimStart().startsWith('{')) {
    return {
      platform: 'cli',
      externalId: `line-${lineNumber}`,
      text: line,
      author: { handle: 'cli' },
      createdAt: new Date(now).toISOString(),
      engagement: {},
      matchedBrands: matcher.match({ text: line }),
    };
  }
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch (error) {
    return `not valid JSON (${(error as Error).message})`;
  }
  const parsed = MentionSchema.safeParse(json);
  if (!parsed.success) return `not a valid mention: ${summarizeZodError(parsed.error)}`;
  const mention = parsed.data;
  // Mentions recorded before brand matching (or written by hand) get the config's brands.
  if (mention.matchedBrands.length > 0) return mention;
  const matched = matcher.match({
    text: mention.text,
    authorHandle: mention.author.handle,
    platform: mention.platform,
    ...(mention.title === undefined ? {} : { title: mention.title }),
    ...(mention.lang === undefined ? {} : { lang: mention.lang }),
  });
  return { ...mention, matchedBrands: matched };
}
