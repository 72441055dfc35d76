import { anchorTerms, queryTerms } from './anchors.js';
import type { QueryNode } from './ast.js';
import { QuerySyntaxError } from './errors.js';
import { evaluate } from './evaluator.js';
import { parseQuery } from './parser.js';
import { preparePost, type MatchablePost } from './post.js';

export interface BrandQuery {
  readonly id: string;
  readonly query: string;
}

export interface BrandMatcher {
  /** Ids of the brands whose query matches, once each, in the order the brands were given. */
  match(post: MatchablePost): string[];
}

interface CompiledQuery {
  readonly node: QueryNode;
  /** Index into the distinct brand ids. */
  readonly brand: number;
}

function parseBrandQuery(brand: BrandQuery): QueryNode {
  try {
    return parseQuery(brand.query);
  } catch (error) {
    if (error instanceof QuerySyntaxError) {
      throw new QuerySyntaxError(`brand "${brand.id}": ${error.message}`, error.column, brand.id);
    }
    throw error;
  }
}

/**
 * Compiles every brand's query once (per config load). A brand id given
 * several times matches when any of its queries does. Throws
 * `QuerySyntaxError` (with `brandId`) for the first invalid query.
 */
export function compileBrandQueries(brands: ReadonlyArray<BrandQuery>): BrandMatcher {
  const brandIds: string[] = [];
  const brandIndexById = new Map<string, number>();
  const queries: CompiledQuery[] = brands.map((brand) => {
    let brandIndex = brandIndexById.get(brand.id);
    if (brandIndex === undefined) {
      brandIndex = brandIds.push(brand.id) - 1;
      brandIndexById.set(brand.id, brandIndex);
    }
    return { node: parseBrandQuery(brand), brand: brandIndex };
  });

  const vocabulary = new Set(queries.flatMap((query) => queryTerms(query.node)));
  const queriesByAnchor = new Map<string, number[]>();
  const alwaysEvaluated: number[] = [];
  queries.forEach((query, queryIndex) => {
    const anchors = anchorTerms(query.node);
    if (anchors === null) {
      alwaysEvaluated.push(queryIndex);
      return;
    }
    for (const anchor of anchors) {
      const posting = queriesByAnchor.get(anchor);
      if (posting === undefined) queriesByAnchor.set(anchor, [queryIndex]);
      else posting.push(queryIndex);
    }
  });

  // Per-call "already seen" marks without clearing arrays: an entry counts as
  // set only when it equals the current call's stamp.
  const queryStamps = new Uint32Array(queries.length);
  const brandStamps = new Uint32Array(brandIds.length);
  let stamp = 0;

  return {
    match(post) {
      stamp += 1;
      if (stamp === 0xffffffff) {
        queryStamps.fill(0);
        brandStamps.fill(0);
        stamp = 1;
      }
      const prepared = preparePost(post, vocabulary);
      const matchedBrands: number[] = [];
      const evaluateOnce = (queryIndex: number): void => {
        if (queryStamps[queryIndex] === stamp) return;
        queryStamps[queryIndex] = stamp;
        const query = queries[queryIndex]!;
        if (brandStamps[query.brand] === stamp || !evaluate(query.node, prepared)) return;
        brandStamps[query.brand] = stamp;
        matchedBrands.push(query.brand);
      };
      for (const term of prepared.spansByTerm.keys()) {
        const posting = queriesByAnchor.get(term);
        if (posting !== undefined) for (const queryIndex of posting) evaluateOnce(queryIndex);
      }
      for (const queryIndex of alwaysEvaluated) evaluateOnce(queryIndex);
      return matchedBrands.sort((a, b) => a - b).map((brand) => brandIds[brand]!);
    },
  };
}
