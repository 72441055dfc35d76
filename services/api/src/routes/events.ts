import type { FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireCaller } from '../callers.js';
import { errorResponses } from '../errors.js';
import { callerSeesChange, type ItemChangeFeed } from '../web/item-changes.js';

export interface EventRoutesOptions {
  feed: ItemChangeFeed;
  /** A comment line this often keeps proxies and browsers from timing the stream out, in ms. */
  heartbeatMs: number;
}

/** How long a browser waits before reconnecting a dropped stream, in ms (the SSE `retry` field). */
const RECONNECT_MS = 3_000;

/**
 * `GET /v1/events`: a server-sent event stream of changes to the items the
 * token may see. Bearer auth as everywhere (browsers read it with fetch, not
 * EventSource, which cannot send the header). Events carry only the item id;
 * clients fetch what they show. On connect the stream says `ready`; when it
 * ends (shutdown, lost database connection) clients reconnect and reload, as
 * changes in between may have been missed.
 */
export async function eventRoutes(app: FastifyInstance, options: EventRoutesOptions): Promise<void> {
  const openStreams = new Set<() => void>();
  // Before the server stops listening: an open stream would otherwise hold graceful shutdown until its timeout.
  app.addHook('preClose', async () => {
    for (const end of [...openStreams]) end();
  });

  app.withTypeProvider<ZodTypeProvider>().get(
    '/events',
    {
      schema: {
        summary: 'Live changes to the items you may see, as server-sent events (text/event-stream)',
        description:
          'Events: `ready` once subscribed; `item` with data `{"itemId"}` whenever an item or its timeline changes (from any process); comment lines as heartbeats. Reconnect and reload when the stream ends.',
        tags: ['events'],
        response: { 200: z.string().describe('text/event-stream'), ...errorResponses(401, 403, 429, 503) },
      },
    },
    async (request, reply) => {
      const caller = requireCaller(request);
      const raw = reply.raw;
      let heartbeat: NodeJS.Timeout | undefined;
      let unsubscribe = () => {};
      let ended = false;
      const end = () => {
        if (ended) return;
        ended = true;
        clearInterval(heartbeat);
        unsubscribe();
        openStreams.delete(end);
        raw.end();
      };
      // Subscribed before the headers go out, so a database outage is still an ordinary 503.
      unsubscribe = await options.feed.subscribe({
        onChange: (change) => {
          if (callerSeesChange(caller, change)) raw.write(`event: item\ndata: ${JSON.stringify({ itemId: change.itemId })}\n\n`);
        },
        onLost: end,
      });
      reply.hijack();
      raw.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-cache, no-transform',
        connection: 'keep-alive',
        // Tells nginx-style proxies not to buffer the stream.
        'x-accel-buffering': 'no',
      });
      raw.write(`retry: ${RECONNECT_MS}\nevent: ready\ndata: {}\n\n`);
      heartbeat = setInterval(() => raw.write(': heartbeat\n\n'), options.heartbeatMs);
      openStreams.add(end);
      request.raw.once('close', end);
      // A browser that left while we subscribed has already closed: its 'close' will not come again.
      if (request.raw.socket.destroyed) end();
    },
  );
}
