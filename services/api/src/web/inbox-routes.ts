import { INBOX_CONTENT_SECURITY_POLICY, type InboxAsset, type InboxAssets } from '@earshot/inbox';
import type { Logger } from '@earshot/logging';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/**
 * Serves the web inbox: the page at `/` and its files at `/assets/<name>`.
 * The page talks to /v1 with the user's bearer token like any other client.
 * Assets may still be building when the server starts listening; the first
 * request waits for them. Revalidated on every load (ETag), so a new version
 * shows up without a hard refresh.
 */
export async function inboxRoutes(app: FastifyInstance, options: { assets: Promise<InboxAssets>; logger: Logger }): Promise<void> {
  // Caught here at once: a build that fails must not become an unhandled rejection before the first request.
  const ready = options.assets.catch((error: unknown) => {
    options.logger.error({ err: error }, 'the web inbox could not be built; / answers 500');
    return null;
  });

  const send = async (request: FastifyRequest, reply: FastifyReply, name: string) => {
    const assets = await ready;
    if (!assets) return reply.code(500).type('text/plain; charset=utf-8').send('The web inbox failed to build; the server log says why.');
    const asset: InboxAsset | undefined = assets.get(name);
    if (!asset) return reply.code(404).type('text/plain; charset=utf-8').send(`No inbox file ${name}`);
    const gzip = /\bgzip\b/.test(request.headers['accept-encoding'] ?? '');
    const etag = gzip ? `${asset.etag.slice(0, -1)}-gz"` : asset.etag;
    void reply
      .header('content-security-policy', INBOX_CONTENT_SECURITY_POLICY)
      .header('x-content-type-options', 'nosniff')
      .header('referrer-policy', 'no-referrer')
      .header('cache-control', 'no-cache')
      .header('vary', 'accept-encoding')
      .header('etag', etag);
    if (request.headers['if-none-match'] === etag) return reply.code(304).send();
    if (gzip) void reply.header('content-encoding', 'gzip');
    return reply.type(asset.contentType).send(gzip ? asset.gzipped : asset.contents);
  };

  // Pages, not API: left out of the OpenAPI document.
  app.get('/', { schema: { hide: true } }, async (request, reply) => send(request, reply, 'index.html'));
  app.get<{ Params: { name: string } }>('/assets/:name', { schema: { hide: true } }, async (request, reply) => send(request, reply, request.params.name));
}
