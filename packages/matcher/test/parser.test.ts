import { describe, expect, it } from 'vitest';
import { QuerySyntaxError, checkQuery, parseQuery } from '../src/index.js';

const term = (text: string) => ({ kind: 'term', term: text });
const phrase = (...terms: string[]) => ({ kind: 'phrase', terms });
const and = (...operands: unknown[]) => ({ kind: 'and', operands });
const or = (...operands: unknown[]) => ({ kind: 'or', operands });
const not = (operand: unknown) => ({ kind: 'not', operand });
const near = (distance: number, left: unknown, right: unknown) => ({ kind: 'near', distance, left, right });

describe('parseQuery', () => {
  it('parses words, phrases, handles and hashtags joined by OR', () => {
    expect(parseQuery('acme OR "acme corp" OR @acme OR #acme')).toEqual(
      or(term('acme'), phrase('acme', 'corp'), term('@acme'), term('#acme')),
    );
  });

  it('parses AND with a parenthesised OR', () => {
    expect(parseQuery('acme AND (broken OR refund)')).toEqual(and(term('acme'), or(term('broken'), term('refund'))));
  });

  it('reads binary NOT as AND NOT, and -term as NOT', () => {
    expect(parseQuery('acme NOT "acme bricks"')).toEqual(and(term('acme'), not(phrase('acme', 'bricks'))));
    expect(parseQuery('acme -bricks -"acme bricks"')).toEqual(
      and(term('acme'), not(term('bricks')), not(phrase('acme', 'bricks'))),
    );
    expect(parseQuery('acme AND NOT bricks')).toEqual(and(term('acme'), not(term('bricks'))));
  });

  it('parses NEAR/n between a phrase and a word', () => {
    expect(parseQuery('"late delivery" NEAR/5 acme')).toEqual(near(5, phrase('late', 'delivery'), term('acme')));
  });

  it('parses filters, lower-casing their values', () => {
    expect(parseQuery('lang:en')).toEqual({ kind: 'filter', field: 'lang', value: 'en' });
    expect(parseQuery('Platform:Reddit')).toEqual({ kind: 'filter', field: 'platform', value: 'reddit' });
    expect(parseQuery('author:@AcmeSupport')).toEqual({ kind: 'filter', field: 'author', value: 'acmesupport' });
  });

  it('joins adjacent operands with an implicit AND', () => {
    expect(parseQuery('acme broken')).toEqual(parseQuery('acme AND broken'));
    expect(parseQuery('acme (broken OR refund) lang:en')).toEqual(
      and(term('acme'), or(term('broken'), term('refund')), { kind: 'filter', field: 'lang', value: 'en' }),
    );
  });

  it('treats lower-case or/and/not as words', () => {
    expect(parseQuery('acme or broken')).toEqual(and(term('acme'), term('or'), term('broken')));
    expect(parseQuery('not near')).toEqual(and(term('not'), term('near')));
  });

  it('treats operators inside quotes as words', () => {
    expect(parseQuery('"salt AND pepper"')).toEqual(phrase('salt', 'and', 'pepper'));
  });

  it('binds NOT tighter than NEAR, NEAR tighter than AND, AND tighter than OR', () => {
    expect(parseQuery('a OR b AND c')).toEqual(or(term('a'), and(term('b'), term('c'))));
    expect(parseQuery('a AND b OR c')).toEqual(or(and(term('a'), term('b')), term('c')));
    expect(parseQuery('a b NEAR/2 c')).toEqual(and(term('a'), near(2, term('b'), term('c'))));
    expect(parseQuery('NOT a b')).toEqual(and(not(term('a')), term('b')));
    expect(parseQuery('a NEAR/1 b NEAR/2 c')).toEqual(near(2, near(1, term('a'), term('b')), term('c')));
  });

  it('lets parentheses override precedence', () => {
    expect(parseQuery('(a OR b) AND c')).toEqual(and(or(term('a'), term('b')), term('c')));
    expect(parseQuery('NOT (a b)')).toEqual(not(and(term('a'), term('b'))));
    expect(parseQuery('(a OR "b c") NEAR/3 d')).toEqual(near(3, or(term('a'), phrase('b', 'c')), term('d')));
  });

  it('folds case and accents and splits words the way posts are split', () => {
    expect(parseQuery('"ACME Café"')).toEqual(phrase('acme', 'cafe'));
    expect(parseQuery('acme.com')).toEqual(phrase('acme', 'com'));
    expect(parseQuery("acme's")).toEqual(phrase('acme', 's'));
    expect(parseQuery('“acme corp”')).toEqual(phrase('acme', 'corp'));
  });

  it('splits a CJK term into characters and keeps a CJK hashtag whole', () => {
    expect(parseQuery('任天堂')).toEqual(phrase('任', '天', '堂'));
    expect(parseQuery('#任天堂')).toEqual(term('#任天堂'));
  });
});

describe('syntax errors', () => {
  const errorOf = (source: string): QuerySyntaxError => {
    try {
      parseQuery(source);
    } catch (error) {
      if (error instanceof QuerySyntaxError) return error;
      throw error;
    }
    throw new Error(`expected ${JSON.stringify(source)} to be rejected`);
  };

  it.each([
    ['', 1, 'empty query at column 1'],
    ['   ', 1, 'empty query at column 1'],
    ['(acme OR corp', 14, 'expected ")" at column 14 to close "(" at column 1'],
    ['acme AND (broken OR (refund)', 29, 'expected ")" at column 29 to close "(" at column 10'],
    ['acme OR "acme corp', 19, `expected '"' at column 19 to close the quote at column 9`],
    ['acme OR', 8, 'expected a term at column 8'],
    ['acme AND', 9, 'expected a term at column 9'],
    ['acme NEAR/3', 12, 'expected a term at column 12'],
    ['NOT', 4, 'expected a term at column 4'],
    ['OR acme', 1, 'expected a term but found "OR" at column 1'],
    ['acme AND OR corp', 10, 'expected a term but found "OR" at column 10'],
    ['acme)', 5, 'unexpected ")" at column 5'],
    ['()', 2, 'expected a term but found ")" at column 2'],
    ['acme NEAR/x corp', 11, 'expected a distance (a whole number) after "NEAR/" at column 11'],
    ['acme NEAR/ corp', 11, 'expected a distance (a whole number) after "NEAR/" at column 11'],
    ['acme NEAR corp', 10, 'expected "/" and a distance after NEAR (like NEAR/5) at column 10'],
    ['acme NEAR/101 corp', 11, 'NEAR distance must be at most 100 at column 11'],
    ['acme NEAR/3 -corp', 13, 'expected a word, phrase or OR-group of them for NEAR/3 at column 13'],
    ['(a AND b) NEAR/2 c', 1, 'expected a word, phrase or OR-group of them for NEAR/2 at column 1'],
    ['acme NEAR/2 lang:en', 13, 'expected a word, phrase or OR-group of them for NEAR/2 at column 13'],
    ['acme - bricks', 7, 'expected a term right after "-" at column 7'],
    ['acme !!!', 6, '"!!!" has no letters or digits to search for at column 6'],
    ['acme 😡', 6, '"😡" has no letters or digits to search for at column 6'],
    ['acme ""', 6, 'a quoted phrase needs letters or digits at column 6'],
    ['lang:', 6, 'expected a language tag like en or pt-BR after "lang:" at column 6'],
    ['acme platform:', 15, 'expected a platform name like reddit after "platform:" at column 15'],
    [
      'https://acme.com',
      1,
      'unknown filter "https:" at column 1 (filters are lang:, platform: and author:; quote text to search for it)',
    ],
  ])('rejects %j at column %i', (source, column, message) => {
    const error = errorOf(source);
    expect(error.name).toBe('QuerySyntaxError');
    expect(error.column).toBe(column);
    expect(error.message).toBe(message);
  });

  it('counts columns in code points, so emoji before the error do not shift it', () => {
    expect(errorOf('"😀 acme" OR').column).toBe(12);
  });
});

describe('checkQuery', () => {
  it('returns null for a valid query', () => {
    expect(checkQuery('acme AND (broken OR refund) lang:en')).toBeNull();
  });

  it('returns the column and message of the first problem', () => {
    expect(checkQuery('(acme OR corp')).toEqual({
      column: 14,
      message: 'expected ")" at column 14 to close "(" at column 1',
    });
  });
});
