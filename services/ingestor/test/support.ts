import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmbeddedBus, type Bus } from '@earshot/bus';
import { parseConfigText, type EarshotConfig } from '@earshot/config';
import { createPool, type Pool } from '@earshot/db';
import type { Mention } from '@earshot/domain';
import { testLogger } from '../../../test/support/logger.js';

/** Writes a config file with the given sources (YAML text) and one brand, acme. */
export function writeConfig(sourcesYaml: string): { path: string; config: EarshotConfig } {
  const text = `brands:\n  - { id: acme, name: Acme, query: 'acme OR @acme OR #acme' }\n  - { id: globex, name: Globex, query: 'globex' }\nsources:\n${sourcesYaml}`;
  const parsed = parseConfigText(text, 'test config');
  if (!parsed.ok) throw new Error(`bad test config: ${JSON.stringify(parsed.issues)}`);
  const path = join(mkdtempSync(join(tmpdir(), 'earshot-ingestor-')), 'earshot.yaml');
  writeFileSync(path, text);
  return { path, config: parsed.config };
}

/** Everything published on mentions.raw, as a consumer (the classifier) receives it. */
export class RawTopicReader {
  readonly received: Mention[] = [];
  private constructor(
    private readonly pool: Pool,
    private readonly bus: Bus,
  ) {}

  static async open(databaseUrl: string, prefix: string): Promise<RawTopicReader> {
    const pool = createPool(databaseUrl, testLogger, { max: 3 });
    const bus = createEmbeddedBus({ pool, topicPrefix: prefix, logger: testLogger, onFatal: (error) => { throw error; }, pollIntervalMs: 100 });
    const reader = new RawTopicReader(pool, bus);
    await bus.subscribe({
      topic: 'mentions.raw',
      group: `reader-${prefix}`,
      handler: async (messages) => {
        reader.received.push(...messages.map((message) => message.value));
      },
    });
    return reader;
  }

  distinctIds(): Set<string> {
    return new Set(this.received.map((mention) => `${mention.platform}:${mention.externalId}`));
  }

  async close(): Promise<void> {
    await this.bus.close();
    await this.pool.end();
  }
}
