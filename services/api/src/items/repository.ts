import type { Pool, PoolClient } from '@earshot/db';
import type { Category, Classification, ItemState, Mention, Priority, SentimentLabel } from '@earshot/domain';
import type { Caller } from '../access.js';
import { ApiError } from '../errors.js';
import type { ItemDetail, ItemListEntry, ItemView, ListItemsQuery } from '../schemas.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { ItemSnapshot } from './transitions.js';

/**
 * The next SLA deadline: to acknowledge until acknowledged, then to handle;
 * 'infinity' when the item has none. Spelled exactly as in the
 * items_list_order_idx index so the keyset query can use it.
 */
const DUE_SQL = "COALESCE(CASE WHEN i.acknowledged_at IS NULL THEN i.ack_due_at ELSE i.handle_due_at END, 'infinity'::timestamptz)";

export const ITEM_COLUMNS = `i.id, i.mention_id, i.brand_id, i.state, i.priority, i.category, i.team_id, i.assignee_id, i.routing_rule,
  i.sla_applies, i.mention_count, i.ack_due_at, i.handle_due_at, i.snoozed_until, i.created_at, i.updated_at, i.assigned_at,
  i.acknowledged_at, i.acknowledged_by, i.handled_at, i.handled_by`;

export interface ItemRow {
  id: string;
  mention_id: string;
  brand_id: string | null;
  state: ItemState;
  priority: Priority;
  category: Category;
  team_id: string | null;
  assignee_id: string | null;
  routing_rule: string | null;
  sla_applies: boolean;
  mention_count: number;
  ack_due_at: Date | null;
  handle_due_at: Date | null;
  snoozed_until: Date | null;
  created_at: Date;
  updated_at: Date;
  assigned_at: Date | null;
  acknowledged_at: Date | null;
  acknowledged_by: string | null;
  handled_at: Date | null;
  handled_by: string | null;
}

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toItemView(row: ItemRow): ItemView {
  return {
    id: row.id,
    mentionId: row.mention_id,
    brandId: row.brand_id,
    state: row.state,
    priority: row.priority,
    category: row.category,
    teamId: row.team_id,
    assigneeId: row.assignee_id,
    routingRule: row.routing_rule,
    slaApplies: row.sla_applies,
    mentionCount: row.mention_count,
    ackDueAt: iso(row.ack_due_at),
    handleDueAt: iso(row.handle_due_at),
    snoozedUntil: iso(row.snoozed_until),
    createdAt: row.created_at.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    assignedAt: iso(row.assigned_at),
    acknowledgedAt: iso(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
    handledAt: iso(row.handled_at),
    handledBy: row.handled_by,
  };
}

export function toSnapshot(row: ItemRow): ItemSnapshot {
  return {
    state: row.state,
    teamId: row.team_id,
    assigneeId: row.assignee_id,
    assignedAt: row.assigned_at,
    snoozedUntil: row.snoozed_until,
    acknowledgedAt: row.acknowledged_at,
    acknowledgedBy: row.acknowledged_by,
    handledAt: row.handled_at,
    handledBy: row.handled_by,
  };
}

export async function findItem(db: Pool | PoolClient, id: string, options: { lock?: boolean } = {}): Promise<ItemRow | null> {
  const { rows } = await db.query<ItemRow>(`SELECT ${ITEM_COLUMNS} FROM items i WHERE i.id = $1${options.lock ? ' FOR UPDATE' : ''}`, [id]);
  return rows[0] ?? null;
}

/** Writes a decided snapshot back; `updated_at` moves with every change, to the time the decision was made. */
export async function writeSnapshot(client: PoolClient, id: string, next: ItemSnapshot, now: Date): Promise<ItemRow> {
  const { rows } = await client.query<ItemRow>(
    `UPDATE items i SET state = $2, team_id = $3, assignee_id = $4, assigned_at = $5, snoozed_until = $6, acknowledged_at = $7,
       acknowledged_by = $8, handled_at = $9, handled_by = $10, updated_at = $11
     WHERE i.id = $1 RETURNING ${ITEM_COLUMNS}`,
    [id, next.state, next.teamId, next.assigneeId, next.assignedAt, next.snoozedUntil, next.acknowledgedAt, next.acknowledgedBy, next.handledAt, next.handledBy, now],
  );
  return rows[0]!;
}

interface ListRow extends ItemRow {
  platform: string;
  url: string | null;
  author_handle: string;
  excerpt: string;
  due_key: string;
}

/**
 * One page of the items the caller may see, in a stable order (priority,
 * next SLA deadline, id) with keyset paging: a page never repeats or skips
 * an item because others were added meanwhile.
 */
export async function listItems(pool: Pool, caller: Caller, query: ListItemsQuery): Promise<{ items: ItemListEntry[]; nextCursor: string | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const param = (value: unknown) => `$${params.push(value)}`;

  if (caller.role !== 'admin') where.push(`(i.team_id = ANY(${param(caller.teamIds)}) OR i.assignee_id = ${param(caller.responderId)})`);
  if (query.status) where.push(`i.state = ANY(${param(query.status)})`);
  if (query.priority) where.push(`i.priority = ANY(${param(query.priority)})`);
  if (query.assignee === 'none') where.push('i.assignee_id IS NULL');
  else if (query.assignee === 'me') {
    if (!caller.responderId) throw new ApiError('invalid_request', 'query.assignee: this token has no responder, so "me" means no one; give a responder id');
    where.push(`i.assignee_id = ${param(caller.responderId)}`);
  } else if (query.assignee) where.push(`i.assignee_id = ${param(query.assignee)}`);
  if (query.team) {
    if (caller.role !== 'admin' && !caller.teamIds.includes(query.team)) throw new ApiError('forbidden', `query.team: you are not in team ${query.team}`);
    where.push(`i.team_id = ${param(query.team)}`);
  }
  if (query.brand) where.push(`i.brand_id = ${param(query.brand)}`);
  if (query.platform) where.push(`m.platform = ${param(query.platform)}`);
  if (query.cursor) {
    const after = decodeCursor(query.cursor);
    where.push(`(i.priority, ${DUE_SQL}, i.id) > (${param(after.priority)}, ${param(after.due)}::timestamptz, ${param(after.id)}::uuid)`);
  }

  const { rows } = await pool.query<ListRow>(
    `SELECT ${ITEM_COLUMNS}, m.platform, m.url, m.author_handle, left(m.text, 280) AS excerpt,
            CASE WHEN ${DUE_SQL} = 'infinity' THEN 'infinity'
                 ELSE to_char(${DUE_SQL} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') END AS due_key
       FROM items i JOIN mentions m ON m.id = i.mention_id
      ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
      ORDER BY i.priority, ${DUE_SQL}, i.id
      LIMIT ${param(query.limit + 1)}`,
    params,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    items: page.map((row) => ({
      ...toItemView(row),
      mention: { platform: row.platform, url: row.url, authorHandle: row.author_handle, excerpt: row.excerpt },
    })),
    nextCursor: rows.length > query.limit && last ? encodeCursor({ priority: last.priority, due: last.due_key, id: last.id }) : null,
  };
}

interface ClassificationRow {
  sentiment_label: SentimentLabel;
  sentiment_score: number;
  sentiment_confidence: number;
  urgency: number;
  urgency_reasons: string[];
  category: Category;
  priority: Priority;
  model_version: string;
  classified_at: Date;
}

interface TimelineRow {
  id: string;
  item_id: string;
  at: Date;
  type: ItemDetail['timeline'][number]['type'];
  actor_kind: 'system' | 'responder' | 'admin';
  actor_id: string | null;
  via: ItemDetail['timeline'][number]['actor']['via'];
  message: string;
  data: Record<string, unknown>;
}

export function toTimelineEntry(row: TimelineRow): ItemDetail['timeline'][number] {
  return {
    id: String(row.id),
    itemId: row.item_id,
    at: row.at.toISOString(),
    type: row.type,
    actor: { kind: row.actor_kind, id: row.actor_id, via: row.via },
    message: row.message,
    data: row.data,
  };
}

export const TIMELINE_COLUMNS = 'id, item_id, at, type, actor_kind, actor_id, via, message, data';
/** Bounds a pathological timeline (a burst grouped thousands of times); the newest are kept. */
const TIMELINE_LIMIT = 1000;

/**
 * An item with its mention, classification, assignment and timeline. The
 * parts are read side by side, not in one snapshot, so a change committed in
 * between can show in the timeline before it shows in the item.
 */
export async function readItemDetail(pool: Pool, row: ItemRow): Promise<ItemDetail> {
  const [mention, classification, timeline] = await Promise.all([
    pool.query<{ payload: Mention }>('SELECT payload FROM mentions WHERE id = $1', [row.mention_id]),
    pool.query<ClassificationRow>('SELECT * FROM classifications WHERE mention_id = $1', [row.mention_id]),
    pool.query<TimelineRow>(
      `SELECT * FROM (SELECT ${TIMELINE_COLUMNS} FROM timeline_events WHERE item_id = $1 ORDER BY id DESC LIMIT ${TIMELINE_LIMIT}) newest ORDER BY id`,
      [row.id],
    ),
  ]);
  const c = classification.rows[0];
  return {
    item: toItemView(row),
    mention: mention.rows[0]!.payload,
    classification: c ? toClassification(c) : null,
    assignment: {
      teamId: row.team_id,
      assigneeId: row.assignee_id,
      assignedAt: iso(row.assigned_at),
      routingRule: row.routing_rule,
      slaApplies: row.sla_applies,
      ackDueAt: iso(row.ack_due_at),
      handleDueAt: iso(row.handle_due_at),
    },
    timeline: timeline.rows.map(toTimelineEntry),
  };
}

function toClassification(row: ClassificationRow): Classification {
  return {
    sentiment: { label: row.sentiment_label, score: row.sentiment_score, confidence: row.sentiment_confidence },
    urgency: { score: row.urgency, reasons: row.urgency_reasons },
    category: row.category,
    priority: row.priority,
    modelVersion: row.model_version,
    classifiedAt: row.classified_at.toISOString(),
  };
}
