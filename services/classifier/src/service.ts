import type { ServiceDefinition } from '@earshot/runtime';

/** Placeholder until issue #4 lands: the process layout and lifecycle are in place, the classifier's work is not. */
export const classifierService: ServiceDefinition = {
  name: 'classifier',
  async start({ logger }) {
    logger.warn('mentions published to mentions.raw wait there until the classifier is built (issue #4)');
    return { stop: async () => undefined };
  },
};
