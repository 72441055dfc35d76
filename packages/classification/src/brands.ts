import type { BrandConfig } from '@earshot/config';
import type { Mention } from '@earshot/domain';
import { parseQuery, type QueryNode } from '@earshot/matcher';
import { foldHandle } from './text.js';

/**
 * The brands' own account handles, read from their queries: `@acme` terms
 * (people addressing the brand) and negated `author:` filters (the brand's own
 * posts left out, as in `acme -author:acme`). The config has no separate
 * handle field, and the query is where people already write them.
 */
export function brandHandles(brands: ReadonlyArray<Pick<BrandConfig, 'id' | 'query'>>): ReadonlyMap<string, readonly string[]> {
  const handlesByBrand = new Map<string, string[]>();
  for (const brand of brands) {
    const handles = new Set(handlesByBrand.get(brand.id) ?? []);
    collectHandles(parseQuery(brand.query), false, handles);
    handlesByBrand.set(brand.id, [...handles]);
  }
  return handlesByBrand;
}

function collectHandles(node: QueryNode, negated: boolean, into: Set<string>): void {
  switch (node.kind) {
    case 'term':
      if (!negated && node.term.startsWith('@')) into.add(foldHandle(node.term));
      return;
    case 'filter':
      if (negated && node.field === 'author') into.add(foldHandle(node.value));
      return;
    case 'phrase':
      return;
    case 'not':
      collectHandles(node.operand, !negated, into);
      return;
    case 'near':
      collectHandles(node.left, negated, into);
      collectHandles(node.right, negated, into);
      return;
    case 'and':
    case 'or':
      for (const operand of node.operands) collectHandles(operand, negated, into);
      return;
  }
}

/**
 * The brand handle a mention is aimed at, if any: written in the text
 * (`@acme …`) or the account the post replies to (read from the reply's URL,
 * `https://x.com/acme/status/…`). Handles of the brands the mention matched
 * are preferred; with no matched brands every configured handle counts.
 */
export function addressedHandle(
  mention: Pick<Mention, 'matchedBrands' | 'inReplyTo'>,
  textHandles: readonly string[],
  handlesByBrand: ReadonlyMap<string, readonly string[]>,
): { handle: string; how: 'mention' | 'reply' } | null {
  const written = textHandles.find((handle) => isBrandHandle(handle, mention.matchedBrands, handlesByBrand));
  if (written !== undefined) return { handle: written, how: 'mention' };
  const repliedTo = replyTargetHandle(mention.inReplyTo?.url);
  if (repliedTo !== null && isBrandHandle(repliedTo, mention.matchedBrands, handlesByBrand)) return { handle: repliedTo, how: 'reply' };
  return null;
}

/** Whether `handle` belongs to one of the matched brands, or to any brand when none matched. */
function isBrandHandle(handle: string, matchedBrands: readonly string[], handlesByBrand: ReadonlyMap<string, readonly string[]>): boolean {
  if (matchedBrands.length === 0) {
    for (const handles of handlesByBrand.values()) if (handles.includes(handle)) return true;
    return false;
  }
  return matchedBrands.some((brandId) => handlesByBrand.get(brandId)?.includes(handle) === true);
}

/** `https://x.com/acme/status/1` → `acme`; null when the URL does not start with an account segment. */
function replyTargetHandle(url: string | undefined): string | null {
  if (url === undefined) return null;
  try {
    const first = new URL(url).pathname.split('/')[1];
    return first !== undefined && /^@?[A-Za-z0-9_]{1,50}$/.test(first) ? foldHandle(first) : null;
  } catch {
    return null;
  }
}
