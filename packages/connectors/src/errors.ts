/**
 * A poll step that failed. `retriable` says whether trying again later can
 * succeed without a change of config or credentials; `retryAfterMs` is the
 * wait the platform asked for, when it said.
 */
export class ConnectorError extends Error {
  readonly retriable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly status: number | undefined;

  constructor(message: string, options: { retriable: boolean; retryAfterMs?: number; status?: number; cause?: unknown }) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ConnectorError';
    this.retriable = options.retriable;
    this.retryAfterMs = options.retryAfterMs;
    this.status = options.status;
  }
}

/** The platform refused for now (HTTP 429, a spent quota, a `backoff`): wait, do not count it as a failure. */
export class RateLimitedError extends ConnectorError {
  constructor(message: string, options: { retryAfterMs?: number; status?: number }) {
    super(message, { retriable: true, ...options });
    this.name = 'RateLimitedError';
  }
}

/** The source's config cannot work (a missing credential, no query where the platform needs one). */
export class SourceConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceConfigError';
  }
}
