import { parseEnv } from '@earshot/runtime';
import { z } from 'zod';

const positiveInt = z.coerce.number().int().positive();

/** The api's own environment, on top of the common one (DESIGN.md, "Environment"). */
export const ApiEnvSchema = z.object({
  /** Slack app's signing secret; unset means Slack is off and POST /slack/actions is not served. */
  SLACK_SIGNING_SECRET: z
    .string()
    .min(1)
    .optional()
    .or(z.literal('').transform(() => undefined)),
  /** Requests per minute allowed per API token (per replica: the counter lives in memory). */
  EARSHOT_API_RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
  /** Most mentions accepted in one POST /v1/mentions. */
  EARSHOT_API_MAX_MENTIONS_PER_REQUEST: positiveInt.max(10_000).default(500),
  /** Milliseconds between heartbeats on an open GET /v1/events stream; under the usual 60 s proxy idle timeout. */
  EARSHOT_API_EVENTS_HEARTBEAT_MS: positiveInt.min(1_000).max(300_000).default(25_000),
});
export type ApiEnv = Readonly<z.infer<typeof ApiEnvSchema>>;

export function loadApiEnv(rawEnv: Record<string, string | undefined>): ApiEnv {
  return parseEnv(ApiEnvSchema, rawEnv);
}
