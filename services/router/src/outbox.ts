import type { PoolClient } from '@earshot/db';
import type { DeliveryChannel } from '@earshot/routing';
import type { SpikeAlert } from '@earshot/domain';

/**
 * What the notification worker renders at send time from the database, so an
 * alert shows the item as it is then, not as it was when enqueued.
 */
export type NotificationPayload =
  | { type: 'item-alert'; itemId: string }
  | { type: 'item-escalation'; itemId: string; stepIndex: number; mention?: string; label?: string }
  | { type: 'spike'; spike: SpikeAlert; mention?: string };

export interface NotificationRequest {
  /** `alert:<itemId>:<recipient>`, `step:<itemId>:<stepIndex>:<recipient>` or `spike:<spikeId>:<recipient>`. */
  dedupeKey: string;
  itemId: string | null;
  kind: 'alert' | 'escalation' | 'spike' | 'digest';
  channel: DeliveryChannel;
  recipient: string;
  payload: NotificationPayload;
}

/**
 * Queues one notification in the transaction of the change that causes it.
 * The dedupe key makes a redelivery or a restart unable to queue it twice;
 * returns whether it was new.
 *
 * Same signature as `@earshot/notify`'s `enqueueNotification`, which is being
 * written alongside; this stands in until it lands.
 */
export async function enqueueNotification(client: Pick<PoolClient, 'query'>, request: NotificationRequest): Promise<boolean> {
  const result = await client.query(
    `INSERT INTO notification_outbox (dedupe_key, item_id, kind, channel, recipient, payload)
     VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (dedupe_key) DO NOTHING`,
    [request.dedupeKey, request.itemId, request.kind, request.channel, request.recipient, JSON.stringify(request.payload)],
  );
  return result.rowCount === 1;
}
