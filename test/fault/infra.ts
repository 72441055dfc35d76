import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureEmbeddedPostgres, type EmbeddedDatabase } from '@earshot/db';
import type { Logger } from '@earshot/logging';

/**
 * The run's own broker and database, so that stopping them disturbs nobody
 * else: a Kafka broker from infra/kafka.sh on ports of its own with its data
 * in the run's directory, and an embedded PostgreSQL in the run's directory.
 */

const KAFKA_SCRIPT = fileURLToPath(new URL('../../infra/kafka.sh', import.meta.url));
const run = promisify(execFile);

export interface OwnKafka {
  brokers: string;
  start(): Promise<void>;
  stop(): Promise<void>;
}

export function ownKafka(options: { port: number; controllerPort: number; dataDir: string }): OwnKafka {
  const env = {
    ...process.env,
    KAFKA_PORT: String(options.port),
    KAFKA_CONTROLLER_PORT: String(options.controllerPort),
    EARSHOT_KAFKA_DATA: options.dataDir,
  };
  const kafkaSh = async (command: 'start' | 'stop') => {
    try {
      await run(KAFKA_SCRIPT, [command], { env, maxBuffer: 4 * 1024 * 1024 });
    } catch (error) {
      const stderr = (error as { stderr?: string }).stderr ?? '';
      throw new Error(`infra/kafka.sh ${command} failed (broker log: ${join(options.dataDir, 'server.log')}):\n${stderr.slice(-3000)}`, { cause: error });
    }
  };
  return { brokers: `127.0.0.1:${options.port}`, start: () => kafkaSh('start'), stop: () => kafkaSh('stop') };
}

export interface OwnPostgres {
  url: string;
  /** A real restart: the server shuts down, then starts again on the same port and data. */
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function ownPostgres(dataDir: string, logger: Logger): Promise<OwnPostgres> {
  let server: EmbeddedDatabase | null = await ensureEmbeddedPostgres(dataDir, logger);
  const { url } = server;
  return {
    url,
    async stop() {
      // Ctrl-C reaches PostgreSQL too (same process group): it has stopped by itself, and waiting for its exit would wait forever.
      if (existsSync(join(dataDir, 'pg', 'postmaster.pid'))) await server?.stop();
      server = null;
    },
    async start() {
      if (server) return;
      const started = await ensureEmbeddedPostgres(dataDir, logger);
      server = started;
      if (started.url !== url) throw new Error(`PostgreSQL came back at another address (${started.url}); the services still use ${url}`);
    },
  };
}
