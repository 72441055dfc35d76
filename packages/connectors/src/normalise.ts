import { MentionSchema, summarizeZodError, type Mention, type MentionInput } from '@earshot/domain';
import { convert, type HtmlToTextOptions } from 'html-to-text';
import type { z } from 'zod';
import type { ConnectorContext } from './connector.js';

/** A normalised post before matching: what a platform mapping produces. */
export type Candidate = Omit<MentionInput, 'matchedBrands' | 'sourceId'>;

const HTML_TO_TEXT: HtmlToTextOptions = {
  wordwrap: false,
  selectors: [
    // Links keep their text only: hrefs are noise for matching and for readers of an alert.
    { selector: 'a', options: { ignoreHref: true } },
    { selector: 'img', format: 'skip' },
    { selector: 'h1', options: { uppercase: false } },
    { selector: 'h2', options: { uppercase: false } },
    { selector: 'h3', options: { uppercase: false } },
    { selector: 'table', format: 'dataTable', options: { uppercaseHeaderCells: false } },
  ],
};

/** HTML (Mastodon content, HN comments, feed entries) to readable plain text, entities decoded. */
export function htmlToPlainText(html: string | null | undefined): string {
  if (!html) return '';
  // Non-breaking spaces (`&nbsp;`) read as spaces; matching and alerts want plain ones.
  return convert(html, HTML_TO_TEXT).replace(/\u00a0/g, ' ').trim();
}

const BCP47 = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;
/** Codes platforms use for "no language" (X's `und`, `zxx`; private-use `qaa`–`qtz` such as X's `qme`, `qht`). */
const NOT_A_LANGUAGE = /^(und|zxx|mul|mis|q[a-t][a-z])$/;

/** A platform's language code as a BCP 47 tag the mention schema accepts, or undefined. */
export function languageTag(code: string | null | undefined): string | undefined {
  if (!code) return undefined;
  const [primary = '', ...rest] = code.trim().replace(/_/g, '-').split('-');
  const tag = [primary.toLowerCase(), ...rest].join('-');
  if (!BCP47.test(tag) || NOT_A_LANGUAGE.test(primary.toLowerCase())) return undefined;
  return tag;
}

/** Seconds (epoch) or an ISO string to the ISO form mentions carry; undefined when unreadable. */
export function isoTime(value: number | string | null | undefined): string | undefined {
  if (value === null || value === undefined) return undefined;
  const ms = typeof value === 'number' ? value * 1000 : Date.parse(value);
  return Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
}

/** A count the platform may send as a string (YouTube) or null; undefined when it is not a count. */
export function count(value: unknown): number | undefined {
  const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
  return typeof number === 'number' && Number.isInteger(number) && number >= 0 ? number : undefined;
}

// Limits of MentionSchema: a long post is shortened rather than lost.
const MAX_TEXT = 40_000;
const MAX_TITLE = 1_000;
const MAX_NAME = 300;

function clip(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

export interface Selection {
  mentions: Mention[];
  skipped: number;
}

/**
 * Validates each candidate as a mention and keeps those the brands' queries
 * match, with `matchedBrands` and `sourceId` set. A candidate the schema
 * rejects is logged and skipped, never published half-valid.
 */
export function selectMentions(candidates: readonly Candidate[], context: Pick<ConnectorContext, 'source' | 'matcher' | 'logger'>): Selection {
  const mentions: Mention[] = [];
  let skipped = 0;
  for (const candidate of candidates) {
    const parsed = MentionSchema.safeParse(withoutUndefined({
      ...candidate,
      text: clip(candidate.text, MAX_TEXT),
      title: candidate.title === undefined ? undefined : clip(candidate.title, MAX_TITLE),
      author: { ...candidate.author, name: candidate.author.name === undefined ? undefined : clip(candidate.author.name, MAX_NAME) },
      sourceId: context.source.id,
      matchedBrands: [],
    }));
    if (!parsed.success) {
      skipped += 1;
      context.logger.warn({ externalId: candidate.externalId, problem: summarizeZodError(parsed.error) }, 'skipped a post that does not make a valid mention');
      continue;
    }
    const mention = parsed.data;
    const matchedBrands = context.matcher.match({
      text: mention.text,
      title: mention.title,
      lang: mention.lang,
      platform: mention.platform,
      authorHandle: mention.author.handle,
    });
    if (matchedBrands.length > 0) mentions.push({ ...mention, matchedBrands });
  }
  return { mentions, skipped };
}

/** Drops keys whose value is undefined, at every depth, so a mention reads the same before and after JSON. */
function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(withoutUndefined) as T;
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, field]) => field !== undefined)
      .map(([key, field]) => [key, withoutUndefined(field)]),
  ) as T;
}

export interface ParsedItems<T> {
  items: T[];
  skipped: number;
}

/** Checks a page's items one by one: a malformed item is logged with what is wrong and skipped; the rest go on. */
export function parseItems<S extends z.ZodType>(
  schema: S,
  items: readonly unknown[],
  context: Pick<ConnectorContext, 'logger'>,
  where: string,
): ParsedItems<z.output<S>> {
  const parsed: Array<z.output<S>> = [];
  let skipped = 0;
  items.forEach((item, index) => {
    const result = schema.safeParse(item);
    if (result.success) {
      parsed.push(result.data);
      return;
    }
    skipped += 1;
    context.logger.warn({ where, index, itemId: guessId(item), problem: summarizeZodError(result.error) }, 'skipped a malformed item');
  });
  return { items: parsed, skipped };
}

function guessId(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null) return undefined;
  const record = item as Record<string, unknown>;
  for (const key of ['id', 'objectID', 'name', 'uri', 'question_id']) {
    const value = record[key];
    if (typeof value === 'string' || typeof value === 'number') return String(value);
  }
  return undefined;
}

/** Creation time (ms) of the newest post among candidates, for the lag metric. */
export function newestCreatedAt(candidates: readonly Candidate[]): number | undefined {
  let newest: number | undefined;
  for (const candidate of candidates) {
    const at = Date.parse(candidate.createdAt);
    if (Number.isFinite(at) && (newest === undefined || at > newest)) newest = at;
  }
  return newest;
}
