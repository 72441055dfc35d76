import type { PoolClient } from '@earshot/db';
import { SYSTEM_ACTOR, type TimelineEventType } from '@earshot/domain';

export interface TimelineEntry {
  itemId: string;
  type: TimelineEventType;
  /** What happened and why, for people reading the item. */
  message: string;
  data?: Record<string, unknown>;
  at: Date;
}

/** Appends the router's (system) entries to item timelines in one statement. */
export async function appendTimeline(client: Pick<PoolClient, 'query'>, entries: readonly TimelineEntry[]): Promise<void> {
  if (entries.length === 0) return;
  await client.query(
    `INSERT INTO timeline_events (item_id, at, type, actor_kind, actor_id, via, message, data)
     SELECT e.item_id, e.at, e.type, $2, $3, $4, e.message, coalesce(e.data, '{}')
     FROM jsonb_to_recordset($1::jsonb) AS e(item_id uuid, at timestamptz, type text, message text, data jsonb)`,
    [
      JSON.stringify(entries.map((entry) => ({ item_id: entry.itemId, at: entry.at.toISOString(), type: entry.type, message: entry.message, data: entry.data ?? {} }))),
      SYSTEM_ACTOR.kind,
      SYSTEM_ACTOR.id,
      SYSTEM_ACTOR.via,
    ],
  );
}
