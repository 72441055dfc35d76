// The inbox's browser assets, built with esbuild: by the API in memory when it
// runs from sources, and by `pnpm build` (cli/build.mjs) into cli/dist/inbox/
// for the container image. Plain JavaScript so cli/build.mjs can import it
// without a TypeScript loader.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));

/** The files served under /assets/ (and index.html at /), in the order they are listed. */
export const INBOX_FILES = ['index.html', 'app.css', 'app.js'];

/**
 * Builds the assets without writing anything: index.html and app.css as they
 * are, app.js bundled (Chart.js included) and minified for current browsers.
 * @returns {Promise<Array<{ name: string, contents: Uint8Array }>>}
 */
export async function buildInboxAssets() {
  const { build } = await import('esbuild');
  const result = await build({
    entryPoints: [`${here}src/web/main.ts`],
    bundle: true,
    format: 'esm',
    target: ['es2022', 'chrome111', 'firefox111', 'safari16'],
    minify: true,
    write: false,
    outfile: 'app.js',
    legalComments: 'eof',
    logLevel: 'warning',
  });
  const script = result.outputFiles.find((file) => file.path.endsWith('app.js'));
  if (!script) throw new Error('esbuild produced no app.js for the inbox');
  return [
    { name: 'index.html', contents: readFileSync(`${here}static/index.html`) },
    { name: 'app.css', contents: readFileSync(`${here}static/app.css`) },
    { name: 'app.js', contents: script.contents },
  ];
}
