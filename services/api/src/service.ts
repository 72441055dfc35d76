import { loadInboxAssets } from '@earshot/inbox';
import { requestAlertUpdate } from '@earshot/notify';
import type { ServiceDefinition } from '@earshot/runtime';
import { registerApi } from './app.js';
import { loadApiEnv } from './env.js';

/** The REST API and the Slack actions endpoint, on the process's one HTTP server. */
export const apiService: ServiceDefinition = {
  name: 'api',
  async start({ config, rawEnv, logger, pool, bus, http, metrics }) {
    const env = loadApiEnv(rawEnv);
    const api = await registerApi(http, {
      config,
      env,
      pool,
      bus,
      logger,
      metrics,
      requestAlertUpdate,
      // Built while the rest starts; the first page load waits for it.
      inbox: loadInboxAssets(),
    });
    // The runtime closes the HTTP server before stopping services, so no new click arrives while replies drain.
    return { stop: () => api.stop() };
  },
};
