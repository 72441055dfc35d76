import type { SourceConfig } from '@earshot/config';
import type { Mention } from '@earshot/domain';
import WebSocket from 'ws';
import { z } from 'zod';
import type { Connector, ConnectorContext, PollResult } from '../connector.js';
import { ConnectorError, RateLimitedError } from '../errors.js';
import { retryAfterMs } from '../rate-limit.js';
import { selectMentions } from '../normalise.js';
import { postCandidate, PostRecordSchema } from '../bluesky/post.js';
import { authorDid, ProfileDirectory, withProfile } from '../bluesky/profiles.js';
import { backfillMs, baseUrl, everyMs } from '../settings.js';

type JetstreamSource = Extract<SourceConfig, { platform: 'bluesky-jetstream' }>;

/** Matching posts held between two polls before the socket is paused (backpressure while the bus is slow). */
const MAX_BUFFERED = 5_000;
const POST_COLLECTION = 'app.bsky.feed.post';

/** `time_us` of the last event taken in: Jetstream resumes from it (`?cursor=`), replaying what came after. */
const CursorSchema = z.object({ timeUs: z.number().int().nonnegative() });

const EventSchema = z.object({
  did: z.string().min(1),
  time_us: z.number().int(),
  kind: z.string(),
  commit: z.object({ operation: z.string(), collection: z.string(), rkey: z.string().min(1), record: z.unknown().optional() }).optional(),
});

/**
 * The Bluesky Jetstream firehose: one websocket kept open between polls,
 * every new post matched locally against the brands as it arrives; each
 * poll hands over the matches so far with the `time_us` they reach. When the
 * caller comes back with a cursor other than the last one handed over (a
 * publish failed, another replica took over), the stream is reopened from
 * that cursor, so nothing past an unaccepted cursor is lost.
 */
export function createJetstreamConnector(context: ConnectorContext<JetstreamSource>): Connector {
  const { source, logger } = context;
  const endpoint = `${baseUrl(source, 'wss://jetstream2.us-east.bsky.network')}/subscribe`;
  const collections = source.collections ?? [POST_COLLECTION];
  const profiles = new ProfileDirectory(context, `${(source.appViewUrl ?? 'https://public.api.bsky.app').replace(/\/+$/, '')}/xrpc/app.bsky.actor.getProfiles`);

  let socket: WebSocket | null = null;
  /** The cursor last handed over, which the open stream continues from. */
  let handedOver: number | null = null;
  let buffered: Mention[] = [];
  let takenThrough = 0;
  let fetched = 0;
  let skipped = 0;
  let newestPostAt: number | undefined;
  let paused = false;

  function take(data: WebSocket.RawData): void {
    let event: z.infer<typeof EventSchema>;
    try {
      const parsed = EventSchema.safeParse(JSON.parse(data.toString()));
      if (!parsed.success) throw new Error(parsed.error.issues[0]?.message);
      event = parsed.data;
    } catch (error) {
      skipped += 1;
      logger.warn({ problem: (error as Error).message }, 'skipped a malformed Jetstream event');
      return;
    }
    takenThrough = Math.max(takenThrough, event.time_us);
    const commit = event.commit;
    if (event.kind !== 'commit' || !commit || commit.operation !== 'create' || commit.collection !== POST_COLLECTION) return;
    fetched += 1;
    const record = PostRecordSchema.safeParse(commit.record);
    if (!record.success) {
      skipped += 1;
      logger.warn({ did: event.did, rkey: commit.rkey }, 'skipped a post record without text or createdAt');
      return;
    }
    const createdAt = Date.parse(record.data.createdAt);
    if (Number.isFinite(createdAt)) newestPostAt = Math.max(newestPostAt ?? createdAt, createdAt);
    // Match before validating: nearly every post of the network is not a mention.
    const brands = context.matcher.match({ text: record.data.text, lang: record.data.langs?.[0], platform: 'bluesky', authorHandle: event.did });
    if (brands.length === 0) return;
    const selection = selectMentions([postCandidate(`at://${event.did}/${commit.collection}/${commit.rkey}`, record.data, { handle: event.did })], context);
    skipped += selection.skipped;
    buffered.push(...selection.mentions);
    if (buffered.length >= MAX_BUFFERED && !paused) {
      socket?.pause();
      paused = true;
    }
  }

  async function open(fromTimeUs: number): Promise<void> {
    shut();
    buffered = [];
    takenThrough = fromTimeUs;
    const url = new URL(endpoint);
    for (const collection of collections) url.searchParams.append('wantedCollections', collection);
    url.searchParams.set('cursor', String(fromTimeUs));
    const opening = new WebSocket(url);
    socket = opening;
    opening.on('message', take);
    opening.on('close', (code) => logger.info({ code }, 'Jetstream connection closed; reopening at the next poll'));
    // Socket errors end in 'close' (or fail the opening below); a listener keeps them from being thrown as unhandled.
    opening.on('error', (error) => logger.warn({ err: error }, 'Jetstream connection error'));
    const where = `${url.origin}${url.pathname}`;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no connection within ${context.requestTimeoutMs} ms`)), context.requestTimeoutMs);
      opening.once('open', () => {
        clearTimeout(timer);
        resolve();
      });
      opening.once('unexpected-response', (_request, response) => {
        clearTimeout(timer);
        const headers = new Headers(Object.entries(response.headers).flatMap(([name, value]) => (typeof value === 'string' ? [[name, value]] : [])));
        const status = response.statusCode ?? 0;
        response.resume();
        reject(
          status === 429
            ? new RateLimitedError(`${where} refused the websocket with 429`, { status, retryAfterMs: retryAfterMs(headers, context.now()) })
            : new ConnectorError(`${where} refused the websocket with ${status}`, { retriable: true, status, retryAfterMs: retryAfterMs(headers, context.now()) }),
        );
      });
      opening.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    }).catch((error: Error) => {
      shut();
      if (error instanceof ConnectorError) throw error;
      throw new ConnectorError(`cannot open ${where}: ${error.message}`, { retriable: true, cause: error });
    });
  }

  function shut(): void {
    if (!socket) return;
    // Closing on purpose (a rewind, a stop) is not worth the 'reopening' log line.
    socket.removeAllListeners('message');
    socket.removeAllListeners('close');
    socket.terminate();
    socket = null;
    paused = false;
  }

  return {
    sourceId: source.id,
    platform: source.platform,
    async poll({ cursor }): Promise<PollResult> {
      const stored = CursorSchema.safeParse(cursor);
      const from = stored.success ? stored.data.timeUs : (context.now() - backfillMs(source)) * 1000;
      const isOpen = socket !== null && socket.readyState === WebSocket.OPEN;
      if (handedOver !== from || (!isOpen && buffered.length === 0)) await open(from);

      const mentions = buffered;
      // Events keep arriving while profiles are looked up: the cursor covers only what is handed over now.
      const result = { fetched, skipped, newestPostAt, backlogged: paused, through: takenThrough };
      buffered = [];
      fetched = 0;
      skipped = 0;
      newestPostAt = undefined;
      handedOver = takenThrough;
      if (paused) {
        socket?.resume();
        paused = false;
      }
      const found = await profiles.lookup(mentions.map((mention) => authorDid(mention) ?? mention.author.handle), {}, undefined);
      return {
        mentions: mentions.map((mention) => withProfile(mention, found.get(authorDid(mention) ?? ''))),
        cursor: { timeUs: result.through },
        waitMs: result.backlogged ? 0 : everyMs(source),
        fetched: result.fetched,
        skipped: result.skipped,
        newestPostAt: result.newestPostAt,
      };
    },
    async close() {
      shut();
      handedOver = null;
    },
  };
}
