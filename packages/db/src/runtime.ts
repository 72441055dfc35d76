import type { Logger } from '@earshot/logging';
import { ensureEmbeddedPostgres } from './embedded.js';

export interface DatabaseTarget {
  url: string;
  mode: 'external' | 'embedded';
  /** Stops the embedded server when this process owns it; a no-op otherwise. */
  release(): Promise<void>;
}

/**
 * `DATABASE_URL` when set; otherwise the embedded PostgreSQL under
 * `EARSHOT_DATA_DIR`, shared with a running daemon or started for this process.
 */
export async function resolveDatabase(options: { databaseUrl?: string | undefined; dataDir: string; logger: Logger }): Promise<DatabaseTarget> {
  if (options.databaseUrl) return { url: options.databaseUrl, mode: 'external', release: async () => undefined };
  const embedded = await ensureEmbeddedPostgres(options.dataDir, options.logger);
  return { url: embedded.url, mode: 'embedded', release: () => (embedded.owned ? embedded.stop() : Promise.resolve()) };
}
