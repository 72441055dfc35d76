/**
 * Splits text into the terms the query language matches on. Queries and posts
 * go through this same function, so whatever a query term folds to, the same
 * spelling in a post folds to it too.
 *
 * Every term occupies a span of positions [start, end]. A word or one
 * character of a script written without spaces (CJK, Thai, …) takes one
 * position; a hashtag or mention spans the positions of the words inside it,
 * which are emitted as well, so that a bare `acme` also matches `#acme`.
 */

/** Receives each term, folded, with the first and last position it covers. */
export type TokenSink = (term: string, start: number, end: number) => void;

const SEPARATOR = 1;
/** Letter, digit or `_` of a script that separates words with spaces. */
const WORD = 2;
/** Letter or digit of a script written without spaces; each one is a term of its own. */
const CONTINUOUS = 3;
/** Combining mark: belongs to the character before it. */
const MARK = 4;
const HASH = 5;
const AT = 6;

const LETTER_OR_DIGIT = /[\p{L}\p{N}\p{Pc}]/u;
const COMBINING_MARK = /\p{M}/u;
const CONTINUOUS_SCRIPT =
  /[\p{scx=Han}\p{scx=Hiragana}\p{scx=Katakana}\p{scx=Hangul}\p{scx=Thai}\p{scx=Lao}\p{scx=Khmer}\p{scx=Myanmar}]/u;
/**
 * Accents that NFD splits off Latin, Greek and Cyrillic letters. Marks that
 * are part of a script's spelling (Devanagari vowel signs, Thai, Japanese
 * voicing marks) are not in these blocks and are kept.
 */
const DIACRITICS = /[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/g;
const NON_ASCII = /[^\u0000-\u007f]/;

/**
 * Character class per code point, filled on first sight (0 = not yet known):
 * the Unicode property regexes run once per distinct character, not once per
 * character of every post. 1.1 MB, allocated once.
 */
const classByCodePoint = new Uint8Array(0x110000);
for (let code = 0; code < 0x80; code += 1) {
  const isWordChar =
    (code >= 0x30 && code <= 0x39) || (code >= 0x41 && code <= 0x5a) || (code >= 0x61 && code <= 0x7a) || code === 0x5f;
  classByCodePoint[code] = isWordChar ? WORD : code === 0x23 ? HASH : code === 0x40 ? AT : SEPARATOR;
}

function classifyCodePoint(codePoint: number): number {
  const character = String.fromCodePoint(codePoint);
  if (COMBINING_MARK.test(character)) return MARK;
  if (!LETTER_OR_DIGIT.test(character)) return SEPARATOR;
  return CONTINUOUS_SCRIPT.test(character) ? CONTINUOUS : WORD;
}

function classAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  const codePoint = code < 0xd800 || code > 0xdbff ? code : (text.codePointAt(index) ?? code);
  let characterClass = classByCodePoint[codePoint] ?? SEPARATOR;
  if (characterClass === 0) {
    characterClass = classifyCodePoint(codePoint);
    classByCodePoint[codePoint] = characterClass;
  }
  return characterClass;
}

/** 2 for a surrogate pair, else 1; a lone surrogate counts as one separator. */
function widthAt(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code < 0xd800 || code > 0xdbff || index + 1 >= text.length) return 1;
  const next = text.charCodeAt(index + 1);
  return next >= 0xdc00 && next <= 0xdfff ? 2 : 1;
}

/** End (exclusive) of the word starting at `index`: word characters and the marks on them. */
function wordEnd(text: string, index: number): number {
  let end = index;
  while (end < text.length) {
    const characterClass = classAt(text, end);
    if (characterClass !== WORD && characterClass !== MARK) break;
    end += widthAt(text, end);
  }
  return end;
}

/** End (exclusive) of one character of a script without spaces, with its marks. */
function continuousCharacterEnd(text: string, index: number): number {
  let end = index + widthAt(text, index);
  while (end < text.length && classAt(text, end) === MARK) end += widthAt(text, end);
  return end;
}

function foldWord(word: string): string {
  return NON_ASCII.test(word) ? word.normalize('NFD').replace(DIACRITICS, '') : word;
}


/**
 * The words inside a hashtag or mention body starting at `index`, and where
 * the body ends. Only called for tags, which are rare next to plain words.
 */
function tagBody(text: string, index: number): { words: string[]; end: number } {
  const words: string[] = [];
  let end = index;
  while (end < text.length) {
    const characterClass = classAt(text, end);
    if (characterClass === WORD) {
      const next = wordEnd(text, end);
      words.push(foldWord(text.slice(end, next)));
      end = next;
    } else if (characterClass === CONTINUOUS) {
      const next = continuousCharacterEnd(text, end);
      words.push(text.slice(end, next));
      end = next;
    } else {
      break;
    }
  }
  return { words, end };
}

/**
 * Emits the terms of `text` to `sink`, numbering positions from
 * `firstPosition`, and returns the position after the last term.
 */
export function tokenize(text: string, firstPosition: number, sink: TokenSink): number {
  // Most posts are plain ASCII: then no normalisation, and no per-word check for accents.
  const isAscii = !NON_ASCII.test(text);
  // NFKC maps full-width and half-width forms and ligatures to plain letters.
  const folded = isAscii ? text.toLowerCase() : text.normalize('NFKC').toLowerCase();
  let position = firstPosition;
  let index = 0;
  let previousClass = SEPARATOR;
  while (index < folded.length) {
    const characterClass = classAt(folded, index);
    if (characterClass === WORD) {
      const end = wordEnd(folded, index);
      const word = folded.slice(index, end);
      sink(isAscii ? word : foldWord(word), position, position);
      position += 1;
      index = end;
      previousClass = WORD;
      continue;
    }
    if (characterClass === CONTINUOUS) {
      const end = continuousCharacterEnd(folded, index);
      sink(folded.slice(index, end), position, position);
      position += 1;
      index = end;
      previousClass = CONTINUOUS;
      continue;
    }
    // `#` and `@` open a tag only after a separator: `c#`, `a@b.com` are not tags.
    if ((characterClass === HASH || characterClass === AT) && previousClass === SEPARATOR) {
      const body = tagBody(folded, index + 1);
      if (body.words.length > 0) {
        const sigil = characterClass === HASH ? '#' : '@';
        sink(sigil + body.words.join(''), position, position + body.words.length - 1);
        for (const word of body.words) {
          sink(word, position, position);
          position += 1;
        }
        index = body.end;
        previousClass = WORD;
        continue;
      }
    }
    index += widthAt(folded, index);
    previousClass = SEPARATOR;
  }
  return position;
}

/** An author handle as `author:` compares it: without `@`, case-insensitive. */
export function foldHandle(handle: string): string {
  return handle.replace(/^@/, '').normalize('NFKC').toLowerCase();
}

/** True when a term is a hashtag (`#acme`) or a mention (`@acme`) rather than a word. */
export function isTag(term: string): boolean {
  const first = term.charCodeAt(0);
  return first === 0x23 || first === 0x40;
}
