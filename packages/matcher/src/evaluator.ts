import type { FilterNode, NearNode, PositionalNode, QueryNode } from './ast.js';
import type { PreparedPost, Spans } from './post.js';

const NO_SPANS: Spans = [];
const HYPHEN = 0x2d;

export function evaluate(node: QueryNode, post: PreparedPost): boolean {
  switch (node.kind) {
    case 'term':
      return post.spansByTerm.has(node.term);
    case 'phrase':
      return node.terms.every((term) => post.spansByTerm.has(term)) && phraseSpans(node.terms, post).length > 0;
    case 'and':
      return node.operands.every((operand) => evaluate(operand, post));
    case 'or':
      return node.operands.some((operand) => evaluate(operand, post));
    case 'not':
      return !evaluate(node.operand, post);
    case 'near':
      return nearSpans(node, post).length > 0;
    case 'filter':
      return matchesFilter(node, post);
  }
}

function matchesFilter(filter: FilterNode, post: PreparedPost): boolean {
  switch (filter.field) {
    case 'lang': {
      // `en` covers `en-GB`, not `eng`.
      const lang = post.lang;
      return (
        lang !== undefined &&
        lang.startsWith(filter.value) &&
        (lang.length === filter.value.length || lang.charCodeAt(filter.value.length) === HYPHEN)
      );
    }
    case 'platform':
      return post.platform === filter.value;
    case 'author':
      return post.author === filter.value;
  }
}

function spansOf(node: PositionalNode, post: PreparedPost): Spans {
  switch (node.kind) {
    case 'term':
      return post.spansByTerm.get(node.term) ?? NO_SPANS;
    case 'phrase':
      return phraseSpans(node.terms, post);
    case 'or':
      return node.operands.flatMap((operand) => spansOf(operand, post));
    case 'near':
      return nearSpans(node, post);
  }
}

/** Index of the span of `spans` that starts at `start`, or -1. */
function spanStartingAt(spans: Spans, start: number): number {
  for (let index = 0; index < spans.length; index += 2) {
    if (spans[index] === start) return index;
  }
  return -1;
}

/** End of the phrase whose first term ends at `firstEnd`, or -1 when the other terms do not follow on. */
function phraseEnd(firstEnd: number, nextTerms: readonly string[], post: PreparedPost): number {
  let end = firstEnd;
  for (const term of nextTerms) {
    const spans = post.spansByTerm.get(term) ?? NO_SPANS;
    const next = spanStartingAt(spans, end + 1);
    if (next < 0) return -1;
    end = spans[next + 1]!;
  }
  return end;
}

function phraseSpans(terms: readonly string[], post: PreparedPost): Spans {
  const [firstTerm, ...nextTerms] = terms;
  const firstSpans = firstTerm === undefined ? undefined : post.spansByTerm.get(firstTerm);
  if (firstSpans === undefined) return NO_SPANS;
  const found: number[] = [];
  for (let index = 0; index < firstSpans.length; index += 2) {
    const end = phraseEnd(firstSpans[index + 1]!, nextTerms, post);
    if (end >= 0) found.push(firstSpans[index]!, end);
  }
  return found;
}

function nearSpans(node: NearNode, post: PreparedPost): Spans {
  const left = spansOf(node.left, post);
  if (left.length === 0) return NO_SPANS;
  const right = spansOf(node.right, post);
  const found: number[] = [];
  for (let i = 0; i < left.length; i += 2) {
    const leftStart = left[i]!;
    const leftEnd = left[i + 1]!;
    for (let j = 0; j < right.length; j += 2) {
      const rightStart = right[j]!;
      const rightEnd = right[j + 1]!;
      // Terms strictly between the two spans; overlapping spans (one term
      // counted for both sides) never satisfy NEAR.
      const between = leftEnd < rightStart ? rightStart - leftEnd - 1 : rightEnd < leftStart ? leftStart - rightEnd - 1 : -1;
      if (between >= 0 && between <= node.distance) {
        found.push(Math.min(leftStart, rightStart), Math.max(leftEnd, rightEnd));
      }
    }
  }
  return found;
}
