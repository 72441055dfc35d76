import type { SpikeAlert } from '@earshot/domain';
import type { Delivery } from '@earshot/routing';
import type { NotificationRequest } from './outbox.js';

/**
 * The notifications the router queues, with their dedupe keys: one row per
 * (item, step, recipient), so neither a redelivered message nor a replica
 * firing the same step can queue a second one.
 */

/** The alert about an item, to a channel or a person. */
export function itemAlert(itemId: string, delivery: Delivery): NotificationRequest {
  return {
    dedupeKey: `alert:${itemId}:${delivery.recipient}`,
    itemId,
    kind: 'alert',
    channel: delivery.channel,
    recipient: delivery.recipient,
    payload: { type: 'item-alert', itemId },
  };
}

/** One escalation step of an item, to one recipient; channel messages may @mention someone. `label` names the step in the message. */
export function escalationNotice(itemId: string, stepIndex: number, label: string, delivery: Delivery): NotificationRequest {
  return {
    dedupeKey: `step:${itemId}:${stepIndex}:${delivery.recipient}`,
    itemId,
    kind: 'escalation',
    channel: delivery.channel,
    recipient: delivery.recipient,
    payload: { type: 'item-escalation', itemId, stepIndex, label, ...(delivery.mention === undefined ? {} : { mention: delivery.mention }) },
  };
}

/** A spike (possible crisis), once per spike id and recipient. */
export function spikeNotice(spike: SpikeAlert, delivery: Delivery): NotificationRequest {
  return {
    dedupeKey: `spike:${spike.id}:${delivery.recipient}`,
    itemId: null,
    kind: 'spike',
    channel: delivery.channel,
    recipient: delivery.recipient,
    payload: { type: 'spike', spike, ...(delivery.mention === undefined ? {} : { mention: delivery.mention }) },
  };
}
