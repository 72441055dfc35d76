export { checkout, createPool, isDatabaseReachable, withTransaction, type Pool, type PoolClient, type PoolOptions } from './pool.js';
export { findMigrationsDir, migrate, readMigrations, type Migration, type MigrationReport } from './migrate.js';
export { ensureEmbeddedPostgres, type EmbeddedDatabase } from './embedded.js';
export { resolveDatabase, type DatabaseTarget } from './runtime.js';
export { createScratchDatabase, type ScratchDatabase } from './scratch.js';
