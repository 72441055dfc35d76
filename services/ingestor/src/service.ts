import type { ServiceDefinition } from '@earshot/runtime';

/** Placeholder until issue #3 lands: the process layout and lifecycle are in place, the ingestor's work is not. */
export const ingestorService: ServiceDefinition = {
  name: 'ingestor',
  async start({ logger }) {
    logger.warn('the ingestor has no connectors yet, so no source is polled (issue #3)');
    return { stop: async () => undefined };
  },
};
