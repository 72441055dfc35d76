#!/usr/bin/env node
// A checkout runs the TypeScript sources through tsx, so no build step is
// needed and a stale bundle is never picked up; an image ships only the
// bundle built by `pnpm build` (no src/ beside it) and runs that.
import { existsSync } from 'node:fs';

const sources = new URL('../src/main.ts', import.meta.url);
if (existsSync(sources)) {
  const { register } = await import('tsx/esm/api');
  register();
  await import(sources.href);
} else {
  await import(new URL('../dist/earshot.mjs', import.meta.url).href);
}
