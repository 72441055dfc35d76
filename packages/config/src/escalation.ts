import { z } from 'zod';
import { parseDuration } from './duration.js';

export interface EscalationWhen {
  /** Share of the SLA target, e.g. 50 for `50% ack`. */
  percent: number;
  clock: 'ack' | 'handle';
  /** Added after the percentage point, e.g. `+ 30m`. */
  offsetMs: number;
}

const WHEN = /^(\d+(?:\.\d+)?)%\s*(ack|handle)\s*(?:([+-])\s*(\S+))?$/;

/** `50% ack`, `100% ack + 30m`, `100% handle` → when a step fires, relative to the SLA. */
export function parseEscalationWhen(text: string): EscalationWhen | null {
  const match = WHEN.exec(text.trim());
  if (!match) return null;
  const offset = match[4] === undefined ? 0 : parseDuration(match[4]);
  if (offset === null) return null;
  return { percent: Number(match[1]), clock: match[2] as 'ack' | 'handle', offsetMs: match[3] === '-' ? -offset : offset };
}

/** Who a step notifies: roles resolved per item, or fixed recipients. */
export type NotifyTarget =
  | { kind: 'assignee' | 'team-channel' | 'lead' | 'manager' | 'on-call' }
  | { kind: 'responder'; responderId: string }
  | { kind: 'email'; address: string }
  | { kind: 'slack-channel'; channel: string };

const ROLE_TARGETS = ['assignee', 'team-channel', 'lead', 'manager', 'on-call'] as const;

export function parseNotifyTarget(text: string): NotifyTarget | null {
  if ((ROLE_TARGETS as readonly string[]).includes(text)) return { kind: text as (typeof ROLE_TARGETS)[number] };
  const [scheme, value] = splitOnce(text, ':');
  if (!value) return null;
  if (scheme === 'responder') return { kind: 'responder', responderId: value };
  if (scheme === 'email' && z.email().safeParse(value).success) return { kind: 'email', address: value };
  if (scheme === 'slack') return { kind: 'slack-channel', channel: value };
  return null;
}

function splitOnce(text: string, separator: string): [string, string | undefined] {
  const at = text.indexOf(separator);
  return at < 0 ? [text, undefined] : [text.slice(0, at), text.slice(at + 1)];
}

export const NotifyTargetSchema = z.string().transform((text, ctx) => {
  const target = parseNotifyTarget(text);
  if (!target) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a recipient; use assignee, team-channel, lead, manager, on-call, responder:ID, email:ADDRESS or slack:CHANNEL`,
    });
    return z.NEVER;
  }
  return target;
});

export const EscalationStepSchema = z.strictObject({
  name: z.string().optional(),
  at: z.string().transform((text, ctx) => {
    const when = parseEscalationWhen(text);
    if (!when) {
      ctx.addIssue({ code: 'custom', message: `"${text}" is not a step time; write e.g. "50% ack", "100% ack + 30m", "100% handle"` });
      return z.NEVER;
    }
    return when;
  }),
  notify: z.array(NotifyTargetSchema).min(1),
  via: z.enum(['slack', 'slack-dm', 'email']),
  /** Limit a step to some priorities; all by default. */
  priorities: z.array(z.enum(['P1', 'P2', 'P3', 'P4'])).optional(),
});
export type EscalationStep = z.infer<typeof EscalationStepSchema>;
