/** SQLSTATE classes and codes that mean "try again later", not "this message is bad". */
const TRANSIENT_SQLSTATE = /^(08|53|57P0[1-3]|40001|40P01|55P03)/;
const TRANSIENT_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Whether an error is about the world (database down, broker unreachable)
 * rather than the message. Transient failures are retried without limit, so
 * an outage delays messages instead of dead-lettering them.
 */
export function isTransientError(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; current && depth < 5; current = (current as { cause?: unknown }).cause, depth += 1) {
    const candidate = current as { retriable?: unknown; code?: unknown; name?: unknown; message?: unknown };
    if (candidate.retriable === true) return true;
    if (typeof candidate.code === 'string' && (TRANSIENT_SQLSTATE.test(candidate.code) || TRANSIENT_NODE_CODES.has(candidate.code))) return true;
    if (typeof candidate.name === 'string' && /^KafkaJS(Connection|RequestTimeout|NumberOfRetriesExceeded|Broker)/.test(candidate.name)) return true;
    if (typeof candidate.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/.test(candidate.message)) return true;
  }
  return false;
}
