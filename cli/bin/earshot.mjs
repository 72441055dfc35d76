#!/usr/bin/env node
// A checkout runs the TypeScript sources directly through tsx, so no build
// step is needed and a bundle left by an older `pnpm build` is never run by
// mistake. The container image ships only the bundle (cli/dist/earshot.mjs,
// built by `pnpm build`), without the sources.
import { existsSync } from 'node:fs';

const sources = new URL('../src/main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import(new URL('../dist/earshot.mjs', import.meta.url).href);
}
