import { parseEnv } from '@earshot/runtime';
import { z } from 'zod';

const ms = (fallback: number) => z.coerce.number().int().positive().default(fallback);

/** The ingestor's own settings; everything else it reads is in the common env and the config. */
export const IngestorEnvSchema = z.object({
  /** How often a replica that does not own a source tries to take it over (ms); a dead owner's sources move within this. */
  INGESTOR_LOCK_RETRY_MS: ms(15_000),
  /** First wait after a failed poll (ms); later ones grow exponentially, with jitter. */
  INGESTOR_MIN_BACKOFF_MS: ms(1_000),
  /** Longest wait after failures (ms), and the wait after an error that needs a human (bad credentials). */
  INGESTOR_MAX_BACKOFF_MS: ms(15 * 60_000),
  /** Longest wait for one platform HTTP response (ms). */
  INGESTOR_REQUEST_TIMEOUT_MS: ms(30_000),
});
export type IngestorEnv = Readonly<z.infer<typeof IngestorEnvSchema>>;

export function loadIngestorEnv(rawEnv: Record<string, string | undefined>): IngestorEnv {
  return parseEnv(IngestorEnvSchema, rawEnv);
}
