import type { SourceConfig, SourcePlatform } from '@earshot/config';
import type { ConnectorContext } from './connector.js';
import { SourceConfigError } from './errors.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/**
 * Defaults when a source leaves `every` or `backfill` out. Polls are as
 * frequent as the platform's free limits allow comfortably; backfills reach
 * one hour back, a day for slow sources (feeds, Q&A, YouTube, whose quota is
 * daily), and minutes for the Jetstream firehose (every post of the network).
 */
const DEFAULTS: Record<SourcePlatform, { everyMs: number; backfillMs: number }> = {
  x: { everyMs: MINUTE, backfillMs: HOUR },
  reddit: { everyMs: MINUTE, backfillMs: HOUR },
  hackernews: { everyMs: 2 * MINUTE, backfillMs: HOUR },
  mastodon: { everyMs: MINUTE, backfillMs: HOUR },
  bluesky: { everyMs: MINUTE, backfillMs: HOUR },
  'bluesky-jetstream': { everyMs: 2_000, backfillMs: 5 * MINUTE },
  youtube: { everyMs: 15 * MINUTE, backfillMs: 24 * HOUR },
  rss: { everyMs: 10 * MINUTE, backfillMs: 24 * HOUR },
  stackexchange: { everyMs: 5 * MINUTE, backfillMs: 24 * HOUR },
  file: { everyMs: 5_000, backfillMs: 0 },
};

export function everyMs(source: SourceConfig): number {
  return source.every ?? DEFAULTS[source.platform].everyMs;
}

export function backfillMs(source: SourceConfig): number {
  return source.backfill ?? DEFAULTS[source.platform].backfillMs;
}

/** The base URL requests go to: the source's `baseUrl` (self-hosted, tests) or the platform's. */
export function baseUrl(source: SourceConfig, platformDefault: string): string {
  return (source.baseUrl ?? platformDefault).replace(/\/+$/, '');
}

/** A credential's value; the error names the variable, never a value. */
export function requireCredential(context: ConnectorContext, key: string): string {
  const value = context.credentials[key];
  if (value === undefined) {
    throw new SourceConfigError(`source "${context.source.id}" needs credentials.${key}: name the environment variable that holds it`);
  }
  return value;
}

export function requireQuery(source: SourceConfig): string {
  if (source.query === undefined) {
    throw new SourceConfigError(`source "${source.id}": ${source.platform} searches need a query (the platform-side pre-filter)`);
  }
  return source.query;
}

/**
 * Reads the variables a source's `credentials` names. A variable that is
 * unset or empty is an error naming it (not its value).
 */
export function readCredentials(source: SourceConfig, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const names: Record<string, string | undefined> = 'credentials' in source && source.credentials ? source.credentials : {};
  const values: Record<string, string> = {};
  for (const [key, variable] of Object.entries(names)) {
    if (variable === undefined) continue;
    const value = env[variable];
    if (value === undefined || value === '') {
      throw new SourceConfigError(`source "${source.id}": environment variable ${variable} (credentials.${key}) is not set`);
    }
    values[key] = value;
  }
  return values;
}
