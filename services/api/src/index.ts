export { apiService } from './service.js';
export { registerApi, type ApiDeps, type RegisteredApi } from './app.js';
export { ApiEnvSchema, loadApiEnv, type ApiEnv } from './env.js';
