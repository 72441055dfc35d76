import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureEmbeddedPostgres } from '@earshot/db';
import { createLogger } from '@earshot/logging';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    /** A PostgreSQL server on which each test file creates its own database. */
    databaseUrl: string;
  }
}

/**
 * `DATABASE_URL` when set (CI: the machine's PostgreSQL); otherwise a real
 * embedded PostgreSQL kept under the temp dir between runs.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const external = process.env.DATABASE_URL;
  if (external) {
    project.provide('databaseUrl', external);
    return async () => undefined;
  }
  const embedded = await ensureEmbeddedPostgres(join(tmpdir(), 'earshot-test-postgres'), createLogger({ level: 'warn' }));
  project.provide('databaseUrl', embedded.url);
  return () => (embedded.owned ? embedded.stop() : Promise.resolve());
}
