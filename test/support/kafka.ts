/**
 * Brokers for tests that need Kafka. Without `KAFKA_BROKERS` those tests skip
 * with a visible message; with `REQUIRE_KAFKA=1` (CI) a missing broker is an error.
 */
export function kafkaBrokersForTests(): string[] | null {
  const brokers = (process.env.KAFKA_BROKERS ?? '').split(',').map((b) => b.trim()).filter(Boolean);
  if (brokers.length > 0) return brokers;
  if (process.env.REQUIRE_KAFKA === '1') throw new Error('REQUIRE_KAFKA=1 but KAFKA_BROKERS is not set');
  console.warn('KAFKA_BROKERS is not set: skipping the tests that need a Kafka broker (start one with infra/kafka.sh start)');
  return null;
}

export function uniqueName(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;
}
