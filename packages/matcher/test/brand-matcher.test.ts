import { describe, expect, it } from 'vitest';
import { QuerySyntaxError, compileBrandQueries, parseQuery, type MatchablePost } from '../src/index.js';
import { evaluate } from '../src/evaluator.js';
import { preparePost } from '../src/post.js';

describe('compileBrandQueries', () => {
  const matcher = compileBrandQueries([
    { id: 'acme', query: 'acme OR "acme corp" OR @acme OR #acme' },
    { id: 'globex', query: 'globex AND (broken OR refund)' },
    { id: 'initech', query: '"late delivery" NEAR/5 initech' },
    { id: 'reddit-all', query: 'platform:reddit' },
    { id: 'not-spam', query: 'NOT spam' },
  ]);

  it('returns every matching brand, in the order the brands were given', () => {
    const post = { text: 'Globex refund? @acme had a late delivery, and initech too', platform: 'reddit' };
    expect(matcher.match(post)).toEqual(['acme', 'globex', 'initech', 'reddit-all', 'not-spam']);
  });

  it('returns only the brands that match', () => {
    expect(matcher.match({ text: 'spam from globex', platform: 'x' })).toEqual([]);
    expect(matcher.match({ text: '#Acme is down', platform: 'x' })).toEqual(['acme', 'not-spam']);
  });

  it('returns a brand with several queries once, when any of them matches', () => {
    const multi = compileBrandQueries([
      { id: 'acme', query: 'acme' },
      { id: 'globex', query: 'globex' },
      { id: 'acme', query: '"acme corp"' },
    ]);
    expect(multi.match({ text: 'acme corp and globex' })).toEqual(['acme', 'globex']);
    expect(multi.match({ text: 'globex' })).toEqual(['globex']);
  });

  it('matches nothing without brands', () => {
    expect(compileBrandQueries([]).match({ text: 'acme' })).toEqual([]);
  });

  it('names the brand whose query does not parse', () => {
    const compile = () =>
      compileBrandQueries([
        { id: 'acme', query: 'acme' },
        { id: 'globex', query: 'globex AND (broken' },
      ]);
    expect(compile).toThrow(QuerySyntaxError);
    expect(compile).toThrow('brand "globex": expected ")" at column 19 to close "(" at column 12');
    try {
      compile();
    } catch (error) {
      expect(error).toMatchObject({ brandId: 'globex', column: 19 });
    }
  });
});

/** Deterministic pseudo-random numbers (mulberry32) so a failure can be reproduced. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let value = Math.imul(state ^ (state >>> 15), 1 | state);
    value = (value + Math.imul(value ^ (value >>> 7), 61 | value)) ^ value;
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

describe('inverted index', () => {
  // A small vocabulary so that generated queries and posts share many words.
  const words = ['acme', 'globex', 'broken', 'refund', 'late', 'delivery', 'app', 'café', 'cafe', '任天堂', 'corp'];
  const random = seededRandom(20_240_601);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

  const positionalQuery = (depth: number): string => {
    const roll = random();
    if (depth <= 0 || roll < 0.4) return pick(['', '', '#', '@']) + pick(words);
    if (roll < 0.6) return `"${pick(words)} ${pick(words)}"`;
    if (roll < 0.8) return `(${positionalQuery(depth - 1)} OR ${positionalQuery(depth - 1)})`;
    return `(${positionalQuery(depth - 1)} NEAR/${Math.floor(random() * 4)} ${positionalQuery(depth - 1)})`;
  };

  const anyQuery = (depth: number): string => {
    const roll = random();
    if (depth <= 0 || roll < 0.35) return positionalQuery(1);
    if (roll < 0.5) return `${anyQuery(depth - 1)} ${anyQuery(depth - 1)}`;
    if (roll < 0.65) return `(${anyQuery(depth - 1)} OR ${anyQuery(depth - 1)})`;
    if (roll < 0.75) return `${anyQuery(depth - 1)} AND ${anyQuery(depth - 1)}`;
    if (roll < 0.85) return `${anyQuery(depth - 1)} NOT ${anyQuery(depth - 1)}`;
    if (roll < 0.9) return `-${positionalQuery(0)}`;
    return pick(['lang:en', 'platform:reddit', 'author:acme', 'NOT platform:x']);
  };

  const post = (): MatchablePost => {
    const text = Array.from({ length: 1 + Math.floor(random() * 12) }, () => pick(['', '', '', '#', '@']) + pick(words)).join(
      pick([' ', ' ', ', ', '😡']),
    );
    return {
      text,
      ...(random() < 0.3 ? { title: pick(words) } : {}),
      lang: pick(['en', 'en-GB', 'de']),
      platform: pick(['x', 'reddit']),
      authorHandle: pick(['acme', 'someone']),
    };
  };

  it('returns exactly what evaluating every query on its own returns', () => {
    const brands = Array.from({ length: 200 }, (_, index) => ({ id: `brand-${index}`, query: anyQuery(3) }));
    const posts = Array.from({ length: 400 }, post);
    const matcher = compileBrandQueries(brands);
    const parsed = brands.map((brand) => ({ id: brand.id, node: parseQuery(brand.query) }));

    let matchedPairs = 0;
    for (const candidate of posts) {
      const prepared = preparePost(candidate);
      const expected = parsed.filter((brand) => evaluate(brand.node, prepared)).map((brand) => brand.id);
      expect(matcher.match(candidate), `${JSON.stringify(candidate)}`).toEqual(expected);
      matchedPairs += expected.length;
    }
    // The comparison means something only if queries both match and miss.
    expect(matchedPairs).toBeGreaterThan(posts.length);
    expect(matchedPairs).toBeLessThan(posts.length * brands.length * 0.9);
  });
});
