import type { Pool, PoolClient } from '@earshot/db';
import type { Logger } from '@earshot/logging';
import { z } from 'zod';
import type { Caller } from '../access.js';

/** The channel the `item_change_notify` migration's triggers NOTIFY on. */
const CHANNEL = 'earshot_item_changes';

/** One committed change to an item, as the trigger describes it (current and previous team and assignee). */
export const ItemChangeSchema = z.strictObject({
  itemId: z.uuid(),
  teamIds: z.array(z.string()),
  assigneeIds: z.array(z.string()),
});
export type ItemChange = z.infer<typeof ItemChangeSchema>;

/** Whether a caller's queue shows the item, now or before this change: the same rule as `canActOn`. */
export function callerSeesChange(caller: Caller, change: ItemChange): boolean {
  if (caller.role === 'admin') return true;
  if (caller.responderId !== null && change.assigneeIds.includes(caller.responderId)) return true;
  return change.teamIds.some((teamId) => caller.teamIds.includes(teamId));
}

export interface ItemChangeSubscriber {
  onChange(change: ItemChange): void;
  /** The LISTEN connection broke: changes may have been missed, so the subscriber must start over. */
  onLost(): void;
}

export interface ItemChangeFeed {
  /** Starts listening on first use; resolves once LISTEN is in place, with the function that unsubscribes. */
  subscribe(subscriber: ItemChangeSubscriber): Promise<() => void>;
  /** Ends every subscription (each gets onLost) and returns the connection. */
  close(): Promise<void>;
}

/**
 * One LISTEN connection per API process, shared by every open event stream,
 * so the number of browsers does not cost database connections. Changes made
 * by any process (a router elsewhere, Slack buttons) arrive the same way.
 */
export function createItemChangeFeed(pool: Pool, logger: Logger): ItemChangeFeed {
  const subscribers = new Set<ItemChangeSubscriber>();
  let listener: Promise<PoolClient> | null = null;

  const dropAll = () => {
    const lost = [...subscribers];
    subscribers.clear();
    for (const subscriber of lost) subscriber.onLost();
  };

  async function connect(): Promise<PoolClient> {
    const client = await pool.connect();
    client.on('notification', (message) => {
      if (message.channel !== CHANNEL) return;
      let change: ItemChange;
      try {
        change = ItemChangeSchema.parse(JSON.parse(message.payload ?? ''));
      } catch (error) {
        logger.warn({ reason: error instanceof Error ? error.message : String(error) }, 'ignored a malformed item change notification');
        return;
      }
      for (const subscriber of subscribers) subscriber.onChange(change);
    });
    // pg may report one failure as several errors: act once, and never throw from here.
    client.on('error', (error) => {
      if (!listener) return;
      listener = null;
      logger.warn({ reason: error.message }, 'item change feed lost its LISTEN connection; open event streams end so browsers reconnect and reload');
      client.release(error);
      dropAll();
    });
    try {
      await client.query(`LISTEN ${CHANNEL}`);
    } catch (error) {
      client.release(error instanceof Error ? error : true);
      throw error;
    }
    return client;
  }

  return {
    async subscribe(subscriber) {
      listener ??= connect().catch((error: unknown) => {
        listener = null;
        throw error;
      });
      await listener;
      subscribers.add(subscriber);
      return () => {
        subscribers.delete(subscriber);
      };
    },

    async close() {
      dropAll();
      const pending = listener;
      listener = null;
      const client = await pending?.catch(() => null);
      if (!client) return;
      await client.query(`UNLISTEN ${CHANNEL}`).catch(() => undefined);
      client.release();
    },
  };
}
