import { summarizeZodError } from '@earshot/domain';
import type { z } from 'zod';
import { ConnectorError, RateLimitedError } from './errors.js';
import { retryAfterMs } from './rate-limit.js';

export interface HttpResponse {
  status: number;
  headers: Headers;
  body: string;
  /** Method, origin and path: what logs and errors show (query strings carry API keys). */
  where: string;
}

export interface HttpRequest {
  method?: 'GET' | 'POST';
  headers?: Record<string, string>;
  body?: string;
  signal?: AbortSignal | undefined;
}

/** `GET https://api.x.com/2/tweets/search/recent`, never the query string. */
export function describeRequest(method: string, url: URL): string {
  return `${method} ${url.origin}${url.pathname}`;
}

/**
 * One HTTP exchange with a deadline. Network failures, timeouts and bodies
 * cut off mid-way are retriable `ConnectorError`s; statuses are left to the
 * caller, which knows the platform's rate-limit rules.
 */
export async function httpRequest(url: URL, request: HttpRequest, timeoutMs: number): Promise<HttpResponse> {
  const method = request.method ?? 'GET';
  const where = describeRequest(method, url);
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, deadline]) : deadline;
  try {
    const response = await fetch(url, { method, headers: request.headers, body: request.body, signal, redirect: 'follow' });
    const body = await response.text();
    return { status: response.status, headers: response.headers, body, where };
  } catch (error) {
    const reason = deadline.aborted ? `no complete answer within ${timeoutMs} ms` : describeFetchFailure(error);
    throw new ConnectorError(`${where} failed: ${reason}`, { retriable: true, cause: error });
  }
}

function describeFetchFailure(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? `: ${error.cause.message}` : '';
  return `${error.message}${cause}`;
}

/**
 * The error for a status the connector has no platform rule for: 429 and 5xx
 * are worth retrying (honouring Retry-After), other 4xx need a human.
 */
export function statusError(response: HttpResponse, now: number): ConnectorError {
  const retryAfter = retryAfterMs(response.headers, now);
  const excerpt = bodyExcerpt(response.body);
  const message = `${response.where} answered ${response.status}${excerpt ? `: ${excerpt}` : ''}`;
  if (response.status === 429) return new RateLimitedError(message, { status: 429, retryAfterMs: retryAfter });
  if (response.status >= 500 || response.status === 408) {
    return new ConnectorError(message, { retriable: true, status: response.status, retryAfterMs: retryAfter });
  }
  if (response.status === 401 || response.status === 403) {
    return new ConnectorError(`${response.where} rejected the credentials (${response.status})${excerpt ? `: ${excerpt}` : ''}`, {
      retriable: false,
      status: response.status,
    });
  }
  return new ConnectorError(message, { retriable: false, status: response.status });
}

/** A short, tag-free look at an error body for the log. */
function bodyExcerpt(body: string): string {
  return body.replace(/<[^>]*>/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 200);
}

/**
 * Parses a page as JSON. An HTML error page, a body cut off mid-way or any
 * other non-JSON answer is a retriable error: the same page is asked again.
 */
export function readJson(response: HttpResponse): unknown {
  const contentType = response.headers.get('content-type') ?? '';
  const body = response.body.trimStart();
  if (contentType.includes('html') || body.startsWith('<')) {
    throw new ConnectorError(`${response.where} answered an HTML page instead of JSON (${response.status})`, { retriable: true, status: response.status });
  }
  try {
    return JSON.parse(body);
  } catch (error) {
    throw new ConnectorError(`${response.where} answered a page that is not JSON (${response.body.length} bytes; truncated?)`, {
      retriable: true,
      status: response.status,
      cause: error,
    });
  }
}

/** Validates the parts of a page the connector relies on; the items themselves are checked one by one. */
export function parsePage<S extends z.ZodType>(schema: S, json: unknown, where: string): z.output<S> {
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    throw new ConnectorError(`${where} answered an unexpected page: ${summarizeZodError(parsed.error)}`, { retriable: true });
  }
  return parsed.data;
}
