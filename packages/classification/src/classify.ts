import type { EarshotConfig } from '@earshot/config';
import { mentionId, type Classification, type Mention, type Sentiment } from '@earshot/domain';
import { addressedHandle, brandHandles } from './brands.js';
import { readMention, type BurstIndex, type MentionReading } from './bursts.js';
import { categorize } from './category.js';
import { detectCues, isQuestion } from './cues.js';
import { compileNoiseRules, SPAM_LIMITS, spamReasons, type NoiseRules } from './noise.js';
import { priorityFor, type PriorityThresholds } from './priority.js';
import type { NegativeMention } from './spikes.js';
import { scoreUrgency } from './urgency.js';

/**
 * Version of the rules in this package (cues, urgency points, categories,
 * noise); it goes into each classification's `modelVersion` beside the
 * sentiment model's, so a stored verdict says what produced it.
 */
export const RULES_VERSION = 'rules-2026.11.2';

/** What the classifier needs from a sentiment model (`@earshot/sentiment`'s shipped model, or its baseline). */
export interface SentimentScorer {
  readonly version: string;
  score(text: string): Sentiment;
}

/** The parts of the config classification reads, compiled once per config load. */
export interface ClassifierRules {
  readonly handlesByBrand: ReadonlyMap<string, readonly string[]>;
  readonly priorities: PriorityThresholds;
  readonly noise: NoiseRules;
}

export function compileClassifierRules(config: Pick<EarshotConfig, 'brands' | 'priorities' | 'noise'>): ClassifierRules {
  return { handlesByBrand: brandHandles(config.brands), priorities: config.priorities, noise: compileNoiseRules(config.noise) };
}

export interface ClassifyContext {
  readonly rules: ClassifierRules;
  readonly sentiment: SentimentScorer;
  /** Recent mentions, for near-duplicates and copy-paste spam; `classify` adds every mention it keeps. */
  readonly bursts: BurstIndex;
  /** Epoch ms: the classification time, and the end of the engagement-velocity interval. */
  readonly now: number;
}

export interface MentionVerdict {
  readonly classification: Classification;
  /** Spam is stored but never handed to people. */
  readonly spam: boolean;
  /** The first mention of the burst this one is a near-duplicate of. */
  readonly burstOf: string | null;
}

/**
 * The sentiment model reads social posts; for a long article, its title and
 * opening say what it is about, and scoring them keeps the cost per mention flat.
 */
const SENTIMENT_TEXT_CHARS = 1_000;

/**
 * Sentiment, urgency with reasons, category and priority for one mention;
 * spam and near-duplicates recognised. `reading`: the mention's
 * `readMention`, when the caller has it already.
 */
export function classify(mention: Mention, context: ClassifyContext, reading: MentionReading = readMention(mention)): MentionVerdict {
  const id = mentionId(mention);
  const { text, keys } = reading;
  const match = context.bursts.match(id, keys, mention.author.handle, context.now);
  const sentimentText = mention.title === undefined ? mention.text : `${mention.title}\n${mention.text}`;
  const sentiment = context.sentiment.score(sentimentText.length > SENTIMENT_TEXT_CHARS ? sentimentText.slice(0, SENTIMENT_TEXT_CHARS) : sentimentText);
  const version = modelVersion(context.sentiment.version);
  const classifiedAt = isoTime(context.now);

  const addressed = addressedHandle(mention, text.handles, context.rules.handlesByBrand);
  const spam = spamReasons(mention, text, context.rules.noise, addressed !== null);
  if (match.copiesByOtherAuthors >= SPAM_LIMITS.copiesFromOtherAuthors) spam.push(`same text as ${match.copiesByOtherAuthors} other accounts`);
  // Object literals rather than spreading a shared base: a spread costs more than the rest of the verdict.
  if (spam.length > 0) {
    return {
      classification: { sentiment, modelVersion: version, classifiedAt, urgency: { score: 0, reasons: spam }, category: 'spam', priority: 'P4' },
      spam: true,
      burstOf: null,
    };
  }

  const cues = detectCues(text.lead);
  const question = isQuestion(text.lead);
  const urgency = scoreUrgency({ mention, sentiment, cues, addressed, question, now: context.now });
  const category = categorize({ mention, sentiment, cues, question });
  context.bursts.add(id, keys, mention.author.handle, match.burstOf, context.now);
  return {
    classification: { sentiment, modelVersion: version, classifiedAt, urgency, category, priority: priorityFor(urgency.score, context.rules.priorities) },
    spam: false,
    burstOf: match.burstOf,
  };
}

/** One sentiment model per process: the combined version string is built once, not per mention. */
let lastSentimentVersion: string | null = null;
let lastModelVersion = '';
function modelVersion(sentimentVersion: string): string {
  if (sentimentVersion !== lastSentimentVersion) {
    lastModelVersion = `${sentimentVersion}+${RULES_VERSION}`;
    lastSentimentVersion = sentimentVersion;
  }
  return lastModelVersion;
}

/** A batch shares one `now`: its ISO spelling is computed once. */
let lastTime = Number.NaN;
let lastIso = '';
function isoTime(epochMs: number): string {
  if (epochMs !== lastTime) {
    lastIso = new Date(epochMs).toISOString();
    lastTime = epochMs;
  }
  return lastIso;
}

/** What the spike detector needs from a kept, negative mention; null for anything else. */
export function spikeInput(mention: Mention, verdict: MentionVerdict): NegativeMention | null {
  if (verdict.spam || verdict.classification.sentiment.label !== 'negative' || mention.matchedBrands.length === 0) return null;
  const negative: NegativeMention = {
    mentionId: mentionId(mention),
    brandIds: mention.matchedBrands,
    createdAt: mention.createdAt,
    urgency: verdict.classification.urgency.score,
    text: mention.title === undefined ? mention.text : `${mention.title}: ${mention.text}`,
    authorHandle: mention.author.handle,
  };
  // Assigned rather than spread in: spreading conditional objects costs more than building the rest.
  if (mention.url !== undefined) negative.url = mention.url;
  if (mention.author.followers !== undefined) negative.followers = mention.author.followers;
  return negative;
}
