import type { Logger } from '@earshot/logging';
import { ErrorCode, LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import { DeliveryError } from '../retry.js';
import type { SlackBlock } from './blocks.js';

export interface SlackSettings {
  /** SLACK_BOT_TOKEN. */
  token: string;
  /** SLACK_API_URL; default https://slack.com/api/. */
  apiUrl?: string;
  /** Longest wait for one Web API call, in ms; keep well under the worker's lease. */
  timeoutMs?: number;
}

/** The two Web API calls the worker makes. Failures are DeliveryErrors. */
export interface SlackApi {
  postMessage(args: { channel: string; text: string; blocks: SlackBlock[]; threadTs?: string }): Promise<{ channel: string; ts: string }>;
  updateMessage(args: { channel: string; ts: string; text: string; blocks: SlackBlock[] }): Promise<void>;
}

/**
 * Slack `error` codes that no retry can fix: the message or its target is
 * wrong. Everything else (auth, not_in_channel, internal errors) may be fixed
 * by an operator or by time, so it is retried until the attempts run out.
 */
const PERMANENT_SLACK_ERRORS = new Set([
  'channel_not_found',
  'is_archived',
  'msg_too_long',
  'no_text',
  'invalid_blocks',
  'invalid_blocks_format',
  'invalid_arguments',
  'invalid_arg_name',
  'user_not_found',
  'cannot_dm_bot',
  'message_not_found',
  'cant_update_message',
  'edit_window_closed',
  'too_many_attachments',
]);

/** When Slack answers 429 without a usable Retry-After. */
const DEFAULT_RETRY_AFTER_MS = 30_000;

/** Maps what @slack/web-api throws to a DeliveryError the outbox can act on. */
export function classifySlackError(error: unknown): DeliveryError {
  const candidate = error as { code?: unknown; retryAfter?: unknown; statusCode?: unknown; data?: { error?: unknown }; message?: unknown };
  const message = typeof candidate.message === 'string' ? candidate.message : String(error);
  switch (candidate.code) {
    case ErrorCode.RateLimitedError:
      return new DeliveryError(`Slack rate limit: retry after ${String(candidate.retryAfter)}s`, {
        retriable: true,
        code: '429',
        retryAfterMs: typeof candidate.retryAfter === 'number' ? candidate.retryAfter * 1000 : DEFAULT_RETRY_AFTER_MS,
        cause: error,
      });
    case ErrorCode.PlatformError: {
      const slackError = typeof candidate.data?.error === 'string' ? candidate.data.error : 'unknown_error';
      if (slackError === 'ratelimited') {
        return new DeliveryError('Slack rate limit (ratelimited)', { retriable: true, code: slackError, retryAfterMs: DEFAULT_RETRY_AFTER_MS, cause: error });
      }
      return new DeliveryError(`Slack refused the call: ${slackError}`, { retriable: !PERMANENT_SLACK_ERRORS.has(slackError), code: slackError, cause: error });
    }
    case ErrorCode.HTTPError:
      return new DeliveryError(`Slack answered HTTP ${String(candidate.statusCode)}`, { retriable: true, code: String(candidate.statusCode), cause: error });
    case ErrorCode.RequestError:
      return new DeliveryError(`Slack unreachable: ${message}`, { retriable: true, code: 'request_error', cause: error });
    default:
      // A 429 without a valid Retry-After surfaces as a plain error from the client.
      if (/rate limit|Retry header/i.test(message)) {
        return new DeliveryError(`Slack rate limit: ${message}`, { retriable: true, code: '429', retryAfterMs: DEFAULT_RETRY_AFTER_MS, cause: error });
      }
      return new DeliveryError(`Slack call failed: ${message}`, { retriable: true, code: 'unknown', cause: error });
  }
}

/** The WebClient's own logging, routed to pino at debug level (its warnings are our DeliveryErrors). */
function slackLogger(logger: Logger): SlackLogger {
  let level = LogLevel.DEBUG;
  return {
    debug: (...messages: unknown[]) => logger.debug({ slack: messages.map(String).join(' ') }, 'slack client'),
    info: (...messages: unknown[]) => logger.debug({ slack: messages.map(String).join(' ') }, 'slack client'),
    warn: (...messages: unknown[]) => logger.debug({ slack: messages.map(String).join(' ') }, 'slack client warning'),
    error: (...messages: unknown[]) => logger.debug({ slack: messages.map(String).join(' ') }, 'slack client error'),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}

/**
 * A WebClient with its own retries and rate-limit queueing off: the outbox
 * retries (one row at a time, other channels unaffected), and a 429 comes
 * back at once with its Retry-After.
 */
export function createSlackApi(settings: SlackSettings, logger: Logger): SlackApi {
  const client = new WebClient(settings.token, {
    slackApiUrl: settings.apiUrl ?? 'https://slack.com/api/',
    retryConfig: { retries: 0 },
    rejectRateLimitedCalls: true,
    timeout: settings.timeoutMs ?? 15_000,
    logger: slackLogger(logger),
    logLevel: LogLevel.DEBUG,
  });
  return {
    async postMessage({ channel, text, blocks, threadTs }) {
      try {
        const result = await client.chat.postMessage({ channel, text, blocks, unfurl_links: false, unfurl_media: false, ...(threadTs ? { thread_ts: threadTs } : {}) });
        if (typeof result.channel !== 'string' || typeof result.ts !== 'string') {
          // The message may well be posted: retrying could post it twice, so the row is left dead for an operator to look at.
          throw new DeliveryError('Slack answered chat.postMessage without channel and ts', { retriable: false, code: 'bad_response' });
        }
        return { channel: result.channel, ts: result.ts };
      } catch (error) {
        throw error instanceof DeliveryError ? error : classifySlackError(error);
      }
    },
    async updateMessage({ channel, ts, text, blocks }) {
      try {
        await client.chat.update({ channel, ts, text, blocks });
      } catch (error) {
        throw classifySlackError(error);
      }
    },
  };
}
