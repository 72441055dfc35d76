import type { ServiceDefinition } from '@earshot/runtime';

/** Placeholder until issue #5 lands: the process layout and lifecycle are in place, the router's work is not. */
export const routerService: ServiceDefinition = {
  name: 'router',
  async start({ logger }) {
    logger.warn('classified mentions are not routed or alerted yet (issue #5)');
    return { stop: async () => undefined };
  },
};
