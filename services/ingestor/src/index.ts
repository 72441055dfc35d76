export { buildIngestor, ingestorService, type Ingestor, type IngestorDeps } from './service.js';
export { IngestorEnvSchema, loadIngestorEnv, type IngestorEnv } from './env.js';
