import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from './repo.js';

// The image runs the esbuild bundle, not the sources: build it into a
// temporary folder and check that it runs commands needing files that the
// sources find relative to themselves (sentiment weights and tables).
describe('pnpm build', () => {
  let outDir: string;
  beforeAll(() => {
    outDir = mkdtempSync(join(tmpdir(), 'earshot-bundle-'));
    execFileSync(process.execPath, [join(REPO_ROOT, 'cli/build.mjs'), outDir], { stdio: 'pipe' });
  }, 120_000);
  afterAll(() => rmSync(outDir, { recursive: true, force: true }));

  function runBundle(args: string[], input?: string): string {
    return execFileSync(process.execPath, [join(outDir, 'earshot.mjs'), ...args], { cwd: outDir, input, encoding: 'utf8', env: { PATH: process.env.PATH } });
  }

  it('writes the bundle with the sentiment weights, the /docs assets and the web inbox beside it', () => {
    for (const file of ['earshot.mjs', 'sentiment-model.json', 'static/index.html', 'inbox/index.html', 'inbox/app.js', 'inbox/app.css']) expect(existsSync(join(outDir, file)), file).toBe(true);
  });

  it('runs config check from the bundle', () => {
    const output = runBundle(['config', 'check', join(REPO_ROOT, 'packages/config/test/fixtures/example.earshot.yaml')]);
    expect(output).toContain('valid (2 brands');
  });

  it('classifies with the shipped sentiment model from the bundle', () => {
    const output = runBundle(['classify'], 'still waiting for my refund, your support is awful\n');
    const result = JSON.parse(output.trim()) as { sentiment: { label: string } };
    expect(result.sentiment.label).toBe('negative');
  });
});
