export { CommonEnvSchema, EnvError, loadCommonEnv, parseEnv, SERVICE_NAMES, type CommonEnv, type ServiceName } from './env.js';
export { buildHttpServer } from './http.js';
export { runUntilSignal } from './process.js';
export { startEarshot, type RunningEarshot, type StartOptions } from './run.js';
export type { RunningService, ServiceContext, ServiceDefinition } from './service.js';
export { syncDirectory } from './directory.js';
