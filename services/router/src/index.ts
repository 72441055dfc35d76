export { routerService } from './service.js';
export { buildRouter, type Router } from './router.js';
export { createRouterMetrics, type RouterMetrics } from './metrics.js';
export { RouterEnvSchema, loadRouterEnv, type RouterEnv } from './env.js';
