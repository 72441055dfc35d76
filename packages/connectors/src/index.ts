export type { Connector, ConnectorContext, CursorValue, PollRequest, PollResult } from './connector.js';
export { ConnectorError, RateLimitedError, SourceConfigError } from './errors.js';
export { createXConnector } from './x/connector.js';
