import type { Logger } from '@earshot/logging';
import { ErrorCode, LogLevel, WebClient, type Logger as SlackLogger } from '@slack/web-api';
import { z } from 'zod';
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

export interface PostedMessage {
  channel: string;
  ts: string;
}

/** Where an earlier attempt at an outbox row may have posted its message. */
export interface MessageSearch {
  /** The outbox row the message was posted for (its metadata names it). */
  notificationId: string;
  /** A channel id, `#name` or user id (a DM: opened first to learn its channel id). */
  channel: string;
  /** Set when the message went into a thread: its replies are searched too. */
  threadTs?: string;
  /** Only messages posted after this. */
  since: Date;
  /** Looks for the burst summary posted ahead of the row's own message, not for that message. */
  part?: MessagePart;
}

/** A message posted for an outbox row other than its own: the summary that starts a burst thread for it. */
export type MessagePart = 'burst-summary';

/** The Web API calls the worker makes. Failures are DeliveryErrors. */
export interface SlackApi {
  /**
   * `notificationId`: the outbox row, carried in the message's metadata so
   * that findMessage can tell the message was posted; with `part`, the
   * message is that part of the row's delivery, not its own message.
   */
  postMessage(args: { channel: string; text: string; blocks: SlackBlock[]; threadTs?: string; notificationId?: string; part?: MessagePart }): Promise<PostedMessage>;
  updateMessage(args: { channel: string; ts: string; text: string; blocks: SlackBlock[] }): Promise<void>;
  /** The message posted for a notification, if Slack has it. Needs the *:history scopes (and im:write for DMs). */
  findMessage(search: MessageSearch): Promise<PostedMessage | null>;
}

/**
 * Slack answered a history search with an `error` (most often missing_scope):
 * it will not say whether the message is there, now or on a retry.
 */
export class SlackSearchRefusedError extends DeliveryError {
  constructor(cause: DeliveryError) {
    super(cause.message, { retriable: false, code: cause.code, cause });
    this.name = 'SlackSearchRefusedError';
  }
}

/** `metadata.event_type` of every message posted for an outbox row. */
export const NOTIFICATION_EVENT_TYPE = 'earshot_notification';

/** Pages of history read when looking for a message; a busier channel falls back to posting again. */
const SEARCH_PAGES = 5;
const SEARCH_PAGE_SIZE = 200;

const SlackMessagePageSchema = z.object({
  channel: z.object({ id: z.string() }).optional(),
  messages: z
    .array(
      z.object({
        ts: z.string(),
        metadata: z.object({ event_type: z.string().optional(), event_payload: z.record(z.string(), z.unknown()).optional() }).optional(),
      }),
    )
    .default([]),
  response_metadata: z.object({ next_cursor: z.string().optional() }).optional(),
});

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
      // missing_scope names the scope the token lacks: the operator's fix.
      const needed = (candidate.data as { needed?: unknown } | undefined)?.needed;
      if (typeof needed === 'string') {
        return new DeliveryError(`Slack refused the call: ${slackError} (the token needs ${needed})`, { retriable: true, code: slackError, cause: error });
      }
      if (slackError === 'ratelimited') {
        return new DeliveryError('Slack rate limit (ratelimited)', { retriable: true, code: slackError, retryAfterMs: DEFAULT_RETRY_AFTER_MS, cause: error });
      }
      return new DeliveryError(`Slack refused the call: ${slackError}`, { retriable: !PERMANENT_SLACK_ERRORS.has(slackError), code: slackError, cause: error });
    }
    case ErrorCode.HTTPError:
      return new DeliveryError(`Slack answered HTTP ${String(candidate.statusCode)}`, {
        retriable: true,
        code: String(candidate.statusCode),
        // A gateway's 5xx can come after Slack did the work.
        mayHaveDelivered: typeof candidate.statusCode === 'number' && candidate.statusCode >= 500,
        cause: error,
      });
    case ErrorCode.RequestError:
      // A timeout or a dropped connection says nothing of whether Slack got the request.
      return new DeliveryError(`Slack unreachable: ${message}`, { retriable: true, code: 'request_error', mayHaveDelivered: true, cause: error });
    default:
      // A 429 without a valid Retry-After surfaces as a plain error from the client.
      if (/rate limit|Retry header/i.test(message)) {
        return new DeliveryError(`Slack rate limit: ${message}`, { retriable: true, code: '429', retryAfterMs: DEFAULT_RETRY_AFTER_MS, cause: error });
      }
      return new DeliveryError(`Slack call failed: ${message}`, { retriable: true, code: 'unknown', mayHaveDelivered: true, cause: error });
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
    async postMessage({ channel, text, blocks, threadTs, notificationId, part }) {
      try {
        const result = await client.chat.postMessage({
          channel,
          text,
          blocks,
          unfurl_links: false,
          unfurl_media: false,
          ...(threadTs ? { thread_ts: threadTs } : {}),
          ...(notificationId
            ? { metadata: { event_type: NOTIFICATION_EVENT_TYPE, event_payload: { notification_id: notificationId, ...(part ? { part } : {}) } } }
            : {}),
        });
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
    async findMessage(search) {
      try {
        return await findMessage(client, search);
      } catch (error) {
        if (error instanceof DeliveryError) throw error;
        const failure = classifySlackError(error);
        const refused = (error as { code?: unknown }).code === ErrorCode.PlatformError && failure.retryAfterMs === undefined;
        throw refused ? new SlackSearchRefusedError(failure) : failure;
      }
    },
  };
}

function parsePage(method: string, result: unknown): z.infer<typeof SlackMessagePageSchema> {
  const parsed = SlackMessagePageSchema.safeParse(result);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DeliveryError(`Slack answered ${method} with a bad ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'unreadable'}`, {
      retriable: true,
      code: 'bad_response',
    });
  }
  return parsed.data;
}

const isUserId = (channel: string) => /^[UW][A-Z0-9]+$/.test(channel);

async function findMessage(client: WebClient, search: MessageSearch): Promise<PostedMessage | null> {
  let channel = search.channel;
  if (isUserId(channel)) {
    const opened = parsePage('conversations.open', await client.conversations.open({ users: channel }));
    if (!opened.channel) throw new DeliveryError('Slack answered conversations.open without a channel', { retriable: true, code: 'bad_response' });
    channel = opened.channel.id;
  }
  // Slack's ts is seconds since the epoch.
  const oldest = (search.since.getTime() / 1000).toFixed(6);
  const read = (cursor: string | undefined) => {
    const common = { channel, oldest, include_all_metadata: true, limit: SEARCH_PAGE_SIZE, ...(cursor ? { cursor } : {}) };
    return search.threadTs
      ? client.conversations.replies({ ...common, ts: search.threadTs }).then((result) => parsePage('conversations.replies', result))
      : client.conversations.history(common).then((result) => parsePage('conversations.history', result));
  };
  let cursor: string | undefined;
  for (let page = 0; page < SEARCH_PAGES; page += 1) {
    const { messages, response_metadata } = await read(cursor);
    const found = messages.find(
      (message) =>
        message.metadata?.event_type === NOTIFICATION_EVENT_TYPE &&
        message.metadata.event_payload?.notification_id === search.notificationId &&
        message.metadata.event_payload.part === search.part,
    );
    if (found) return { channel, ts: found.ts };
    cursor = response_metadata?.next_cursor || undefined;
    if (!cursor) return null;
  }
  return null;
}
