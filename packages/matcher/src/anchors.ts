import type { QueryNode } from './ast.js';

/**
 * Terms at least one of which must occur in a post for `node` to match, or
 * null when it can match a post containing none of its terms (NOT, filters).
 * Used as keys of the inverted index: a query is evaluated only for posts
 * containing one of its anchors.
 */
export function anchorTerms(node: QueryNode): readonly string[] | null {
  switch (node.kind) {
    case 'term':
      return [node.term];
    case 'phrase':
      return [longest(node.terms)];
    case 'and':
      return mostSelective(node.operands.map(anchorTerms));
    case 'near':
      return mostSelective([anchorTerms(node.left), anchorTerms(node.right)]);
    case 'or': {
      const union = new Set<string>();
      for (const operand of node.operands) {
        const anchors = anchorTerms(operand);
        if (anchors === null) return null;
        for (const anchor of anchors) union.add(anchor);
      }
      return [...union];
    }
    case 'not':
    case 'filter':
      return null;
  }
}

/** Every term a query mentions, under NOT included. */
export function queryTerms(node: QueryNode): string[] {
  switch (node.kind) {
    case 'term':
      return [node.term];
    case 'phrase':
      return [...node.terms];
    case 'and':
    case 'or':
      return node.operands.flatMap(queryTerms);
    case 'not':
      return queryTerms(node.operand);
    case 'near':
      return [...queryTerms(node.left), ...queryTerms(node.right)];
    case 'filter':
      return [];
  }
}

/** Longer words are rarer, so they make a posting list shorter. */
function longest(terms: readonly string[]): string {
  return terms.reduce((best, term) => (term.length > best.length ? term : best), '');
}

function shortestLength(terms: readonly string[]): number {
  return Math.min(...terms.map((term) => term.length));
}

/** Of several sets that are all required, the one likely to select the fewest posts: fewest terms, then longest. */
function mostSelective(candidates: ReadonlyArray<readonly string[] | null>): readonly string[] | null {
  let best: readonly string[] | null = null;
  for (const candidate of candidates) {
    if (candidate === null) continue;
    const isBetter =
      best === null ||
      candidate.length < best.length ||
      (candidate.length === best.length && shortestLength(candidate) > shortestLength(best));
    if (isBetter) best = candidate;
  }
  return best;
}
