import { describe, expect, it } from 'vitest';
import { environmentContract, readRepoFile } from './repo.js';

const dockerfile = readRepoFile('Dockerfile');
/** Instructions with their continuation lines joined, comments dropped. */
const instructions = dockerfile
  .replace(/\\\n/g, ' ')
  .split('\n')
  .map((line) => line.trim())
  .filter((line) => line !== '' && !line.startsWith('#'));
const stages = instructions.filter((line) => line.startsWith('FROM '));
const runtimeStage = instructions.slice(instructions.indexOf(stages[stages.length - 1]!));

function runtime(keyword: string): string[] {
  return runtimeStage.filter((line) => line.startsWith(`${keyword} `));
}

describe('Dockerfile', () => {
  it('builds in one stage and ships a separate runtime stage on node 20', () => {
    expect(stages).toHaveLength(2);
    for (const stage of stages) expect(stage).toMatch(/^FROM node:20-bookworm-slim\b/);
  });

  it('installs the pinned pnpm from package.json and the lockfile as it is', () => {
    const { packageManager } = JSON.parse(readRepoFile('package.json')) as { packageManager: string };
    expect(dockerfile).toContain(`pnpm@${packageManager.replace(/^pnpm@/, '')}`);
    expect(dockerfile).toContain('pnpm install --frozen-lockfile');
    expect(dockerfile).toContain('pnpm build');
  });

  it('runs as a non-root user with earshot start as entrypoint', () => {
    const users = runtime('USER');
    expect(users.length).toBeGreaterThan(0);
    expect(users[users.length - 1]).not.toMatch(/^USER (root|0)(:|$)/);
    expect(runtime('ENTRYPOINT')).toEqual(['ENTRYPOINT ["earshot"]']);
    expect(runtime('CMD')).toEqual(['CMD ["start"]']);
    expect(runtime('STOPSIGNAL')).toEqual(['STOPSIGNAL SIGTERM']);
  });

  it('checks health on /healthz', () => {
    expect(runtime('HEALTHCHECK').join('\n')).toContain('/healthz');
  });

  it('copies only the bundle, its files and migrations into the runtime image, never the sources', () => {
    const copies = runtime('COPY');
    expect(copies.every((line) => line.startsWith('COPY --from=build '))).toBe(true);
    const copied = copies.join('\n');
    for (const path of ['/app/cli/dist/earshot.mjs', '/app/cli/dist/sentiment-model.json', '/app/cli/dist/inbox', '/app/migrations', '/deploy/db/node_modules']) expect(copied).toContain(path);
    expect(copied).not.toMatch(/\/(src|packages|services)\b/);
  });

  it('sets only environment variables Earshot reads', () => {
    const contract = environmentContract();
    const names = runtime('ENV').flatMap((line) => [...line.matchAll(/([A-Z][A-Z0-9_]+)=/g)].map((match) => match[1]!));
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) expect(contract, name).toContain(name);
  });

  it('keeps node_modules and build output of the checkout out of the build context', () => {
    const ignored = readRepoFile('.dockerignore').split('\n');
    expect(ignored).toContain('**/node_modules');
    expect(ignored).toContain('**/dist');
  });
});
