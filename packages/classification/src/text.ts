import { createHash } from 'node:crypto';
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
  /** Words outside links, hashtags and handles. */
  readonly wordCount: number;
  /** A repost in text form: `RT @someone: …` (X/Twitter's convention). */
  readonly repostOf: string | null;
  /** The text without the repost prefix, links and handles, lower-case, punctuation folded to spaces. */
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

const LINK = /\bhttps?:\/\/[^\s<>"]+|\bwww\.[^\s<>"]+/gi;
const HASHTAG = /(?:^|[^\p{L}\p{N}_&])#([\p{L}\p{N}_]+)/gu;
const HANDLE = /(?:^|[^\p{L}\p{N}_@.])@([a-z0-9_]{1,50})/giu;
const REPOST_PREFIX = /^\s*rt\s+@([a-z0-9_]{1,50}):?\s*/i;
const WORD = /[\p{L}\p{N}][\p{L}\p{N}'’_-]*/gu;
const NON_WORD = /[^\p{L}\p{N}]+/gu;

export function readText(mention: Pick<Mention, 'text' | 'title' | 'url'>): TextSignals {
  const raw = mention.title === undefined ? mention.text : `${mention.title}\n${mention.text}`;
  const links = raw.match(LINK) ?? [];
  const withoutLinks = raw.replace(LINK, ' ');
  const hashtags = [...withoutLinks.matchAll(HASHTAG)].map((match) => match[1]!.toLowerCase());
  const handles = [...withoutLinks.matchAll(HANDLE)].map((match) => match[1]!.toLowerCase());
  const prose = withoutLinks.toLowerCase().replaceAll('’', "'");

  const domains = new Set<string>();
  for (const link of mention.url === undefined ? links : [...links, mention.url]) {
    const host = hostOf(link);
    if (host !== null) domains.add(host);
  }

  const repost = REPOST_PREFIX.exec(mention.text);
  const bodySource = (repost === null ? mention.text : mention.text.slice(repost[0].length)).replace(LINK, ' ');
  const body = bodySource
    .replace(HANDLE, ' ')
    .toLowerCase()
    .replace(NON_WORD, ' ')
    .trim();

  const plainWords = withoutLinks.replace(HASHTAG, ' ').replace(HANDLE, ' ').match(WORD) ?? [];
  const longForm = mention.text.length > LONG_FORM_CHARS;
  return {
    prose,
    lead: longForm ? prose.slice(0, (mention.title?.length ?? 0) + LEAD_CHARS) : prose,
    links,
    domains: [...domains],
    hashtags,
    handles,
    wordCount: plainWords.length,
    repostOf: repost === null ? null : repost[1]!.toLowerCase(),
    body,
    longForm,
  };
}

function hostOf(link: string): string | null {
  try {
    const url = new URL(/^https?:\/\//i.test(link) ? link : `https://${link}`);
    return url.hostname.toLowerCase().replace(/^www\./, '');
  } catch {
    return null;
  }
}

/** A short, stable digest of normalised text: keys stay small whatever the post's length. */
export function fingerprint(normalisedText: string): string {
  return createHash('sha256').update(normalisedText).digest('base64url').slice(0, 22);
}

/** `@Acme` → `acme`: handles compare case-insensitively and without the `@`. */
export function foldHandle(handle: string): string {
  return handle.replace(/^@/, '').toLowerCase();
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
export function wholeWords(alternatives: string): RegExp {
  return new RegExp(`(?<![\\p{L}\\p{N}_])(?:${alternatives})(?![\\p{L}\\p{N}_]|'\\p{L})`, 'u');
}

/** `a.b (c)` → `a\.b \(c\)`: user-written words used inside a pattern. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
