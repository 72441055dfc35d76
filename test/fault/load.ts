import type { MentionInput } from '@earshot/domain';
import { sleep } from './log.js';

export interface LoadOptions {
  apiUrl: () => string;
  token: string;
  /** Mentions per second offered. */
  rate: number;
  /** Mentions per POST /v1/mentions. */
  batchSize: number;
  /** Requests in flight at once; while the pipeline cannot accept, the offered load backs off to this many batches being retried. */
  concurrency: number;
  mention(n: number): MentionInput;
}

export interface Load {
  /** Mention ids the API acknowledged (202): from then on Earshot owns them. */
  accepted: Set<string>;
  /** Requests that failed or were refused and were sent again. */
  retries: number;
  /** Stops offering new batches and waits until every batch in hand is accepted. */
  stop(): Promise<void>;
  /** Stops at once, giving up on the batches in hand (an interrupted run). */
  abandon(): void;
}

/** Longest a request may take before it is abandoned and sent again (the API's publish may be stuck on a broker that is down). */
const REQUEST_TIMEOUT_MS = 30_000;
const RETRY_DELAY_MS = 500;

/**
 * A steady stream of new mentions through POST /v1/mentions, the way a
 * careful client pushes them: a batch that is refused or fails (broker or
 * database down, API busy) is sent again, same ids, until it is accepted.
 */
export function startLoad(options: LoadOptions): Load {
  const accepted = new Set<string>();
  const intervalMs = (1_000 * options.batchSize) / options.rate;
  let next = 0;
  let nextAt = Date.now();
  let running = true;
  let abandoned = false;
  let retries = 0;

  const send = async (batch: MentionInput[]) => {
    while (!abandoned) {
      const answer = await fetch(`${options.apiUrl()}/v1/mentions`, {
        method: 'POST',
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(batch),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      }).catch(() => null);
      if (answer?.status === 202) {
        const { ids } = (await answer.json()) as { ids: string[] };
        for (const id of ids) accepted.add(id);
        return;
      }
      retries += 1;
      await sleep(RETRY_DELAY_MS);
    }
  };

  const worker = async () => {
    while (running) {
      // Slots are spaced evenly; a worker that was held up by retries does not make up for lost time in a rush.
      const at = Math.max(nextAt, Date.now());
      nextAt = at + intervalMs;
      await sleep(at - Date.now());
      if (!running) return;
      const batch = Array.from({ length: options.batchSize }, () => options.mention(next++));
      await send(batch);
    }
  };
  const workers = Array.from({ length: options.concurrency }, worker);

  return {
    accepted,
    get retries() {
      return retries;
    },
    async stop() {
      running = false;
      await Promise.all(workers);
    },
    abandon() {
      running = false;
      abandoned = true;
    },
  };
}
