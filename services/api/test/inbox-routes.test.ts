import { gunzipSync } from 'node:zlib';
import { loadInboxAssets, type InboxAssets } from '@earshot/inbox';
import Fastify from 'fastify';
import { beforeAll, describe, expect, it } from 'vitest';
import { testLogger } from '../../../test/support/logger.js';
import { inboxRoutes } from '../src/web/inbox-routes.js';

let assets: InboxAssets;
beforeAll(async () => {
  assets = await loadInboxAssets();
});

async function serve(source: Promise<InboxAssets>) {
  const app = Fastify();
  await app.register(inboxRoutes, { assets: source, logger: testLogger });
  return app;
}

describe('the inbox pages', () => {
  it('serves the page at / without a token, locked down by its headers', async () => {
    const app = await serve(Promise.resolve(assets));
    const page = await app.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toContain('<title>Earshot inbox</title>');
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(page.headers['cache-control']).toBe('no-cache');
  });

  it('compresses for browsers that accept gzip, and answers 304 to a matching ETag', async () => {
    const app = await serve(Promise.resolve(assets));
    const script = await app.inject({ method: 'GET', url: '/assets/app.js', headers: { 'accept-encoding': 'gzip, deflate, br' } });
    expect(script.headers['content-encoding']).toBe('gzip');
    expect(script.rawPayload.length).toBeLessThan(assets.get('app.js')!.contents.length / 2);
    expect(gunzipSync(script.rawPayload).equals(assets.get('app.js')!.contents)).toBe(true);
    const again = await app.inject({ method: 'GET', url: '/assets/app.js', headers: { 'accept-encoding': 'gzip', 'if-none-match': String(script.headers.etag) } });
    expect(again.statusCode).toBe(304);
    const plain = await app.inject({ method: 'GET', url: '/assets/app.js', headers: { 'if-none-match': String(script.headers.etag) } });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
  });

  it('answers 404 for a file it does not have, and 500 with a reason when the build failed', async () => {
    const app = await serve(Promise.resolve(assets));
    expect((await app.inject({ method: 'GET', url: '/assets/secrets.env' })).statusCode).toBe(404);
    const broken = await serve(Promise.reject(new Error('esbuild: syntax error')));
    const page = await broken.inject({ method: 'GET', url: '/' });
    expect(page.statusCode).toBe(500);
    expect(page.body).toBe('The web inbox failed to build; the server log says why.');
  });
});
