import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for Slack's Web API on 127.0.0.1, for tests: point a WebClient's
 * `slackApiUrl` (SLACK_API_URL) at `stub.url`. It records every call (form
 * fields, with `blocks` and `attachments` JSON-parsed), answers like Slack
 * (`{ ok: true, channel, ts }`), and can be told to answer 429 with
 * Retry-After, an HTTP error, a Slack error, or nothing at all (held).
 * conversations.history / replies list the messages it accepted, newest
 * first, with their metadata when `include_all_metadata` is set.
 */

export type StubReply =
  /** Answer like Slack; after `delayMs` when given (a slow Slack). */
  | { kind: 'ok'; delayMs?: number }
  | { kind: 'rate-limited'; retryAfterSeconds: number }
  | { kind: 'http-error'; status: number }
  | { kind: 'slack-error'; error: string }
  /** Never answer: the request hangs until dropHeld() or close() resets its connection. */
  | { kind: 'hold' }
  /** chat.postMessage: post the message (it shows in history), then never answer, like a caller that died before reading the answer. */
  | { kind: 'post-then-hold' };

/** A message the stub accepted, as conversations.history / replies return it. */
export interface StubMessage {
  channel: string;
  ts: string;
  text: unknown;
  threadTs?: string;
  metadata?: unknown;
}

export interface SlackCall {
  /** Web API method, e.g. `chat.postMessage`. */
  method: string;
  args: Record<string, unknown>;
  token: string | null;
  receivedAt: number;
  reply: StubReply['kind'];
  /** For accepted `chat.postMessage` calls: the channel and ts the stub gave the message. */
  posted?: { channel: string; ts: string };
}

export interface SlackStub {
  /** Base URL with the trailing slash, as `slackApiUrl` wants it. */
  url: string;
  /** Every request, in the order received. */
  calls: SlackCall[];
  /** Requests answered `ok: true`, optionally of one method. */
  delivered(method?: string): SlackCall[];
  /** chat.postMessage calls answered ok, optionally to one channel (as the caller named it). */
  posts(channel?: string): SlackCall[];
  /** chat.update calls answered ok. */
  updates(): SlackCall[];
  /** Every message posted, answered or not, oldest first. */
  messages: StubMessage[];
  /** Answer the next requests with these replies, in order, then ok again. */
  queue(...replies: StubReply[]): void;
  /** Decide the reply of each request (after the queue is empty); undefined → ok. */
  setResponder(responder: ((call: SlackCall) => StubReply | undefined) | null): void;
  /** Resets the connections of held requests: Slack never answered them, the messages were not posted. */
  dropHeld(): void;
  close(): Promise<void>;
}

const JSON_FIELDS = new Set(['blocks', 'attachments', 'metadata']);

function parseArgs(body: string, contentType: string | undefined): Record<string, unknown> {
  if (contentType?.includes('application/json')) return body ? (JSON.parse(body) as Record<string, unknown>) : {};
  const args: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) args[key] = JSON_FIELDS.has(key) ? JSON.parse(value) : value;
  return args;
}

/** Slack answers with channel ids: a `#name` or a user id (DM) becomes a stable fake one. */
function channelIdOf(channel: unknown): string {
  const name = typeof channel === 'string' ? channel : '';
  if (name.startsWith('#')) return `C${name.slice(1).toUpperCase().replace(/[^A-Z0-9]/g, '')}`;
  if (/^[UW]/.test(name)) return `D${name.slice(1)}`;
  return name;
}

export async function startSlackStub(): Promise<SlackStub> {
  const calls: SlackCall[] = [];
  const queued: StubReply[] = [];
  const held: ServerResponse[] = [];
  let responder: ((call: SlackCall) => StubReply | undefined) | null = null;
  const messages: StubMessage[] = [];

  const answer = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const method = (req.url ?? '').replace(/^\/api\//, '').replace(/\?.*$/, '');
      const authorization = req.headers.authorization;
      const call: SlackCall = {
        method,
        args: parseArgs(Buffer.concat(chunks).toString('utf8'), req.headers['content-type']),
        token: authorization?.startsWith('Bearer ') ? authorization.slice(7) : null,
        receivedAt: Date.now(),
        reply: 'ok',
      };
      calls.push(call);
      const reply = queued.shift() ?? responder?.(call) ?? { kind: 'ok' };
      call.reply = reply.kind;
      switch (reply.kind) {
        case 'hold':
          held.push(res);
          return;
        case 'post-then-hold':
          if (call.method === 'chat.postMessage') acceptMessage(call);
          held.push(res);
          return;
        case 'rate-limited':
          return answer(res, 429, { ok: false, error: 'ratelimited' }, { 'retry-after': String(reply.retryAfterSeconds) });
        case 'http-error':
          return answer(res, reply.status, { ok: false, error: 'internal_error' });
        case 'slack-error':
          return answer(res, 200, { ok: false, error: reply.error });
        case 'ok':
          break;
      }
      if (reply.delayMs) setTimeout(() => answerOk(call, res), reply.delayMs);
      else answerOk(call, res);
    });
  });

  /** ts values grow from now, as Slack's do, so that `oldest` filters work against the real clock. */
  const acceptMessage = (call: SlackCall): StubMessage => {
    const ts = `${Math.floor(Date.now() / 1000)}.${String(messages.length + 1).padStart(6, '0')}`;
    const message: StubMessage = { channel: channelIdOf(call.args.channel), ts, text: call.args.text };
    if (typeof call.args.thread_ts === 'string') message.threadTs = call.args.thread_ts;
    if (call.args.metadata !== undefined) message.metadata = call.args.metadata;
    messages.push(message);
    call.posted = { channel: message.channel, ts };
    return message;
  };

  /** A page of messages, newest first, as Slack shapes it (`cursor` is an offset here). */
  const listMessages = (call: SlackCall, res: ServerResponse, matches: (message: StubMessage) => boolean) => {
    const oldest = Number(call.args.oldest ?? 0);
    const withMetadata = String(call.args.include_all_metadata) === 'true';
    const found = messages.filter((message) => matches(message) && Number(message.ts) > oldest).reverse();
    const offset = Number(call.args.cursor ?? 0);
    const limit = Number(call.args.limit ?? 100);
    const page = found.slice(offset, offset + limit).map((message) => ({
      type: 'message',
      text: message.text,
      ts: message.ts,
      ...(message.threadTs ? { thread_ts: message.threadTs } : {}),
      ...(withMetadata && message.metadata !== undefined ? { metadata: message.metadata } : {}),
    }));
    const more = offset + limit < found.length;
    return answer(res, 200, { ok: true, messages: page, has_more: more, response_metadata: { next_cursor: more ? String(offset + limit) : '' } });
  };

  const answerOk = (call: SlackCall, res: ServerResponse) => {
    const channel = channelIdOf(call.args.channel);
    switch (call.method) {
      case 'chat.postMessage': {
        const { ts, text } = acceptMessage(call);
        return answer(res, 200, { ok: true, channel, ts, message: { type: 'message', text, ts } });
      }
      case 'conversations.history':
        return listMessages(call, res, (message) => message.channel === channel && message.threadTs === undefined);
      case 'conversations.replies':
        return listMessages(call, res, (message) => message.channel === channel && (message.ts === call.args.ts || message.threadTs === call.args.ts));
      case 'chat.update':
        return answer(res, 200, { ok: true, channel, ts: call.args.ts, text: call.args.text });
      case 'conversations.open':
        return answer(res, 200, { ok: true, channel: { id: channelIdOf(call.args.users) } });
      case 'auth.test':
        return answer(res, 200, { ok: true, user_id: 'UEARSHOT', team_id: 'TTEST' });
      default:
        call.reply = 'slack-error';
        return answer(res, 200, { ok: false, error: 'unknown_method' });
    }
  };

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const delivered = (method?: string) => calls.filter((call) => call.reply === 'ok' && (method === undefined || call.method === method));
  return {
    url: `http://127.0.0.1:${port}/api/`,
    calls,
    delivered,
    posts: (channel) => delivered('chat.postMessage').filter((call) => channel === undefined || call.args.channel === channel),
    updates: () => delivered('chat.update'),
    messages,
    queue: (...replies) => void queued.push(...replies),
    setResponder: (next) => {
      responder = next;
    },
    dropHeld: () => {
      for (const res of held.splice(0)) res.socket?.destroy();
    },
    close: async () => {
      for (const res of held.splice(0)) res.socket?.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
