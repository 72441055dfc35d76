import { MAX_NEAR_DISTANCE, type FilterField } from './ast.js';
import { QuerySyntaxError, columnAt } from './errors.js';
import { foldHandle, isTag, tokenize } from './tokenizer.js';

/** `index` is the UTF-16 offset in the source; `text` the source text, for error messages. */
export type Lexeme =
  | { readonly type: 'open' | 'close' | 'or' | 'and' | 'not' | 'end'; readonly index: number; readonly text: string }
  | { readonly type: 'near'; readonly index: number; readonly text: string; readonly distance: number }
  | { readonly type: 'terms'; readonly index: number; readonly text: string; readonly terms: readonly string[] }
  | {
      readonly type: 'filter';
      readonly index: number;
      readonly text: string;
      readonly field: FilterField;
      readonly value: string;
    };

const KEYWORDS = { OR: 'or', AND: 'and', NOT: 'not' } as const;
/** Straight quotes, and the curly ones chat tools and word processors substitute for them. */
const QUOTES = new Set(['"', '\u201c', '\u201d']);
const FILTER_VALUES: Record<FilterField, { pattern: RegExp; description: string }> = {
  lang: { pattern: /^[a-z]{2,3}(-[a-z0-9]{1,8})*$/i, description: 'a language tag like en or pt-BR' },
  platform: { pattern: /^[a-z0-9][a-z0-9-]*$/i, description: 'a platform name like reddit' },
  author: { pattern: /^@?[^@\s]+$/, description: 'a handle' },
};
const FIELD_PREFIX = /^([A-Za-z]+):/;
const WHITESPACE = /\s/;

/** Throws `<problem> at column <n>[ <detail>]`. Shared with the parser so every message has one shape. */
export function fail(source: string, index: number, problem: string, detail?: string): never {
  const column = columnAt(source, index);
  throw new QuerySyntaxError(`${problem} at column ${column}${detail === undefined ? '' : ` ${detail}`}`, column);
}

function startsOperand(character: string): boolean {
  return character !== '' && character !== ')' && !WHITESPACE.test(character);
}

function isBoundary(character: string): boolean {
  return WHITESPACE.test(character) || character === '(' || character === ')' || QUOTES.has(character);
}

/** The terms of a word or phrase, dropping the words inside a tag (the tag itself stands for them). */
function termsOf(text: string): string[] {
  const terms: string[] = [];
  let lastTagEnd = -1;
  tokenize(text, 0, (term, start, end) => {
    if (isTag(term)) {
      terms.push(term);
      lastTagEnd = end;
    } else if (start > lastTagEnd) {
      terms.push(term);
    }
  });
  return terms;
}

function chunkLexeme(source: string, index: number, chunk: string): Lexeme {
  if (chunk === 'OR' || chunk === 'AND' || chunk === 'NOT') return { type: KEYWORDS[chunk], index, text: chunk };
  if (chunk === '-') fail(source, index + 1, 'expected a term right after "-"');
  if (chunk === 'NEAR') fail(source, index + chunk.length, 'expected "/" and a distance after NEAR (like NEAR/5)');
  if (chunk.startsWith('NEAR/')) {
    const digits = chunk.slice('NEAR/'.length);
    const distanceIndex = index + 'NEAR/'.length;
    if (!/^\d+$/.test(digits)) fail(source, distanceIndex, 'expected a distance (a whole number) after "NEAR/"');
    const distance = Number(digits);
    if (distance > MAX_NEAR_DISTANCE) fail(source, distanceIndex, `NEAR distance must be at most ${MAX_NEAR_DISTANCE}`);
    return { type: 'near', index, text: chunk, distance };
  }
  const fieldMatch = FIELD_PREFIX.exec(chunk);
  if (fieldMatch) {
    const name = (fieldMatch[1] ?? '').toLowerCase();
    if (name !== 'lang' && name !== 'platform' && name !== 'author') {
      fail(source, index, `unknown filter "${fieldMatch[0]}"`, '(filters are lang:, platform: and author:; quote text to search for it)');
    }
    const valueIndex = index + fieldMatch[0].length;
    const value = chunk.slice(fieldMatch[0].length);
    const { pattern, description } = FILTER_VALUES[name];
    if (!pattern.test(value)) fail(source, valueIndex, `expected ${description} after "${name}:"`);
    const folded = name === 'author' ? foldHandle(value) : value.toLowerCase();
    return { type: 'filter', index, text: chunk, field: name, value: folded };
  }
  const terms = termsOf(chunk);
  if (terms.length === 0) fail(source, index, `"${chunk}" has no letters or digits to search for`);
  return { type: 'terms', index, text: chunk, terms };
}

export function lex(source: string): Lexeme[] {
  const lexemes: Lexeme[] = [];
  let index = 0;
  while (index < source.length) {
    const character = source.charAt(index);
    if (WHITESPACE.test(character)) {
      index += 1;
    } else if (character === '(' || character === ')') {
      lexemes.push({ type: character === '(' ? 'open' : 'close', index, text: character });
      index += 1;
    } else if (QUOTES.has(character)) {
      let close = index + 1;
      while (close < source.length && !QUOTES.has(source.charAt(close))) close += 1;
      if (close >= source.length) {
        fail(source, source.length, "expected '\"'", `to close the quote at column ${columnAt(source, index)}`);
      }
      const phrase = source.slice(index + 1, close);
      const terms = termsOf(phrase);
      if (terms.length === 0) fail(source, index, 'a quoted phrase needs letters or digits');
      lexemes.push({ type: 'terms', index, text: source.slice(index, close + 1), terms });
      index = close + 1;
    } else if (character === '-' && startsOperand(source.charAt(index + 1))) {
      lexemes.push({ type: 'not', index, text: '-' });
      index += 1;
    } else {
      let end = index + 1;
      while (end < source.length && !isBoundary(source.charAt(end))) end += 1;
      lexemes.push(chunkLexeme(source, index, source.slice(index, end)));
      index = end;
    }
  }
  lexemes.push({ type: 'end', index: source.length, text: '' });
  return lexemes;
}
