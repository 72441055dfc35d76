// Reading the repository's deployment files and sources from the infra tests.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseAllDocuments } from 'yaml';

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function readRepoFile(path: string): string {
  return readFileSync(join(REPO_ROOT, path), 'utf8');
}

/** Every document of a YAML file, with compose-style `<<` merge keys applied; a syntax error fails the test. */
export function readYamlDocuments(path: string): unknown[] {
  return parseAllDocuments(readRepoFile(path), { merge: true }).map((document) => {
    if (document.errors.length > 0) throw new Error(`${path}: ${document.errors.map((error) => error.message).join('; ')}`);
    return document.toJS();
  });
}

/** TypeScript sources of every package, service and the CLI (tests excluded). */
export function productionSources(): Array<{ path: string; text: string }> {
  const roots = ['packages', 'services'].flatMap((dir) => readdirSync(join(REPO_ROOT, dir)).map((name) => `${dir}/${name}/src`));
  return [...roots, 'cli/src'].flatMap((root) => listTypeScript(root)).map((path) => ({ path, text: readRepoFile(path) }));
}

function listTypeScript(dir: string): string[] {
  return readdirSync(join(REPO_ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) return listTypeScript(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Environment variables Earshot reads: the keys of the common env schema and
 * of each service's `src/env.ts`, plus direct `process.env.X` reads.
 */
export function environmentContract(): Set<string> {
  // NODE_OPTIONS is read by Node itself (the deployments cap the heap with it).
  const names = new Set<string>(['NODE_OPTIONS']);
  for (const { path, text } of productionSources()) {
    if (path.endsWith('/env.ts')) for (const match of text.matchAll(/^\s+([A-Z][A-Z0-9_]+):/gm)) names.add(match[1]!);
    for (const match of text.matchAll(/process\.env\.([A-Z][A-Z0-9_]+)/g)) names.add(match[1]!);
  }
  return names;
}
