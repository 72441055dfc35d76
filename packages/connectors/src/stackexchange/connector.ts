import type { SourceConfig } from '@earshot/config';
import { z } from 'zod';
import type { Connector, ConnectorContext } from '../connector.js';
import { ConnectorError, RateLimitedError, SourceConfigError } from '../errors.js';
import { httpRequest, parsePage, readJson, statusError, type HttpResponse } from '../http.js';
import { count, htmlToPlainText, isoTime, parseItems, type Candidate } from '../normalise.js';
import { initialNewestFirst, NewestFirstCursorSchema, stepNewestFirst, walkCutoff, type NewestFirstCursor } from '../newest-first.js';
import { pagedConnector, type FeedStep } from '../paged.js';
import { msUntilMidnight } from '../rate-limit.js';
import { backfillMs, baseUrl, everyMs } from '../settings.js';

type StackExchangeSource = Extract<SourceConfig, { platform: 'stackexchange' }>;

/** Well under the ~30 requests/s per IP that gets an IP throttled or banned. */
const MIN_INTERVAL_MS = 1_000;
/** The search index trails new questions by minutes. */
const OVERLAP_MS = 5 * 60_000;
/** Error ids the API documents as temporary. */
const TRANSIENT_ERRORS = new Set([500, 503, 504]);
const THROTTLE_VIOLATION = 502;

const QuestionSchema = z.object({
  question_id: z.number().int(),
  title: z.string(),
  body: z.string().optional(),
  link: z.string(),
  creation_date: z.number(),
  owner: z.object({ display_name: z.string().optional(), user_id: z.number().optional(), link: z.string().optional() }).optional(),
  score: z.number().optional(),
  answer_count: z.number().optional(),
  view_count: z.number().optional(),
});
const PageSchema = z.object({
  items: z.array(z.unknown()),
  has_more: z.boolean(),
  quota_remaining: z.number().optional(),
  backoff: z.number().optional(),
});
const ErrorSchema = z.object({ error_id: z.number(), error_name: z.string().optional(), error_message: z.string().optional() });

/**
 * Stack Exchange `search/advanced`, newest questions first, from the mark's
 * `fromdate`. Waits come from the body: `backoff` seconds before the next
 * call, and the daily quota (`quota_remaining`) spread over what is left of
 * the UTC day.
 */
export function createStackExchangeConnector(context: ConnectorContext<StackExchangeSource>): Connector {
  const { source } = context;
  if (source.query === undefined && source.tagged === undefined) {
    throw new SourceConfigError(`source "${source.id}": a stackexchange source needs a query, tagged, or both`);
  }
  const endpoint = `${baseUrl(source, 'https://api.stackexchange.com')}/2.3/search/advanced`;
  const key = context.credentials.key;

  async function step(_feed: string, state: NewestFirstCursor, _shared: undefined, signal: AbortSignal | undefined): Promise<FeedStep<NewestFirstCursor, undefined>> {
    const now = context.now();
    const url = new URL(endpoint);
    url.searchParams.set('site', source.site);
    if (source.query !== undefined) url.searchParams.set('q', source.query);
    if (source.tagged !== undefined) url.searchParams.set('tagged', source.tagged.join(';'));
    url.searchParams.set('sort', 'creation');
    url.searchParams.set('order', 'desc');
    url.searchParams.set('fromdate', String(Math.floor(walkCutoff(state, OVERLAP_MS) / 1000)));
    url.searchParams.set('pagesize', '100');
    url.searchParams.set('page', state.walk?.page ?? '1');
    url.searchParams.set('filter', 'withbody');
    if (key !== undefined) url.searchParams.set('key', key);
    const response = await httpRequest(url, { signal }, context.requestTimeoutMs);
    if (response.status !== 200) throw apiError(response, now);

    const page = parsePage(PageSchema, readJson(response), response.where);
    const questions = parseItems(QuestionSchema, page.items, context, response.where);
    const walk = stepNewestFirst(
      state,
      questions.items.map((question) => ({ id: String(question.question_id), at: question.creation_date * 1000 })),
      page.has_more ? String(Number(state.walk?.page ?? '1') + 1) : undefined,
      OVERLAP_MS,
    );
    return {
      candidates: questions.items.filter((question) => walk.fresh.has(String(question.question_id))).map(toCandidate),
      state: walk.cursor,
      more: walk.more,
      fetched: questions.items.length,
      skipped: questions.skipped,
      platformWaitMs: quotaWait(page, now),
    };
  }

  return pagedConnector(context, {
    feeds: ['search'],
    stateSchema: NewestFirstCursorSchema,
    initialState: (_feed, now) => initialNewestFirst(now, backfillMs(source)),
    step,
    everyMs: everyMs(source),
    minIntervalMs: MIN_INTERVAL_MS,
  });
}

/** `backoff` must be honoured before the next call; the quota is spread over the rest of the UTC day, and a spent one waits for midnight. */
function quotaWait(page: z.infer<typeof PageSchema>, now: number): number | undefined {
  const backoffMs = page.backoff === undefined ? 0 : page.backoff * 1000;
  if (page.quota_remaining === undefined) return backoffMs || undefined;
  const untilMidnight = msUntilMidnight(now, 'UTC');
  const quotaMs = page.quota_remaining <= 0 ? untilMidnight : Math.ceil(untilMidnight / page.quota_remaining);
  return Math.max(backoffMs, quotaMs);
}

/** Errors come as `{error_id, error_name, error_message}` with an HTTP 4xx/5xx. */
function apiError(response: HttpResponse, now: number): ConnectorError {
  let body: unknown;
  try {
    body = readJson(response);
  } catch {
    return statusError(response, now);
  }
  const parsed = ErrorSchema.safeParse(body);
  if (!parsed.success) return statusError(response, now);
  const { error_id: id, error_name: name, error_message: message } = parsed.data;
  const description = `${response.where} answered ${response.status} ${name ?? id}: ${message ?? ''}`.trim();
  if (id === THROTTLE_VIOLATION) {
    // "too many requests from this IP, more requests available in 72 seconds"
    const seconds = /available in (\d+) seconds?/.exec(message ?? '')?.[1];
    return new RateLimitedError(description, { status: response.status, retryAfterMs: seconds === undefined ? undefined : Number(seconds) * 1000 });
  }
  return new ConnectorError(description, { retriable: TRANSIENT_ERRORS.has(id), status: response.status });
}

function toCandidate(question: z.infer<typeof QuestionSchema>): Candidate {
  // Titles and display names come HTML-escaped (`&amp;`, `&#39;`).
  const handle = question.owner?.display_name ? htmlToPlainText(question.owner.display_name) : `user ${question.owner?.user_id ?? 'unknown'}`;
  return {
    platform: 'stackexchange',
    externalId: String(question.question_id),
    url: question.link,
    title: htmlToPlainText(question.title),
    text: htmlToPlainText(question.body),
    author: { handle, url: question.owner?.link },
    createdAt: isoTime(question.creation_date) as string,
    engagement: { likes: count(question.score), replies: count(question.answer_count), views: count(question.view_count) },
  };
}
