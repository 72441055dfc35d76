export type { BatchHandler, Bus, Delivery, FatalHandler, OutgoingMessage, SubscribeOptions, Subscription } from './bus.js';
export { DEAD_LETTER_TOPIC, TOPIC_CATALOG, TOPIC_NAMES, type TopicInput, type TopicName, type TopicValue } from './catalog.js';
export { createEmbeddedBus, type EmbeddedBusOptions } from './embedded.js';
export { InvalidMessageError } from './encode.js';
export { isTransientError } from './errors.js';
export { createKafkaBus, type KafkaBusOptions } from './kafka.js';
export { createBus, type BusSettings } from './create.js';
