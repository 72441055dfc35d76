import { SourceSchema, type SourceConfig } from '@earshot/config';
import { compileBrandQueries, type BrandQuery } from '@earshot/matcher';
import type { ConnectorContext } from '../../src/index.js';
import { testLogger } from '../../../../test/support/logger.js';

/** The brands every connector test matches against. */
export const TEST_BRANDS: BrandQuery[] = [
  { id: 'acme', query: 'acme OR "acme corp" OR @acme OR #acme' },
  { id: 'globex', query: 'globex' },
];

/** A fixed clock that tests move by hand. */
export class TestClock {
  constructor(public ms: number) {}
  readonly now = (): number => this.ms;
  advance(ms: number): void {
    this.ms += ms;
  }
}

/** A connector context for one source written as in the YAML config (defaults applied by the real schema). */
export function connectorContext<P extends SourceConfig['platform']>(
  source: { platform: P } & Record<string, unknown>,
  options: { credentials?: Record<string, string>; clock?: TestClock; brands?: BrandQuery[] } = {},
): ConnectorContext<Extract<SourceConfig, { platform: P }>> {
  const parsed = SourceSchema.parse({ id: `${source.platform}-test`, ...source }) as Extract<SourceConfig, { platform: P }>;
  const clock = options.clock ?? new TestClock(Date.now());
  return {
    source: parsed,
    credentials: options.credentials ?? {},
    matcher: compileBrandQueries(options.brands ?? TEST_BRANDS),
    logger: testLogger.child({ sourceId: parsed.id }),
    now: clock.now,
    requestTimeoutMs: 5_000,
  };
}
