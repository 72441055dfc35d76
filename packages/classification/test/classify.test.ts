import { ClassificationSchema } from '@earshot/domain';
import { loadSentimentModel } from '@earshot/sentiment';
import { describe, expect, it } from 'vitest';
import { BurstIndex, categorize, classify, RULES_VERSION } from '../src/index.js';
import { ACME_RULES, NOON, post } from './helpers.js';

// The shipped model, as the service and the CLI use it.
const sentiment = loadSentimentModel();
const classifyText = (text: string, overrides: Parameters<typeof post>[1] = {}) =>
  classify(post(text, overrides), { rules: ACME_RULES, sentiment, bursts: new BurstIndex(), now: NOON + 60_000 }).classification;

describe('classify with the shipped sentiment model', () => {
  it('flips with negation: "love" is praise, "don\'t love" is a complaint with negativity as a reason', () => {
    const loved = classifyText('@acme I love the new app update');
    const notLoved = classifyText("@acme I don't love the new app update");
    expect(loved).toMatchObject({ sentiment: { label: 'positive' }, category: 'praise', priority: 'P4' });
    expect(notLoved).toMatchObject({ sentiment: { label: 'negative' }, category: 'complaint' });
    expect(notLoved.urgency.score).toBeGreaterThan(loved.urgency.score);
    expect(notLoved.urgency.reasons[0]).toMatch(/^negative \(0\.\d\d\)$/);
  });

  it('reads a negated complaint word as positive: "never had a problem"', () => {
    expect(classifyText('@acme never had a problem with my order, great service').sentiment.label).toBe('positive');
  });

  it('reads emoji: the same words with 😍 are praise, with 😡 a complaint', () => {
    expect(classifyText('@acme new update 😍😍')).toMatchObject({ sentiment: { label: 'positive' }, category: 'praise' });
    expect(classifyText('@acme new update 😡😡')).toMatchObject({ sentiment: { label: 'negative' }, category: 'complaint' });
  });

  it('scores a complaint with no sentiment word from its customer-care wording', () => {
    const result = classifyText('@acme still waiting on hold for 2 hours');
    expect(result).toMatchObject({ sentiment: { label: 'negative' }, category: 'complaint' });
    expect(result.urgency.reasons).toEqual(expect.arrayContaining(['unresolved problem', 'addresses @acme directly']));
  });

  it('keeps a plain support question a question even when the model leans negative, and a question with a complaint in it a complaint', () => {
    const question = classifyText('@acme how do I change the delivery address of my order?');
    expect(question.category).toBe('question');
    expect(question.urgency.reasons).toContain('question to @acme');
    expect(classifyText('@acme my order never arrived, where is my refund?').category).toBe('complaint');
  });

  it('produces a classification the domain schema accepts, naming the model and rules versions', () => {
    const result = classifyText('@acme where can I buy the X2 in Canada?');
    expect(ClassificationSchema.parse(result)).toEqual(result);
    expect(result.modelVersion).toBe(`${sentiment.version}+${RULES_VERSION}`);
    expect(result.category).toBe('lead');
    expect(result.classifiedAt).toBe(new Date(NOON + 60_000).toISOString());
  });
});

describe('category of a question the model calls negative', () => {
  const mention = { author: { handle: 'someone', followers: 150 }, engagement: {} };
  const negative = (confidence: number) => ({ label: 'negative' as const, score: -confidence, confidence });

  it('is a question below 80 % confidence and a complaint from there on', () => {
    expect(categorize({ mention, sentiment: negative(0.79), cues: [], question: true })).toBe('question');
    expect(categorize({ mention, sentiment: negative(0.8), cues: [], question: true })).toBe('complaint');
  });

  it('is a complaint whatever the confidence when it carries a complaint cue, and a negative statement stays a complaint', () => {
    expect(categorize({ mention, sentiment: negative(0.55), cues: ['refund'], question: true })).toBe('complaint');
    expect(categorize({ mention, sentiment: negative(0.55), cues: [], question: false })).toBe('complaint');
  });
});
