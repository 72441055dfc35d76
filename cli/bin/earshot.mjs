#!/usr/bin/env node
// The container runs the bundle built by `pnpm build`; a checkout runs the
// TypeScript sources directly through tsx, so no build step is needed.
import { existsSync } from 'node:fs';

const bundle = new URL('../dist/earshot.mjs', import.meta.url);
if (existsSync(bundle)) {
  await import(bundle.href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('../src/main.ts', import.meta.url).href);
}
