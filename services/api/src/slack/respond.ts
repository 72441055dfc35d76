import type { Logger } from '@earshot/logging';

/** Slack's response_url accepts a message for 30 minutes; a slow one must not hold the process at shutdown. */
const RESPONSE_TIMEOUT_MS = 5_000;

export interface EphemeralReplies {
  /** Tells the clicking user why nothing changed, as a message only they see; never awaited by the request. */
  send(responseUrl: string | undefined, text: string): void;
  /** Waits for replies in flight (shutdown). */
  drain(): Promise<void>;
}

export function createEphemeralReplies(logger: Logger, fetchImpl: typeof fetch = fetch): EphemeralReplies {
  const inFlight = new Set<Promise<void>>();
  return {
    send(responseUrl, text) {
      if (!responseUrl) return;
      const reply = fetchImpl(responseUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ response_type: 'ephemeral', replace_original: false, text }),
        signal: AbortSignal.timeout(RESPONSE_TIMEOUT_MS),
      })
        .then((response) => {
          if (!response.ok) logger.warn({ status: response.status }, 'Slack refused an ephemeral reply');
        })
        .catch((error: unknown) => logger.warn({ err: error }, 'could not send an ephemeral reply to Slack'))
        .finally(() => inFlight.delete(reply));
      inFlight.add(reply);
    },
    async drain() {
      await Promise.all([...inFlight]);
    },
  };
}
