import type { Pool } from '@earshot/db';
import type { Logger } from '@earshot/logging';
import type { Bus, FatalHandler } from './bus.js';
import { createEmbeddedBus } from './embedded.js';
import { createKafkaBus } from './kafka.js';

export interface BusSettings {
  /** Kafka brokers; empty means the embedded Postgres-backed bus. */
  kafkaBrokers: readonly string[];
  topicPrefix: string;
  clientId: string;
  pool: Pool;
  logger: Logger;
  onFatal: FatalHandler;
}

/** Kafka when brokers are configured, else the embedded bus: one interface, one code path above it. */
export function createBus(settings: BusSettings): Bus {
  const logger = settings.logger.child({ component: 'bus' });
  return settings.kafkaBrokers.length > 0
    ? createKafkaBus({ brokers: [...settings.kafkaBrokers], clientId: settings.clientId, topicPrefix: settings.topicPrefix, logger, onFatal: settings.onFatal })
    : createEmbeddedBus({ pool: settings.pool, topicPrefix: settings.topicPrefix, logger, onFatal: settings.onFatal });
}
