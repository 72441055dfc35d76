import { parseEnv } from '@earshot/runtime';
import { z } from 'zod';

/** Unset and empty mean the same: the feature is off. */
const optional = <T extends z.ZodType>(schema: T) => schema.optional().or(z.literal('').transform(() => undefined));

/** The router's own settings, beside the common ones (DESIGN.md, "Environment"). */
export const RouterEnvSchema = z
  .object({
    /** Slack bot token (xoxb-…); unset means Slack is off and Slack notifications wait in the outbox. */
    SLACK_BOT_TOKEN: optional(z.string().min(1)),
    /** Slack Web API base URL; tests point it at a stub. */
    SLACK_API_URL: z.url({ message: 'must be a URL like https://slack.com/api/' }).default('https://slack.com/api/'),
    /** SMTP server, smtp://user:pass@host:587 or smtps://…:465; unset means email is off and emails wait in the outbox. */
    SMTP_URL: optional(z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL')),
    /** Sender of emails, e.g. "Earshot <earshot@example.com>"; required with SMTP_URL. */
    MAIL_FROM: optional(z.string().min(3)),
    /** Where people open Earshot; alerts and emails link to `<url>/items/<id>`. No links when unset. */
    EARSHOT_PUBLIC_URL: optional(z.url({ message: 'must be a URL like https://earshot.example.com' })),
    /**
     * How often, in ms, the router looks for due escalation steps, ended
     * snoozes, SLA breaches and queued items it can now assign. It bounds how
     * late a step fires; each look is a few indexed queries.
     */
    ROUTER_TICK_MS: z.coerce.number().int().min(50).max(60_000).default(1_000),
  })
  .refine((env) => env.SMTP_URL === undefined || env.MAIL_FROM !== undefined, {
    message: 'MAIL_FROM must be set when SMTP_URL is (the sender of Earshot emails)',
    path: ['MAIL_FROM'],
  });
export type RouterEnv = Readonly<z.infer<typeof RouterEnvSchema>>;

export function loadRouterEnv(source: Record<string, string | undefined>): RouterEnv {
  return parseEnv(RouterEnvSchema, source);
}
