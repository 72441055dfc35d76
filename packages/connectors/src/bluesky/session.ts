import { z } from 'zod';
import type { ConnectorContext } from '../connector.js';
import { ConnectorError, RateLimitedError } from '../errors.js';
import { httpRequest, parsePage, readJson, statusError, type HttpResponse } from '../http.js';
import { retryAfterMs, untilResetHeader } from '../rate-limit.js';

const SessionSchema = z.object({ accessJwt: z.string().min(1), refreshJwt: z.string().min(1) });

/**
 * An app-password session with a PDS. createSession is limited (30 per 5
 * minutes, 300 a day per account), so the session is kept and refreshed
 * with its refresh token when the access token expires; only a failed
 * refresh logs in again.
 */
export class BlueskySession {
  private tokens: z.infer<typeof SessionSchema> | null = null;

  constructor(
    private readonly context: Pick<ConnectorContext, 'now' | 'requestTimeoutMs'>,
    private readonly base: string,
    private readonly identifier: string,
    private readonly appPassword: string,
  ) {}

  /** GET with the session's access token; an expired token is refreshed once and the request repeated. */
  async get(url: URL, signal: AbortSignal | undefined): Promise<HttpResponse> {
    const response = await this.send(url, signal);
    if (!isExpired(response)) return response;
    await this.refresh(signal);
    return this.send(url, signal);
  }

  async authorization(signal: AbortSignal | undefined): Promise<Record<string, string>> {
    this.tokens ??= await this.create(signal);
    return { authorization: `Bearer ${this.tokens.accessJwt}` };
  }

  private async send(url: URL, signal: AbortSignal | undefined): Promise<HttpResponse> {
    return httpRequest(url, { headers: await this.authorization(signal), signal }, this.context.requestTimeoutMs);
  }

  private async create(signal: AbortSignal | undefined) {
    return this.exchange('com.atproto.server.createSession', { 'content-type': 'application/json' }, JSON.stringify({ identifier: this.identifier, password: this.appPassword }), signal);
  }

  private async refresh(signal: AbortSignal | undefined): Promise<void> {
    const refreshJwt = this.tokens?.refreshJwt;
    this.tokens = null;
    if (refreshJwt !== undefined) {
      try {
        this.tokens = await this.exchange('com.atproto.server.refreshSession', { authorization: `Bearer ${refreshJwt}` }, undefined, signal);
        return;
      } catch (error) {
        if (error instanceof RateLimitedError) throw error;
      }
    }
    this.tokens = await this.create(signal);
  }

  private async exchange(method: string, headers: Record<string, string>, body: string | undefined, signal: AbortSignal | undefined) {
    const response = await httpRequest(new URL(`${this.base}/xrpc/${method}`), { method: 'POST', headers, body, signal }, this.context.requestTimeoutMs);
    if (response.status !== 200) throw blueskyError(response, this.context.now());
    return parsePage(SessionSchema, readJson(response), response.where);
  }
}

function isExpired(response: HttpResponse): boolean {
  return (response.status === 400 || response.status === 401) && /ExpiredToken|InvalidToken/.test(response.body);
}

/** 429 waits for `RateLimit-Reset` (draft-polli headers; bsky sends epoch seconds), else Retry-After. */
export function blueskyError(response: HttpResponse, now: number): ConnectorError {
  if (response.status === 429) {
    return new RateLimitedError(`${response.where} answered 429`, {
      status: 429,
      retryAfterMs: untilResetHeader(response.headers, 'ratelimit-reset', now) ?? retryAfterMs(response.headers, now),
    });
  }
  return statusError(response, now);
}
