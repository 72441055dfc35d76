import { MentionSchema, type Mention, type MentionInput, type Sentiment } from '@earshot/domain';
import { compileClassifierRules, type ClassifierRules, type SentimentScorer } from '../src/index.js';

export const NOON = Date.parse('2026-11-02T12:00:00.000Z');

let sequence = 0;

/** A post on X addressed to nobody in particular, posted at noon; override what the test is about. */
export function post(text: string, overrides: Partial<MentionInput> = {}): Mention {
  sequence += 1;
  return MentionSchema.parse({
    platform: 'x',
    externalId: `19000000000${sequence}`,
    text,
    lang: 'en',
    author: { handle: `person${sequence}`, followers: 150 },
    createdAt: new Date(NOON).toISOString(),
    matchedBrands: ['acme'],
    ...overrides,
  });
}

export const ACME_RULES: ClassifierRules = compileClassifierRules({
  brands: [
    { id: 'acme', name: 'Acme', query: 'acme OR "acme corp" OR @acme OR #acme -author:acmesupport', competitor: false },
    { id: 'globex', name: 'Globex', query: 'globex OR @globex', competitor: true },
  ],
  priorities: { P1: 80, P2: 60, P3: 30 },
  noise: { mutedAuthors: ['@DealBot'], mutedDomains: ['cheap-pills.example'], mutedWords: ['giveaway', 'free followers'] },
});

export const NEUTRAL: Sentiment = { label: 'neutral', score: 0, confidence: 0.8 };

/** A scorer that answers the same for every text: for tests about everything but sentiment. */
export function fixedSentiment(sentiment: Sentiment = NEUTRAL): SentimentScorer {
  return { version: 'fixed-test', score: () => sentiment };
}
