// Tokeniser for short social posts. One left-to-right pass of one regular
// expression; every token is lower-cased and classified, and word tokens carry
// the cues a lexicon or a model needs (negation scope, elongation, all caps,
// hashtag origin). Placeholders keep the shape of a post without its
// identifiers: a model must not learn that "@acme" is angry.

import { wordHash } from './hash.js';
import { WordTable } from './word-table.js';

export type TokenKind =
  | 'word'
  | 'hashtag'
  | 'user'
  | 'url'
  | 'number'
  | 'emoji'
  | 'emoticon'
  | 'exclaim'
  | 'question'
  | 'break';

export interface Token {
  /**
   * Normalised text: lower case, runs of 3+ equal characters cut to 2
   * (`soooo` → `soo`), `<url>` / `<user>` / `<num>` placeholders, emoticons
   * as `<smile>`, `<sad>`, … , emoji without variation selectors or skin
   * tones, `!`/`!!`/`?`/`??`/`?!` for runs of marks, `.` for other clause breaks.
   */
  text: string;
  kind: TokenKind;
  /** Inside the scope of a preceding negator ("not", "never", "don't", …). */
  negated: boolean;
  /** Had a run of 3+ equal characters before normalisation. */
  elongated: boolean;
  /** Written in capitals (2+ letters), e.g. "WORST". */
  allCaps: boolean;
  /**
   * `wordHash(text)`, computed once here: the key of the word tables
   * (negators, lexicon) and the start of the model's word features.
   */
  hash: number;
}

export const URL_PLACEHOLDER = '<url>';
export const USER_PLACEHOLDER = '<user>';
export const NUMBER_PLACEHOLDER = '<num>';
export const NEGATION_SUFFIX = '_NEG';

// Alternatives, in priority order (at one position the first that matches
// wins): URL, handle, hashtag, number with separators, emoticon, emoji, word,
// marks. Times such as "5:30" are taken as numbers before ":3" can be read as
// an emoticon; URLs are taken before ":/" can be.
const TOKEN_PATTERN = new RegExp(
  [
    String.raw`((?:https?:\/\/|www\.)\S+)`,
    String.raw`(@\w+)`,
    String.raw`#([\p{L}\p{N}_]+)`,
    String.raw`(\d+(?:[.,:/]\d+)+)`,
    // eyes-nose-mouth, mouth-nose-eyes, hearts, kaomoji
    String.raw`([:;=][\-'o^]?[)\](\[dDpP\/\\|oO*3@}{](?![\p{L}\p{N}])|[)(\]\[][\-']?[:;=](?![\p{L}\p{N}])|<\/?3+|\^[_.\-]?\^|-_-|[tT]_[tT]|;_;|\b[xX][dD]+\b)`,
    String.raw`(\p{Extended_Pictographic}(?:\u{FE0F}|[\u{1F3FB}-\u{1F3FF}])*(?:\u200D\p{Extended_Pictographic}(?:\u{FE0F}|[\u{1F3FB}-\u{1F3FF}])*)*)`,
    String.raw`([\p{L}\p{N}_][\p{L}\p{M}\p{N}_]*(?:['’][\p{L}\p{M}]+)*)`,
    String.raw`([!?]+)`,
    String.raw`([.,;:…]+)`,
  ].join('|'),
  'gu',
);

const ELONGATION = /(.)\1{2,}/gu;
const EMOJI_DECORATION = /[\u{FE0F}\u{1F3FB}-\u{1F3FF}]/gu;
const HASHTAG_PARTS = /\p{Lu}+(?!\p{Ll})|\p{Lu}?\p{Ll}+|\p{N}+|_+|[^\p{L}\p{N}_]+/gu;
const HTML_ENTITY = /&(amp|lt|gt|quot|#39|apos);/g;
const HTML_ENTITY_TEXT: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

/** Words that open a negation scope. Apostrophe-less spellings are the norm on social media. */
export const NEGATORS: ReadonlySet<string> = new Set([
  'not', 'no', 'never', 'none', 'nobody', 'nothing', 'nowhere', 'neither', 'nor', 'cannot', 'without',
  'dont', 'doesnt', 'didnt', 'isnt', 'wasnt', 'arent', 'werent', 'cant', 'couldnt', 'wouldnt', 'shouldnt',
  'wont', 'havent', 'hasnt', 'hadnt', 'aint', 'mustnt', 'neednt', 'nope', 'nah', 'lack', 'lacks', 'lacking',
]);

/** "can't wait" is eager, not negative: these pairs do not open a scope. */
const NON_NEGATING_PAIRS: ReadonlySet<string> = new Set([
  "can't wait", 'cant wait', 'cannot wait', 'not only', 'not just', 'no doubt', 'no wonder', 'never mind',
  "can't stop", 'cant stop', 'no matter',
]);

/** Words that end a negation scope as punctuation does ("not great but fine"). */
const SCOPE_ENDERS: ReadonlySet<string> = new Set(['but', 'however', 'though', 'although', 'yet']);

/** `word.endsWith("n't")`, read from the last code units: it runs for every word, and most end otherwise. */
export function endsWithNt(word: string): boolean {
  const n = word.length;
  return n >= 3 && word.charCodeAt(n - 2) === 0x27 && word.charCodeAt(n - 1) === 0x74 && word.charCodeAt(n - 3) === 0x6e;
}

/** Both word lists in one table, so `markNegation` looks each word up once (the lists are disjoint). */
const SCOPE_ROLES = new WordTable<'opens' | 'ends'>([
  ...[...NEGATORS].map((word) => [word, 'opens'] as const),
  ...[...SCOPE_ENDERS].map((word) => [word, 'ends'] as const),
]);

function classifyEmoticon(raw: string): string {
  if (raw.startsWith('<')) return raw.includes('/') ? '<brokenheart>' : '<heart>';
  if (raw.includes('_') || raw === '^^') {
    return raw.startsWith('^') ? '<smile>' : raw === '-_-' ? '<annoyed>' : '<cry>';
  }
  const lower = raw.toLowerCase();
  if (lower.startsWith('x')) return '<laugh>';
  if (lower.includes("'") && lower.includes('(')) return '<cry>';
  // Reversed faces: "(:" smiles, "):" frowns.
  if (lower.startsWith('(') || lower.startsWith('[')) return '<smile>';
  if (lower.startsWith(')') || lower.startsWith(']')) return '<sad>';
  const mouth = lower[lower.length - 1];
  const winking = lower.startsWith(';');
  switch (mouth) {
    case ')':
    case ']':
    case '}':
    case '3':
      return winking ? '<wink>' : '<smile>';
    case 'd':
      return winking ? '<wink>' : '<laugh>';
    case '(':
    case '[':
    case '{':
      return '<sad>';
    case 'p':
      return '<tongue>';
    case '/':
    case '\\':
    case '|':
      return '<annoyed>';
    case 'o':
      return '<surprise>';
    case '*':
      return '<kiss>';
    case '@':
      return '<angry>';
    default:
      return '<smile>';
  }
}

/** Letters all upper case (2+ of them), given the lower-cased form; most words fail the first test. */
function isAllCaps(raw: string, lower: string): boolean {
  if (raw.length < 2 || raw === lower) return false;
  // ASCII words (nearly all) are decided by looking for a lower-case letter, without an upper-cased copy.
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c >= 0x61 && c <= 0x7a) return false;
    if (c > 0x7f) return raw === raw.toUpperCase();
  }
  return true;
}

/** True when some character repeats 3+ times in a row ("soooo", "!!!"). */
function hasRun(text: string): boolean {
  for (let i = 2; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === text.charCodeAt(i - 1) && c === text.charCodeAt(i - 2)) return true;
  }
  return false;
}

function isAllDigits(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

function token(text: string, kind: TokenKind, elongated = false, allCaps = false): Token {
  return { text, kind, negated: false, elongated, allCaps, hash: wordHash(text) };
}

function push(tokens: Token[], text: string, kind: TokenKind, elongated = false, allCaps = false): void {
  tokens.push(token(text, kind, elongated, allCaps));
}

/** A clause break, as the tokeniser makes for `.` or `;`. */
export function clauseBreak(): Token {
  return token('.', 'break');
}

function pushWordLike(tokens: Token[], raw: string, kind: 'word' | 'hashtag'): void {
  let lower = raw.toLowerCase();
  if (isAllDigits(lower)) {
    push(tokens, NUMBER_PLACEHOLDER, 'number');
    return;
  }
  const allCaps = isAllCaps(raw, lower);
  if (lower.includes('’')) lower = lower.replace(/’/g, "'");
  pushNormalisedWord(tokens, lower, kind, hasRun(lower), allCaps);
}

/** A lower-cased word; with a run of 3+ equal characters (`elongated`), the run is cut to two. */
function pushNormalisedWord(tokens: Token[], lower: string, kind: 'word' | 'hashtag', elongated: boolean, allCaps: boolean): void {
  push(tokens, elongated ? lower.replace(ELONGATION, '$1$1') : lower, kind, elongated, allCaps);
}

function pushHashtag(tokens: Token[], body: string): void {
  // "#NeverAgain" → "never", "again"; "#fail" → "fail". Only mixed case is
  // split: an all-lower tag gives no reliable word boundaries.
  const mixedCase = body !== body.toLowerCase() && body !== body.toUpperCase();
  if (!mixedCase) {
    pushWordLike(tokens, body, 'hashtag');
    return;
  }
  for (const part of body.match(HASHTAG_PARTS) ?? []) {
    if (/^[\p{L}\p{N}]/u.test(part)) pushWordLike(tokens, part, 'hashtag');
  }
}

/** Splits a post into normalised tokens and marks negation scopes. */
export function tokenize(input: string): Token[] {
  const text = input.includes('&') ? input.replace(HTML_ENTITY, (_, name: string) => HTML_ENTITY_TEXT[name] ?? '') : input;
  const tokens: Token[] = [];
  const length = text.length;
  let i = 0;
  while (i < length) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x0a || c === 0x09 || c === 0x0d) {
      i++;
      continue;
    }
    // Fast path for plain ASCII words, most of any post: the same token the
    // pattern would produce, without running the pattern.
    const end = pushPlainWord(tokens, text, i, c);
    if (end > 0) {
      i = end;
      continue;
    }
    TOKEN_PATTERN.lastIndex = i;
    const match = TOKEN_PATTERN.exec(text);
    if (match === null) break;
    pushMatch(tokens, match);
    i = TOKEN_PATTERN.lastIndex;
  }
  markNegation(tokens);
  return tokens;
}

/**
 * Pushes the ASCII word starting at `start` and returns its end, when
 * TOKEN_PATTERN would take exactly that run as a word; returns 0 and pushes
 * nothing when the pattern must decide (URLs, "xD", "T_T", "5:30",
 * apostrophes, non-ASCII letters). One scan finds the end and what
 * `pushWordLike` would work out from the word (case, digits, a run of three
 * equal characters), so most words need no extra passes or lower-casing.
 */
function pushPlainWord(tokens: Token[], text: string, start: number, c: number): number {
  const isLetter = (c >= 0x61 && c <= 0x7a) || (c >= 0x41 && c <= 0x5a);
  const isDigit = c >= 0x30 && c <= 0x39;
  if (!isLetter && !isDigit) return 0;
  const next = text.charCodeAt(start + 1);
  if (isLetter) {
    if ((c | 0x20) === 0x68 && text.startsWith('ttp', start + 1)) return 0; // http
    if ((c | 0x20) === 0x77 && text.startsWith('ww.', start + 1)) return 0; // www.
    if ((c | 0x20) === 0x78 && (next | 0x20) === 0x64) return 0; // xD
    if ((c | 0x20) === 0x74 && next === 0x5f) return 0; // T_T
  }
  let upper = false;
  let lower = false;
  let digitsOnly = true;
  let run = false;
  // Lower-cased code units of the last two characters, for runs ("sOoo" is a run).
  let last = -1;
  let beforeLast = -1;
  let end = start;
  for (; end < text.length; end++) {
    const code = text.charCodeAt(end);
    let folded = code;
    if (code >= 0x61 && code <= 0x7a) lower = true;
    else if (code >= 0x41 && code <= 0x5a) {
      upper = true;
      folded = code | 0x20;
    } else if (!((code >= 0x30 && code <= 0x39) || code === 0x5f)) break;
    if (folded < 0x30 || folded > 0x39) digitsOnly = false;
    if (folded === last && folded === beforeLast) run = true;
    beforeLast = last;
    last = folded;
  }
  if (end < text.length) {
    const after = text.charCodeAt(end);
    if (after >= 0x80 || after === 0x27) return 0; // ’ ' or a non-ASCII letter or mark may continue the word
    if (isDigit && (after === 0x2e || after === 0x2c || after === 0x3a || after === 0x2f)) return 0; // 3.39, 5:30
  }
  if (digitsOnly) {
    push(tokens, NUMBER_PLACEHOLDER, 'number');
    return end;
  }
  const raw = text.slice(start, end);
  const word = upper ? raw.toLowerCase() : raw;
  // As isAllCaps: two or more characters, some capital, no small letter.
  const allCaps = upper && !lower && end - start >= 2;
  pushNormalisedWord(tokens, word, 'word', run, allCaps);
  return end;
}

function pushMatch(tokens: Token[], match: RegExpExecArray): void {
  const [, url, user, hashtag, number, emoticon, emoji, word, marks, breaks] = match;
  if (url !== undefined) push(tokens, URL_PLACEHOLDER, 'url');
  else if (user !== undefined) push(tokens, USER_PLACEHOLDER, 'user');
  else if (hashtag !== undefined) pushHashtag(tokens, hashtag);
  else if (number !== undefined) push(tokens, NUMBER_PLACEHOLDER, 'number');
  else if (emoticon !== undefined) push(tokens, classifyEmoticon(emoticon), 'emoticon');
  else if (emoji !== undefined) push(tokens, emoji.replace(EMOJI_DECORATION, ''), 'emoji');
  else if (word !== undefined) pushWordLike(tokens, word, 'word');
  else if (marks !== undefined) {
    const hasBang = marks.includes('!');
    const hasQuery = marks.includes('?');
    if (hasBang && hasQuery) push(tokens, '?!', 'question');
    else if (hasBang) push(tokens, marks.length > 1 ? '!!' : '!', 'exclaim', marks.length > 2);
    else push(tokens, marks.length > 1 ? '??' : '?', 'question', marks.length > 2);
  } else if (breaks !== undefined) push(tokens, '.', 'break');
}

/**
 * Marks words after a negator as negated until a clause break, a mark, an
 * emoji/emoticon, or a contrastive word ("but"). Mutates and returns `tokens`.
 */
export function markNegation(tokens: Token[]): Token[] {
  let inScope = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    switch (token.kind) {
      case 'break':
      case 'exclaim':
      case 'question':
      case 'emoji':
      case 'emoticon':
        inScope = false;
        continue;
      case 'url':
      case 'user':
      case 'number':
        continue;
      case 'hashtag':
        // "#NeverAgain" is a tag, not a clause: it neither negates nor is negated.
        inScope = false;
        continue;
      default:
        break;
    }
    const role = SCOPE_ROLES.get(token.text, token.hash);
    if (role === 'ends') {
      inScope = false;
      continue;
    }
    if (role === 'opens' || endsWithNt(token.text)) {
      const next = tokens[i + 1];
      inScope = !(next !== undefined && NON_NEGATING_PAIRS.has(`${token.text} ${next.text}`));
      continue;
    }
    token.negated = inScope;
  }
  return tokens;
}

/** Token text with the negation mark, e.g. `good_NEG`: what the model's word features see. */
export function markedText(token: Token): string {
  return token.negated ? token.text + NEGATION_SUFFIX : token.text;
}
