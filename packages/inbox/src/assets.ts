import { readFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { extname } from 'node:path';

/**
 * Where `pnpm build` put the prebuilt assets; null when running from sources,
 * where they are built in memory at start. cli/build.mjs rewrites this line
 * for the bundle (the folder beside cli/dist/earshot.mjs).
 */
const PREBUILT_DIR: URL | null = null;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
};

/** No inline scripts, nothing from elsewhere; Chart.js sizes its canvases through inline styles. */
export const INBOX_CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

export interface InboxAsset {
  contents: Buffer;
  /** The same, gzip-compressed once at load (the script shrinks to about a third: it matters on a phone). */
  gzipped: Buffer;
  contentType: string;
  /** Strong ETag of the contents, for conditional requests; the gzipped variant's ends in `-gz`. */
  etag: string;
}

/** By file name: `index.html`, `app.css`, `app.js`. */
export type InboxAssets = ReadonlyMap<string, InboxAsset>;

function asset(name: string, contents: Uint8Array): InboxAsset {
  const buffer = Buffer.from(contents);
  return {
    contents: buffer,
    gzipped: gzipSync(buffer, { level: 9 }),
    contentType: CONTENT_TYPES[extname(name)] ?? 'application/octet-stream',
    etag: `"${createHash('sha256').update(buffer).digest('base64url').slice(0, 27)}"`,
  };
}

/** The inbox's files: read from the prebuilt folder in the bundle, or built from sources (esbuild, about a second). */
export async function loadInboxAssets(): Promise<InboxAssets> {
  if (PREBUILT_DIR) {
    const { INBOX_FILES } = await import('../build.mjs');
    const files = await Promise.all(INBOX_FILES.map(async (name) => [name, asset(name, await readFile(new URL(name, PREBUILT_DIR)))] as const));
    return new Map(files);
  }
  const { buildInboxAssets } = await import('../build.mjs');
  return new Map((await buildInboxAssets()).map((file) => [file.name, asset(file.name, file.contents)]));
}
