import { parseEnv } from '@earshot/runtime';
import { z } from 'zod';

/** The router's own settings, beside the common ones (DESIGN.md, "Environment"). */
export const RouterEnvSchema = z.object({
  /**
   * How often, in ms, the router looks for due escalation steps, ended
   * snoozes, SLA breaches and queued items it can now assign. It bounds how
   * late a step fires; each look is a few indexed queries.
   */
  ROUTER_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
});
export type RouterEnv = Readonly<z.infer<typeof RouterEnvSchema>>;

export function loadRouterEnv(source: Record<string, string | undefined>): RouterEnv {
  return parseEnv(RouterEnvSchema, source);
}
