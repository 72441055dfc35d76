import type { ServiceDefinition } from '@earshot/runtime';
import { loadIngestorEnv } from './env.js';

/**
 * The ingestor as `earshot start` runs it. The connectors (feed parser,
 * HTML converter, websocket client) load only when the service starts, so
 * the CLI's other commands (`config check`, `token`) do not pay for them.
 */
export const ingestorService: ServiceDefinition = {
  name: 'ingestor',
  async start({ config, pool, bus, logger, metrics, rawEnv }) {
    const settings = loadIngestorEnv(rawEnv);
    const { buildIngestor } = await import('./ingestor.js');
    return buildIngestor({ config, pool, bus, logger, metrics, rawEnv, settings });
  },
};
