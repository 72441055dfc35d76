/**
 * How many firehose events a second the Jetstream connector takes in and
 * matches locally, from a fake Jetstream on 127.0.0.1 (the socket, JSON
 * parsing, validation and brand matching included; profile lookups not).
 *
 *   pnpm exec tsx packages/connectors/bench/jetstream-bench.ts [--events 200000]
 *
 * The real network carries some hundreds of posts a second.
 */
import { compileBrandQueries } from '@earshot/matcher';
import { createLogger } from '@earshot/logging';
import { SourceSchema, type SourceConfig } from '@earshot/config';
import { createJetstreamConnector } from '../src/index.js';
import { FakeJetstream, jetstreamPost } from '../test/support/index.js';

const eventsArg = process.argv.indexOf('--events');
const total = eventsArg === -1 ? 200_000 : Number(process.argv[eventsArg + 1]);
const words = ['the', 'new', 'release', 'is', 'great', 'broken', 'again', 'love', 'this', 'update', 'shipping', 'today', 'anyone', 'else', 'seeing'];

const jetstream = await FakeJetstream.start();
// No post below names a brand, so no profile is ever looked up; the port is closed anyway.
const appView = 'http://127.0.0.1:9';
const source = SourceSchema.parse({ id: 'bench', platform: 'bluesky-jetstream', baseUrl: jetstream.url, appViewUrl: appView }) as Extract<SourceConfig, { platform: 'bluesky-jetstream' }>;
const connector = createJetstreamConnector({
  source,
  credentials: {},
  matcher: compileBrandQueries([
    { id: 'acme', query: 'acme OR "acme corp" OR @acme OR #acme' },
    { id: 'globex', query: 'globex NOT "globex bank"' },
  ]),
  logger: createLogger({ level: 'silent' }),
  now: Date.now,
  requestTimeoutMs: 5_000,
});

const start = Date.now() * 1000;
let cursor: unknown = { timeUs: start };
await connector.poll({ cursor });
const events = Array.from({ length: total }, (_, index) => {
  const text = Array.from({ length: 12 }, (_, w) => words[(index * 7 + w * 3) % words.length]).join(' ');
  return JSON.stringify(jetstreamPost(`did:plc:user${index % 5000}`, `rk${index}`, start + index + 1, text));
});

const began = process.hrtime.bigint();
for (const event of events) jetstream.send(event);
let taken = 0;
while (taken < start + total) {
  await new Promise((resolve) => setTimeout(resolve, 20));
  const result = await connector.poll({ cursor });
  cursor = result.cursor;
  taken = (result.cursor as { timeUs: number }).timeUs;
}
const seconds = Number(process.hrtime.bigint() - began) / 1e9;
process.stdout.write(`${total} events in ${seconds.toFixed(2)} s: ${Math.round(total / seconds).toLocaleString('en-US')} events/s (one core, sender on the same core)\n`);
await connector.close();
await jetstream.close();
