import type { SourceConfig, SourcePlatform } from '@earshot/config';
import type { Mention } from '@earshot/domain';
import type { Logger } from '@earshot/logging';
import type { BrandMatcher } from '@earshot/matcher';

/** A cursor as stored in `source_cursors.cursor` (jsonb): plain JSON, owned by the connector that wrote it. */
export type CursorValue = { [key: string]: unknown };

/** What a connector is built from; one per configured source. */
export interface ConnectorContext<S extends SourceConfig = SourceConfig> {
  source: S;
  /** Values of the environment variables named in `source.credentials`; never logged. */
  credentials: Readonly<Record<string, string>>;
  /** The brands' queries, compiled once per config load: only posts it matches are returned. */
  matcher: BrandMatcher;
  /** Bound to the source id. */
  logger: Logger;
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  now: () => number;
  /** Longest wait for one HTTP response, in ms. */
  requestTimeoutMs: number;
}

export interface PollRequest {
  /** The cursor the previous accepted poll returned, or null on the first run (the connector backfills). */
  cursor: unknown;
  /** Aborted when the service stops while the poll still waits on the platform; the poll then fails and is asked again later. */
  signal?: AbortSignal;
}

export interface PollResult {
  /** Normalised, validated posts that match at least one brand (`matchedBrands` and `sourceId` set). */
  mentions: Mention[];
  /** Where the next poll starts. Store it only once the bus has accepted `mentions`. */
  cursor: CursorValue;
  /** How long to wait before the next poll, in ms: short while pages remain, the source's interval after, longer when the platform asks. */
  waitMs: number;
  /** Posts the platform returned in this poll, matched or not. */
  fetched: number;
  /** Items dropped because they were malformed (each one logged). */
  skipped: number;
  /** Creation time of the newest post seen in this poll (ms since the epoch), for the lag metric. */
  newestPostAt?: number;
}

/**
 * One configured source on one platform. `poll` performs one step (usually
 * one page of one feed) so the cursor can move after every page; it throws
 * `ConnectorError` (or its `RateLimitedError`) when the step failed, and then
 * the caller retries with the same cursor.
 */
export interface Connector {
  readonly sourceId: string;
  readonly platform: SourcePlatform;
  poll(request: PollRequest): Promise<PollResult>;
  /** Releases connections (websockets) the connector keeps between polls. */
  close(): Promise<void>;
}
