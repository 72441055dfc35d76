/** The three classes, in the order used by the model's weight columns. */
export const SENTIMENT_LABELS = ['negative', 'neutral', 'positive'] as const;

export type SentimentLabel = (typeof SENTIMENT_LABELS)[number];

/** What every scorer in this package returns for one text. */
export interface SentimentResult {
  label: SentimentLabel;
  /** Polarity in [-1, 1]; for the model p(positive) − p(negative). */
  score: number;
  /** Belief in `label`, in [0, 1]; for the model p(label). */
  confidence: number;
}

export function isSentimentLabel(value: string): value is SentimentLabel {
  return value === 'negative' || value === 'neutral' || value === 'positive';
}

export function labelIndex(label: SentimentLabel): 0 | 1 | 2 {
  return label === 'negative' ? 0 : label === 'neutral' ? 1 : 2;
}
