import type { ServiceDefinition } from '@earshot/runtime';

/** Placeholder until issue #6 lands: the process layout and lifecycle are in place, the api's work is not. */
export const apiService: ServiceDefinition = {
  name: 'api',
  async start({ logger }) {
    logger.warn('only the health, readiness and metrics endpoints answer (issue #6)');
    return { stop: async () => undefined };
  },
};
