import type { Category, Mention, Sentiment } from '@earshot/domain';
import type { IntentCue } from './cues.js';

/** A negative post this far-reaching or this widely shared is a PR risk, whatever it is about. */
export const PR_RISK = {
  followers: 100_000,
  shares: 100,
} as const;

/**
 * Below this confidence a negative label on a question with no complaint cue
 * is read as a question: the sentiment model is biased toward negative (for
 * recall on complaints), and plain support questions ("how do I change my
 * delivery address?") often land just over the line.
 */
export const QUESTION_OVER_WEAK_NEGATIVE = 0.8;

/** Cues that make a post a crisis on their own. */
const CRISIS_CUES: ReadonlySet<IntentCue> = new Set(['threat', 'safety', 'legal', 'security']);
/** Cues of a complaint, even without a sentiment word ("still waiting for my refund"). */
const COMPLAINT_CUES: ReadonlySet<IntentCue> = new Set(['refund', 'chargeback', 'cancel', 'fraud', 'outage', 'breakage', 'unresolved']);

export interface CategoryInput {
  mention: Pick<Mention, 'author' | 'engagement'>;
  sentiment: Sentiment;
  cues: readonly IntentCue[];
  question: boolean;
}

/**
 * First rule that holds wins, most consequential first: crisis, complaint,
 * lead, question, praise, other. (Spam is decided by the noise rules before
 * this is asked.)
 */
export function categorize({ mention, sentiment, cues, question }: CategoryInput): Category {
  const negative = sentiment.label === 'negative';
  const positive = sentiment.label === 'positive';
  const { reposts = 0, quotes = 0 } = mention.engagement;

  if (cues.some((cue) => CRISIS_CUES.has(cue))) return 'crisis';
  if (negative && (cues.includes('viral') || (mention.author.followers ?? 0) >= PR_RISK.followers || reposts + quotes >= PR_RISK.shares)) return 'crisis';
  const complaintCue = cues.some((cue) => COMPLAINT_CUES.has(cue));
  const plainQuestion = question && !complaintCue && sentiment.confidence < QUESTION_OVER_WEAK_NEGATIVE;
  if ((negative && !plainQuestion) || (!positive && complaintCue)) return 'complaint';
  if (cues.includes('purchase')) return 'lead';
  if (question || cues.includes('support')) return 'question';
  if (positive) return 'praise';
  return 'other';
}
