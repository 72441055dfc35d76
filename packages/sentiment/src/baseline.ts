// The plain `sentiment` package (AFINN-165 + its emoji table, its own
// tokeniser and one-word negation), with nothing added: the reference the
// trained model is compared with.

import Sentiment from 'sentiment';
import type { SentimentResult } from './labels.js';

const analyzer = new Sentiment();

/** AFINN points that map to a polarity of tanh(1) ≈ 0.76: one strong word. */
const SCORE_SCALE = 5;

/**
 * Label from the sign of the package's AFINN sum (0 → neutral). `score` is
 * that sum squashed into [−1, 1]; `confidence` is a heuristic (0.5 for a
 * neutral verdict, rising with |score|), not a calibrated probability.
 */
export function baselineSentiment(text: string): SentimentResult {
  const { score: points } = analyzer.analyze(text);
  const score = Math.tanh(points / SCORE_SCALE);
  if (points > 0) return { label: 'positive', score, confidence: 0.5 + score / 2 };
  if (points < 0) return { label: 'negative', score, confidence: 0.5 - score / 2 };
  return { label: 'neutral', score: 0, confidence: 0.5 };
}
