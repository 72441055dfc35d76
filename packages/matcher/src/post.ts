import { MAX_NEAR_DISTANCE } from './ast.js';
import { foldHandle, tokenize } from './tokenizer.js';

export interface MatchablePost {
  readonly text: string;
  readonly title?: string;
  /** BCP 47 tag such as `en` or `en-GB`. */
  readonly lang?: string;
  readonly platform?: string;
  readonly authorHandle?: string;
  /**
   * Handles the platform reports the post is addressed to (reply targets,
   * tagged accounts) that may be missing from the text; `@` optional.
   */
  readonly mentions?: ReadonlyArray<string>;
}

/**
 * Flat list of [start, end] position pairs, in increasing start order; a term
 * has at most one span per start.
 */
export type Spans = readonly number[];

/** A post tokenized once, shared by every query evaluated against it. */
export interface PreparedPost {
  readonly spansByTerm: ReadonlyMap<string, Spans>;
  readonly lang: string | undefined;
  readonly platform: string | undefined;
  readonly author: string | undefined;
}

/**
 * @param vocabulary when given, only these terms are recorded: a query can
 * only ask about its own terms, and skipping the rest of the post's words
 * saves most of the map's work.
 */
export function preparePost(post: MatchablePost, vocabulary?: ReadonlySet<string>): PreparedPost {
  const spansByTerm = new Map<string, number[]>();
  const addSpan = (term: string, start: number, end: number): void => {
    if (vocabulary !== undefined && !vocabulary.has(term)) return;
    const spans = spansByTerm.get(term);
    if (spans === undefined) spansByTerm.set(term, [start, end]);
    else spans.push(start, end);
  };
  // Segments sit more than MAX_NEAR_DISTANCE positions apart, so no phrase or
  // NEAR joins the end of the title to the start of the text.
  const segmentGap = MAX_NEAR_DISTANCE + 1;
  let position = 0;
  if (post.title !== undefined) position = tokenize(post.title, position, addSpan) + segmentGap;
  position = tokenize(post.text, position, addSpan) + segmentGap;
  for (const handle of post.mentions ?? []) {
    position = tokenize(`@${handle.replace(/^@/, '')}`, position, addSpan) + segmentGap;
  }
  return {
    spansByTerm,
    lang: post.lang?.toLowerCase(),
    platform: post.platform?.toLowerCase(),
    author: post.authorHandle === undefined ? undefined : foldHandle(post.authorHandle),
  };
}
