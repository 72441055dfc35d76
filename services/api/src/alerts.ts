import type { Logger } from '@earshot/logging';
import type { AlertUpdateRequester } from './items/commands.js';

/**
 * SEAM for packages/notify's `requestAlertUpdate(client, itemId)`, which
 * queues the chat.update of the item's Slack alert in the outbox inside the
 * caller's transaction. Until that package lands the state change is stored
 * without queueing the update, and this says so once per process.
 */
export function alertUpdatesUntilNotifyLands(logger: Logger): AlertUpdateRequester {
  let warned = false;
  return async () => {
    if (warned) return;
    warned = true;
    logger.warn('Slack alerts are not updated after a state change yet: packages/notify is not wired in');
  };
}
