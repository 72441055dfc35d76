import { createHash } from 'node:crypto';
import type { SourceConfig } from '@earshot/config';
import { z } from 'zod';
import type { Connector, ConnectorContext } from '../connector.js';
import { ConnectorError, SourceConfigError } from '../errors.js';
import { httpRequest, statusError } from '../http.js';
import { htmlToPlainText, isoTime, languageTag, type Candidate } from '../normalise.js';
import { FeedUnavailableError, pagedConnector, type FeedStep } from '../paged.js';
import { backfillMs, everyMs } from '../settings.js';
import { parseFeed, readEntry, xmlProblem, type FeedEntry } from './parse.js';

type RssSource = Extract<SourceConfig, { platform: 'rss' }>;

/** Feeds are small documents; one request a second across a source's feeds is polite. */
const MIN_INTERVAL_MS = 1_000;
/** Entry ids remembered per feed: more than any feed holds at once. */
const MAX_SEEN = 1_000;
const MAX_ID = 200;

/**
 * Feeds have no cursor: entries are told apart by id. The state keeps the
 * ids already published (with when they were first seen), the first run's
 * backfill boundary, and the validators for conditional GETs.
 */
const StateSchema = z.object({
  since: z.number(),
  seen: z.record(z.string(), z.number()),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
});
type State = z.infer<typeof StateSchema>;

/**
 * RSS 2.0, RSS 1.0 and Atom feeds, Google Alerts included: each poll fetches
 * one feed (conditionally, with ETag/Last-Modified) and publishes the
 * entries not seen before. Google's redirect links are unwrapped and HTML is
 * stripped from titles and content.
 */
export function createRssConnector(context: ConnectorContext<RssSource>): Connector {
  const { source } = context;
  const feeds = [...new Set([...(source.url ? [source.url] : []), ...(source.urls ?? [])])];
  if (feeds.length === 0) throw new SourceConfigError(`source "${source.id}": an rss source needs url or urls`);

  async function step(feed: string, state: State, _shared: undefined, signal: AbortSignal | undefined): Promise<FeedStep<State, undefined>> {
    const now = context.now();
    const headers: Record<string, string> = { accept: 'application/atom+xml, application/rss+xml, application/xml;q=0.9, text/xml;q=0.8' };
    if (state.etag) headers['if-none-match'] = state.etag;
    if (state.lastModified) headers['if-modified-since'] = state.lastModified;
    const response = await httpRequest(new URL(feed), { headers, signal }, context.requestTimeoutMs);
    if (response.status === 304) return { candidates: [], state, more: false, fetched: 0, skipped: 0 };
    if (response.status === 404 || response.status === 410) throw new FeedUnavailableError(`${response.where} answered ${response.status}`);
    if (response.status !== 200) throw statusError(response, now);

    const problem = xmlProblem(response.body);
    const parsed = problem === null ? parseFeed(response.body) : null;
    if (parsed === null) {
      const what = problem === null ? 'is not an RSS or Atom feed' : `is not well-formed XML: ${problem}`;
      throw new ConnectorError(`${response.where} ${what}`, { retriable: true, status: response.status });
    }
    const lang = languageTag(parsed.lang);
    const candidates: Candidate[] = [];
    const seen = { ...state.seen };
    let skipped = 0;
    for (const [index, raw] of parsed.entries.entries()) {
      const entry = readEntry(raw);
      const candidate = entry ? toCandidate(entry, lang, now) : null;
      if (candidate === null) {
        skipped += 1;
        context.logger.warn({ where: response.where, index, itemId: entry?.id }, 'skipped a feed entry without an id, link or title');
        continue;
      }
      const isNew = seen[candidate.externalId] === undefined && Date.parse(candidate.createdAt) >= state.since;
      seen[candidate.externalId] ??= now;
      if (isNew) candidates.push(candidate);
    }
    return {
      candidates,
      state: {
        since: state.since,
        seen: Object.fromEntries(Object.entries(seen).sort((a, b) => b[1] - a[1]).slice(0, MAX_SEEN)),
        etag: response.headers.get('etag') ?? undefined,
        lastModified: response.headers.get('last-modified') ?? undefined,
      },
      more: false,
      fetched: parsed.entries.length,
      skipped,
    };
  }

  return pagedConnector(context, {
    feeds,
    stateSchema: StateSchema,
    initialState: (_feed, now) => ({ since: now - backfillMs(source), seen: {} }),
    step,
    everyMs: everyMs(source),
    minIntervalMs: MIN_INTERVAL_MS,
  });
}

/** `https://www.google.com/url?…&url=<target>` (Google Alerts; `q=` in older links) → the target. */
export function unwrapRedirect(link: string): string {
  try {
    const url = new URL(link);
    if (/(^|\.)google\.[a-z.]+$/.test(url.hostname) && url.pathname === '/url') {
      const target = url.searchParams.get('url') ?? url.searchParams.get('q');
      if (target && /^https?:\/\//.test(target)) return target;
    }
  } catch {
    // Not a URL: the caller drops it.
  }
  return link;
}

function toCandidate(entry: FeedEntry, lang: string | undefined, now: number): Candidate | null {
  const link = entry.link ? unwrapRedirect(entry.link) : undefined;
  const url = link !== undefined && URL.canParse(link) ? link : undefined;
  const rawId = entry.id ?? url ?? (entry.title ? `${entry.title}|${entry.published ?? ''}` : undefined);
  if (rawId === undefined) return null;
  const title = htmlToPlainText(entry.title);
  // Entries without an author (Google Alerts) are credited to the site they link to.
  const handle = entry.author ?? (url ? new URL(url).hostname : undefined);
  if (handle === undefined) return null;
  return {
    platform: 'rss',
    externalId: rawId.length <= MAX_ID ? rawId : `sha256:${createHash('sha256').update(rawId).digest('hex')}`,
    url,
    title: title || undefined,
    text: htmlToPlainText(entry.content),
    lang,
    author: { handle, name: entry.author },
    // An undated entry is dated when first seen.
    createdAt: isoTime(entry.published) ?? new Date(now).toISOString(),
  };
}
