import type { SourceConfig } from '@earshot/config';
import type { Logger } from '@earshot/logging';
import type { BrandMatcher } from '@earshot/matcher';
import type { Connector, ConnectorContext } from './connector.js';
import { createBlueskyConnector } from './bluesky/connector.js';
import { createJetstreamConnector } from './bluesky-jetstream/connector.js';
import { createFileConnector } from './file/connector.js';
import { createHackerNewsConnector } from './hackernews/connector.js';
import { createMastodonConnector } from './mastodon/connector.js';
import { createRedditConnector } from './reddit/connector.js';
import { createRssConnector } from './rss/connector.js';
import { readCredentials } from './settings.js';
import { createStackExchangeConnector } from './stackexchange/connector.js';
import { createXConnector } from './x/connector.js';
import { createYouTubeConnector } from './youtube/connector.js';

export interface CreateConnectorOptions {
  /** The process environment: credentials are read from the variables the source names. */
  env: Readonly<Record<string, string | undefined>>;
  matcher: BrandMatcher;
  logger: Logger;
  now?: () => number;
  /** Longest wait for one HTTP response (ms); 30 s by default. */
  requestTimeoutMs?: number;
}

/**
 * The connector for one configured source. Throws `SourceConfigError` when
 * the source cannot work as configured (a credential's variable is unset, a
 * search without a query), naming the problem but never a secret.
 */
export function createConnector(source: SourceConfig, options: CreateConnectorOptions): Connector {
  const base = {
    credentials: readCredentials(source, options.env),
    matcher: options.matcher,
    logger: options.logger,
    now: options.now ?? Date.now,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
  };
  const context = <S extends SourceConfig>(specific: S): ConnectorContext<S> => ({ ...base, source: specific });
  switch (source.platform) {
    case 'x':
      return createXConnector(context(source));
    case 'reddit':
      return createRedditConnector(context(source));
    case 'hackernews':
      return createHackerNewsConnector(context(source));
    case 'mastodon':
      return createMastodonConnector(context(source));
    case 'bluesky':
      return createBlueskyConnector(context(source));
    case 'bluesky-jetstream':
      return createJetstreamConnector(context(source));
    case 'youtube':
      return createYouTubeConnector(context(source));
    case 'rss':
      return createRssConnector(context(source));
    case 'stackexchange':
      return createStackExchangeConnector(context(source));
    case 'file':
      return createFileConnector(context(source));
  }
}
