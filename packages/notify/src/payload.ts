import { SpikeAlertSchema, summarizeZodError } from '@earshot/domain';
import { StatsReportSchema, UrgentItemSchema } from '@earshot/reports';
import { z } from 'zod';

export const NOTIFICATION_KINDS = ['alert', 'escalation', 'spike', 'digest', 'update'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];
export const NOTIFICATION_CHANNELS = ['slack', 'slack-dm', 'email'] as const;
export type NotificationChannel = (typeof NOTIFICATION_CHANNELS)[number];

const SlackUserId = z.string().regex(/^[UW][A-Z0-9]+$/, 'must be a Slack user id like U0123ABCD');

/** A digest as computed when its schedule fired; sent as is to every recipient. */
export const DigestReportSchema = z.strictObject({
  /** The digest's name in the config, or `digests[i]`. */
  id: z.string().min(1),
  name: z.string().min(1),
  scheduledAt: z.iso.datetime({ offset: true }),
  timezone: z.string().min(1),
  stats: StatsReportSchema,
  topItems: z.array(UrgentItemSchema).max(50),
});
export type DigestReport = z.infer<typeof DigestReportSchema>;

/**
 * What an outbox row asks for. Item payloads only reference the item: the
 * worker renders at send time from the database, so an alert shows the
 * item's state when it is sent, not when it was enqueued.
 */
export const NotificationPayloadSchema = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('item-alert'), itemId: z.uuid() }),
  z.strictObject({
    type: z.literal('item-escalation'),
    itemId: z.uuid(),
    /** Index of the step in `config.escalation`. */
    stepIndex: z.number().int().nonnegative(),
    /** Slack user id to @mention in a channel message (the lead, at breach). */
    mention: SlackUserId.optional(),
    /** The step's name or time, shown in the message ("100% ack"). */
    label: z.string().min(1).max(200).optional(),
  }),
  /** Internal: chat.update of one posted Slack message (see requestAlertUpdate). */
  z.strictObject({ type: z.literal('item-update'), itemId: z.uuid(), slackMessageId: z.number().int().positive() }),
  z.strictObject({ type: z.literal('spike'), spike: SpikeAlertSchema, mention: SlackUserId.optional() }),
  z.strictObject({ type: z.literal('digest'), digest: DigestReportSchema }),
]);
export type NotificationPayload = z.infer<typeof NotificationPayloadSchema>;
export type ItemAlertPayload = Extract<NotificationPayload, { type: 'item-alert' }>;
export type ItemEscalationPayload = Extract<NotificationPayload, { type: 'item-escalation' }>;
export type ItemUpdatePayload = Extract<NotificationPayload, { type: 'item-update' }>;
export type SpikePayload = Extract<NotificationPayload, { type: 'spike' }>;
export type DigestPayload = Extract<NotificationPayload, { type: 'digest' }>;

const PAYLOAD_OF_KIND: Record<NotificationKind, NotificationPayload['type']> = {
  alert: 'item-alert',
  escalation: 'item-escalation',
  update: 'item-update',
  spike: 'spike',
  digest: 'digest',
};

const RECIPIENT_OF_CHANNEL: Record<NotificationChannel, z.ZodType<string>> = {
  slack: z.string().regex(/^[CGD][A-Za-z0-9]+$|^#[A-Za-z0-9_-]+$/, 'must be a Slack channel id like C0123ABCD or a name like #support'),
  'slack-dm': SlackUserId,
  email: z.email('must be an email address'),
};

export interface NotificationRequest {
  /** The outbox dedupes on it: the same key is never sent twice. Spell it from what makes the message unique, e.g. `escalation:<item>:<step>:<recipient>`. */
  dedupeKey: string;
  itemId: string | null;
  kind: NotificationKind;
  channel: NotificationChannel;
  /** Slack channel id or #name (`slack`), Slack user id (`slack-dm`), email address (`email`). */
  recipient: string;
  payload: NotificationPayload;
  /** Do not send before this time (default: now). */
  notBefore?: Date;
}

const RequestSchema = z.strictObject({
  dedupeKey: z.string().min(1).max(500),
  itemId: z.uuid().nullable(),
  kind: z.enum(NOTIFICATION_KINDS),
  channel: z.enum(NOTIFICATION_CHANNELS),
  recipient: z.string().min(1).max(320),
  payload: NotificationPayloadSchema,
  notBefore: z.date().optional(),
});

/** Bad input to enqueueNotification: a programming error in the caller, never worth retrying. */
export class NotificationRequestError extends Error {
  readonly retriable = false;
  constructor(message: string) {
    super(`invalid notification: ${message}`);
    this.name = 'NotificationRequestError';
  }
}

/** Validates a request as a whole (fields, kind against payload, recipient against channel, item ids agree). */
export function checkNotificationRequest(request: NotificationRequest): NotificationRequest {
  const parsed = RequestSchema.safeParse(request);
  if (!parsed.success) throw new NotificationRequestError(summarizeZodError(parsed.error));
  const valid = parsed.data;
  const recipient = RECIPIENT_OF_CHANNEL[valid.channel].safeParse(valid.recipient);
  if (!recipient.success) throw new NotificationRequestError(`recipient: ${recipient.error.issues[0]?.message ?? 'invalid'} (channel ${valid.channel})`);
  if (PAYLOAD_OF_KIND[valid.kind] !== valid.payload.type) {
    throw new NotificationRequestError(`payload.type: a ${valid.kind} carries a "${PAYLOAD_OF_KIND[valid.kind]}" payload, not "${valid.payload.type}"`);
  }
  if ('itemId' in valid.payload && valid.payload.itemId !== valid.itemId) {
    throw new NotificationRequestError(`itemId: ${String(valid.itemId)} differs from payload.itemId ${valid.payload.itemId}`);
  }
  if (valid.payload.type === 'item-update' && valid.channel !== 'slack') throw new NotificationRequestError('channel: updates edit Slack messages only');
  return valid as NotificationRequest;
}

/** Parses a stored payload; null with the reason when the row cannot be sent. */
export function parseStoredPayload(raw: unknown): { payload: NotificationPayload } | { problem: string } {
  const parsed = NotificationPayloadSchema.safeParse(raw);
  return parsed.success ? { payload: parsed.data } : { problem: `payload: ${summarizeZodError(parsed.error)}` };
}
