import type { Mention } from '@earshot/domain';

/**
 * What the rules read from a mention's text, computed once per mention.
 * All strings are lower-case; curly apostrophes are straightened so
 * "don’t" and "don't" match the same cue.
 */
export interface TextSignals {
  /** Title (if any) and text, lower-case, links removed. */
  readonly prose: string;
  /** The part of `prose` intent cues are read from: all of it for posts, the title and lead of long articles. */
  readonly lead: string;
  readonly links: readonly string[];
  /** Host names of the links and of the mention's own URL, lower-case, without `www.`. */
  readonly domains: readonly string[];
  readonly hashtags: readonly string[];
  /** Handles written in the text, lower-case, without `@`. */
  readonly handles: readonly string[];
  /** A repost in text form: `RT @someone: …` (X/Twitter's convention). */
  readonly repostOf: string | null;
  /**
   * What near-duplicates are compared on: the first `BODY_CHARS` letters and
   * digits of the text after the repost prefix, links and handles, lower-case,
   * each run of anything else folded to one space. Enough to tell stories
   * apart, and a repost cut short with "…" still matches its original.
   */
  readonly body: string;
  /** Long-form content (news articles, blog posts) rather than a social post. */
  readonly longForm: boolean;
}

/**
 * Past this length a post is an article: what the writer wants is in the
 * title and the first paragraph; cue words deeper in (a report that mentions
 * "last year's outage") say little about this mention's urgency.
 */
const LONG_FORM_CHARS = 1_000;
const LEAD_CHARS = 500;
export const BODY_CHARS = 80;

const LINK = /\bhttps?:\/\/[^\s<>"]+|\bwww\.[^\s<>"]+/gi;
const HASHTAG = /(?:^|[^\p{L}\p{N}_&])#([\p{L}\p{N}_]+)/gu;
const HANDLE = /(?:^|[^\p{L}\p{N}_@.])@([a-z0-9_]{1,50})/giu;
const REPOST_PREFIX = /^\s*rt\s+@([a-z0-9_]{1,50}):?\s*/i;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'_-]*/gu;
const LETTER_OR_DIGIT = /[\p{L}\p{N}]/u;

/** Most posts have no links, tags or handles: they share one empty list (the signals are read-only) rather than allocating four. */
const NONE: readonly string[] = Object.freeze([]);

// Every regex pass costs about a microsecond on a tweet, and this runs for
// every mention: passes whose marker character is absent are skipped.
export function readText(mention: Pick<Mention, 'text' | 'title' | 'url'>): TextSignals {
  const raw = mention.title === undefined ? mention.text : `${mention.title}\n${mention.text}`;
  const mayHaveLinks = raw.includes('://') || raw.includes('www.');
  const links = mayHaveLinks ? (raw.match(LINK) ?? NONE) : NONE;
  const withoutLinks = links.length > 0 ? raw.replace(LINK, ' ') : raw;
  const hashtags = withoutLinks.includes('#') ? lowerCaseCaptures(HASHTAG, withoutLinks) : NONE;
  const handles = withoutLinks.includes('@') ? lowerCaseCaptures(HANDLE, withoutLinks) : NONE;
  const prose = straighten(withoutLinks.toLowerCase());

  let domains = NONE;
  if (links.length > 0 || mention.url !== undefined) {
    const hosts: string[] = [];
    for (const link of mention.url === undefined ? links : [...links, mention.url]) {
      const host = hostOf(link);
      if (host !== null && !hosts.includes(host)) hosts.push(host);
    }
    domains = hosts;
  }

  const repost = mention.text.length > 2 ? REPOST_PREFIX.exec(mention.text) : null;
  const bodySource =
    repost === null && mention.title === undefined
      ? prose
      : straighten((repost === null ? mention.text : mention.text.slice(repost[0].length)).replace(LINK, ' ').toLowerCase());
  const body = normalisedStart(bodySource, BODY_CHARS);

  const longForm = mention.text.length > LONG_FORM_CHARS;
  return {
    prose,
    lead: longForm ? prose.slice(0, (mention.title?.length ?? 0) + LEAD_CHARS) : prose,
    links,
    domains,
    hashtags,
    handles,
    repostOf: repost === null ? null : repost[1]!.toLowerCase(),
    body,
    longForm,
  };
}

/** The first capture group of every match of `pattern` (global, never empty) in `text`, lower-case; an `exec` loop copies less than `matchAll`. */
function lowerCaseCaptures(pattern: RegExp, text: string): string[] {
  const captures: string[] = [];
  pattern.lastIndex = 0;
  for (let match = pattern.exec(text); match !== null; match = pattern.exec(text)) captures.push(match[1]!.toLowerCase());
  return captures;
}

/**
 * The first `limit` characters of `text` (lower-case) kept as letters and
 * digits, handles dropped, other runs folded to one space, no space at
 * either end. A hand-written scan: a regex replace over the whole post costs
 * several times more, and only the start is needed. Runs of letters and
 * digits are copied as one slice rather than character by character.
 */
function normalisedStart(text: string, limit: number): string {
  let out = '';
  let pendingSpace = false;
  let index = 0;
  while (index < text.length && out.length < limit) {
    const code = text.charCodeAt(index);
    if (code === 64 /* @ */ && (index === 0 || !isWordCode(text.charCodeAt(index - 1)))) {
      // A handle: skip it and what follows up to the next separator.
      index += 1;
      while (index < text.length && isWordCode(text.charCodeAt(index))) index += 1;
      pendingSpace = out !== '';
    } else if (isLetterOrDigitAt(text, index, code)) {
      const runStart = index;
      do index += 1;
      while (index < text.length && isLetterOrDigitAt(text, index, text.charCodeAt(index)));
      out += pendingSpace ? ` ${text.slice(runStart, index)}` : text.slice(runStart, index);
      pendingSpace = false;
    } else {
      pendingSpace = out !== '';
      index += 1;
    }
  }
  return out.length > limit ? out.slice(0, limit) : out;
}

/** Whether the code unit at `index` (`code`) counts as a letter or digit of the body: ASCII lower-case, digits, or a non-ASCII letter or digit. */
function isLetterOrDigitAt(text: string, index: number, code: number): boolean {
  if (code <= 127) return (code >= 97 && code <= 122) || (code >= 48 && code <= 57);
  const codePoint = text.codePointAt(index)!;
  if (codePoint > 0xffff) return LETTER_OR_DIGIT.test(String.fromCodePoint(codePoint));
  // Emoji halves aside, the same few non-ASCII characters recur: each is classified once.
  let known = BMP_LETTER_OR_DIGIT[codePoint]!;
  if (known === 0) {
    known = LETTER_OR_DIGIT.test(String.fromCharCode(codePoint)) ? 1 : 2;
    BMP_LETTER_OR_DIGIT[codePoint] = known;
  }
  return known === 1;
}
/** Per BMP code point: 0 not classified yet, 1 letter or digit, 2 neither. */
const BMP_LETTER_OR_DIGIT = new Uint8Array(0x10000);

/** ASCII letters (lower-case text), digits and `_`: the characters of a handle. */
function isWordCode(code: number): boolean {
  return (code >= 97 && code <= 122) || (code >= 48 && code <= 57) || code === 95;
}

/** Words outside links, hashtags and handles; only some spam rules need it, so it is not part of `readText`. */
export function countWords(text: TextSignals): number {
  return (text.prose.match(WORD)?.length ?? 0) - text.hashtags.length - text.handles.length;
}

/** Curly apostrophes straightened, so "don’t" and "don't" read the same. */
function straighten(text: string): string {
  return text.includes('’') ? text.replaceAll('’', "'") : text;
}

function hostOf(link: string): string | null {
  try {
    const url = new URL(/^https?:\/\//i.test(link) ? link : `https://${link}`);
    return url.hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return null;
  }
}

/**
 * A stable 64-bit digest of normalised text (two 32-bit multiply-xorshift
 * lanes, as in cyrb53), so keys stay small whatever the post's length. Not
 * cryptographic: a collision only groups two posts by mistake, and at 64
 * bits that stays unlikely among the keys of a day. A tenth of a SHA-256's cost.
 */
export function fingerprint(normalisedText: string): string {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let index = 0; index < normalisedText.length; index += 1) {
    const code = normalisedText.charCodeAt(index);
    h1 = Math.imul(h1 ^ code, 2654435761);
    h2 = Math.imul(h2 ^ code, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  // Sixteen zero-padded lower-case hex digits, h2's then h1's; one string built at once (`toString(16)` and `padStart` cost more than the hash).
  return String.fromCharCode(
    hexDigit(h2, 28), hexDigit(h2, 24), hexDigit(h2, 20), hexDigit(h2, 16), hexDigit(h2, 12), hexDigit(h2, 8), hexDigit(h2, 4), hexDigit(h2, 0),
    hexDigit(h1, 28), hexDigit(h1, 24), hexDigit(h1, 20), hexDigit(h1, 16), hexDigit(h1, 12), hexDigit(h1, 8), hexDigit(h1, 4), hexDigit(h1, 0),
  );
}

/** Char code of the hex digit of `value`'s four bits at `shift`. */
function hexDigit(value: number, shift: number): number {
  const nibble = (value >>> shift) & 15;
  return nibble < 10 ? 48 + nibble : 87 + nibble;
}

/** `@Acme` → `acme`: handles compare case-insensitively and without the `@`. */
export function foldHandle(handle: string): string {
  return (handle.charCodeAt(0) === 64 /* @ */ ? handle.slice(1) : handle).toLowerCase();
}

/** Whether `host` is `domain` or one of its subdomains. */
export function isOnDomain(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * A pattern matching any of `alternatives` (regex source) as whole words:
 * Unicode-aware (`\b` only knows ASCII letters), and an apostrophe followed
 * by a letter continues a word, so `don` does not match in "don't".
 */
export function wholeWords(alternatives: string, flags = ''): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives})(?![\\p{L}\\p{N}_]|'\\p{L})`, `u${flags}`);
}

/** `a.b (c)` → `a\.b \(c\)`: user-written words used inside a pattern. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
