export { ingestorService } from './service.js';
export { IngestorEnvSchema, loadIngestorEnv, type IngestorEnv } from './env.js';
export type { Ingestor, IngestorDeps } from './ingestor.js';
