// Distant supervision for posts aimed at brands. The SemEval training data
// is mostly about celebrities, products and news; customer-care posts
// ("@acme app keeps crashing 😡") are rare in it. Unlabelled care posts whose
// polar emoji and emoticons all point one way take that label, and those
// marks are then cut out of the post (replaced by a clause break, so no
// bigram spans the gap): the model learns from the words that came with
// them, not from the marks, which it already reads through the lexicon.
// Used only by the training script; the posts never reach the tests.

import type { SentimentLabel } from './labels.js';
import { lexiconScore } from './lexicon.js';
import { clauseBreak, tokenize, type Token } from './normalize.js';

export interface TokenisedExample {
  label: SentimentLabel;
  tokens: readonly Token[];
}

/**
 * The post labelled by its polar emoji/emoticons, without them; undefined
 * when it has none, or has both positive and negative ones.
 */
export function emojiLabelledExample(text: string): TokenisedExample | undefined {
  let positive = 0;
  let negative = 0;
  const tokens = tokenize(text).map((token): Token => {
    if (token.kind !== 'emoji' && token.kind !== 'emoticon') return token;
    const score = lexiconScore(token.text);
    if (score === 0) return token;
    if (score > 0) positive++;
    else negative++;
    return clauseBreak();
  });
  if ((positive > 0) === (negative > 0)) return undefined;
  return { label: positive > 0 ? 'positive' : 'negative', tokens };
}
