/**
 * A parsed query. Terms are stored folded (lower-case, accents removed) in
 * the form a post's tokenizer produces them: `acme`, `#acme`, `@acme`.
 */
export type QueryNode = TermNode | PhraseNode | AndNode | OrNode | NotNode | NearNode | FilterNode;

/** What `NEAR/n` can measure distances between: words, phrases, and OR-groups or NEARs of them. */
export type PositionalNode = TermNode | PhraseNode | NearNode | PositionalOrNode;

export interface TermNode {
  readonly kind: 'term';
  readonly term: string;
}

/** Two or more terms on consecutive positions. */
export interface PhraseNode {
  readonly kind: 'phrase';
  readonly terms: readonly string[];
}

export interface AndNode {
  readonly kind: 'and';
  readonly operands: readonly QueryNode[];
}

export interface OrNode {
  readonly kind: 'or';
  readonly operands: readonly QueryNode[];
}

export interface PositionalOrNode {
  readonly kind: 'or';
  readonly operands: readonly PositionalNode[];
}

export interface NotNode {
  readonly kind: 'not';
  readonly operand: QueryNode;
}

/** Both sides occur, without overlapping, with at most `distance` other terms between them, in either order. */
export interface NearNode {
  readonly kind: 'near';
  readonly distance: number;
  readonly left: PositionalNode;
  readonly right: PositionalNode;
}

export type FilterField = 'lang' | 'platform' | 'author';

export interface FilterNode {
  readonly kind: 'filter';
  readonly field: FilterField;
  /** Lower-case; for `author` without the leading `@`. */
  readonly value: string;
}

/**
 * Largest n accepted in `NEAR/n`. The segments of a post (title, text) are
 * placed further apart than this, so no phrase or NEAR spans two of them.
 */
export const MAX_NEAR_DISTANCE = 100;
