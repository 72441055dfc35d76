export type {
  AndNode,
  FilterField,
  FilterNode,
  NearNode,
  NotNode,
  OrNode,
  PhraseNode,
  PositionalNode,
  PositionalOrNode,
  QueryNode,
  TermNode,
} from './ast.js';
export { MAX_NEAR_DISTANCE } from './ast.js';
export { compileBrandQueries, type BrandMatcher, type BrandQuery } from './brand-matcher.js';
export { QuerySyntaxError } from './errors.js';
export { checkQuery, parseQuery, type QueryProblem } from './parser.js';
export type { MatchablePost } from './post.js';
