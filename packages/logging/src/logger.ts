import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * Every secret-bearing field name we know of, wherever it appears in a log
 * object. Kept in one place so a new secret is redacted everywhere at once.
 */
export const REDACTED_PATHS = [
  'token',
  'password',
  'secret',
  'authorization',
  'bearerToken',
  'accessToken',
  'appPassword',
  'clientSecret',
  'apiKey',
  'accessJwt',
  'refreshJwt',
  'access_token',
  'refresh_token',
  'signingSecret',
  'smtpUrl',
  'webhookUrl',
  'databaseUrl',
  'connectionString',
  'email',
].flatMap((key) => [key, `*.${key}`, `*.*.${key}`, `req.headers.${key}`]);

export function createLogger(options: { level?: string; name?: string; destination?: pino.DestinationStream } = {}): Logger {
  const settings: pino.LoggerOptions = {
    level: options.level ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: options.name ? { app: options.name } : {},
    timestamp: pino.stdTimeFunctions.isoTime,
  };
  return options.destination ? pino(settings, options.destination) : pino(settings);
}
