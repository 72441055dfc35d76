import type { PoolClient } from '@earshot/db';

/** What ended (part of) an item's escalation. */
export type EscalationStop = 'acknowledged' | 'handled';

/**
 * Cancels the item's pending escalation steps that `stop` makes moot:
 * acknowledging cancels the steps counted on the ack clock (the handle clock
 * still runs), handling cancels all of them. Call it inside the transaction
 * that changes the item's state, so a step can never fire after the change
 * commits; the timer rows it cancels are locked, so a router firing one of
 * them at that instant finishes first and this waits. Returns how many
 * steps were cancelled.
 */
export async function cancelPendingEscalations(client: Pick<PoolClient, 'query'>, itemId: string, stop: EscalationStop): Promise<number> {
  const result = await client.query(
    `UPDATE escalation_timers SET status = 'cancelled'
     WHERE item_id = $1 AND status = 'pending' AND ($2 = 'handled' OR coalesce(clock, 'ack') = 'ack')`,
    [itemId, stop],
  );
  return result.rowCount ?? 0;
}
