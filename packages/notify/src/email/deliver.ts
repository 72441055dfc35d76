import { loadItemView } from '../item-view.js';
import { markSent, type ClaimedRow } from '../outbox.js';
import { parseStoredPayload } from '../payload.js';
import {
  asDeliveryError,
  countDelivery,
  permanent,
  recordDelivered,
  renderContext,
  settleFailure,
  UnrecordedDeliveryError,
  type DeliveryDeps,
} from '../settle.js';
import { renderDigestEmail, renderItemEmail, renderSpikeEmail, type EmailMessage } from './render.js';
import type { EmailSender } from './transport.js';

export interface EmailDeliveryDeps extends DeliveryDeps {
  email: EmailSender;
  /** The domain of Message-IDs, taken from MAIL_FROM. */
  messageIdDomain: string;
}

/**
 * The same Message-ID for every attempt of a row: if a worker dies after the
 * server took a message and the row is sent again, mail systems that
 * deduplicate on Message-ID (most clients do) show it once.
 */
export function outboxMessageId(rowId: string, domain: string): string {
  return `<earshot.notification.${rowId}@${domain}>`;
}

/** `Earshot <alerts@example.com>` → `example.com`. */
export function messageIdDomainOf(from: string): string {
  const match = /@([A-Za-z0-9.-]+)>?\s*$/.exec(from.trim());
  return match?.[1] ?? 'earshot.invalid';
}

async function render(row: ClaimedRow, deps: EmailDeliveryDeps): Promise<EmailMessage> {
  const parsed = parseStoredPayload(row.payload);
  if ('problem' in parsed) throw permanent(parsed.problem);
  const { payload } = parsed;
  const context = renderContext(deps);
  switch (payload.type) {
    case 'item-alert':
    case 'item-escalation': {
      const view = await loadItemView(deps.pool, payload.itemId);
      if (!view) throw permanent(`item ${payload.itemId} does not exist`, 'item_not_found');
      const kind =
        payload.type === 'item-alert'
          ? { kind: 'alert' as const }
          : { kind: 'escalation' as const, stepIndex: payload.stepIndex, ...(payload.label ? { label: payload.label } : {}) };
      return renderItemEmail(view, kind, context);
    }
    case 'spike':
      return renderSpikeEmail(payload.spike, context);
    case 'digest':
      return renderDigestEmail(payload.digest, context);
    case 'item-update':
      throw permanent('updates edit Slack messages; there is no email to update', 'unsupported');
  }
}

/** Sends one claimed email row and settles it; never throws. */
export async function deliverEmailRow(row: ClaimedRow, deps: EmailDeliveryDeps): Promise<void> {
  try {
    const message = await render(row, deps);
    const { messageId } = await deps.email.send({ ...message, to: row.recipient, messageId: outboxMessageId(row.id, deps.messageIdDomain) });
    await recordDelivered(() => markSent(deps.pool, row.id, messageId, deps.now()));
    countDelivery(row, deps);
  } catch (error) {
    if (error instanceof UnrecordedDeliveryError) {
      deps.logger.error({ err: error, outboxId: row.id }, 'the SMTP server took the email but the outbox could not record it; it is sent again when its lease runs out');
      return;
    }
    await settleFailure(row, asDeliveryError(error), deps).catch((settleError: unknown) =>
      deps.logger.error({ err: settleError, outboxId: row.id }, 'could not record a failed email delivery'),
    );
  }
}
