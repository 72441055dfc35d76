import type { Pool, PoolClient } from '@earshot/db';
import type { ItemState, Priority, SentimentLabel } from '@earshot/domain';

export type Queryable = Pool | PoolClient;

export interface Person {
  id: string;
  name: string;
  slackUserId: string | null;
}

/** What a message about an item shows, read from the database at send time. */
export interface ItemView {
  id: string;
  state: ItemState;
  priority: Priority;
  category: string;
  brandId: string | null;
  teamId: string | null;
  teamName: string | null;
  mentionCount: number;
  slaApplies: boolean;
  ackDueAt: Date | null;
  handleDueAt: Date | null;
  snoozedUntil: Date | null;
  createdAt: Date;
  acknowledgedAt: Date | null;
  handledAt: Date | null;
  mention: {
    platform: string;
    url: string | null;
    title: string | null;
    text: string;
    authorHandle: string;
    authorName: string | null;
    followers: number | null;
    verified: boolean;
    engagement: Record<string, number>;
    postedAt: Date;
  };
  classification: {
    sentiment: SentimentLabel;
    sentimentScore: number;
    sentimentConfidence: number;
    urgency: number;
    urgencyReasons: string[];
  } | null;
  assignee: Person | null;
  lead: Person | null;
  /** The latest acknowledgement, handling, snooze or reassignment, for "Acknowledged by …". */
  lastAction: { type: string; at: Date; actor: Person | null } | null;
  /** Changes whenever what an alert shows about the item changes; dedupes chat.update requests. */
  version: string;
}

/**
 * The item's state version as SQL over `items i`. Every column an alert shows
 * about the item's handling is in it, and `updated_at`, so that A → B → A
 * reassignments are three versions, not two.
 */
export const ITEM_VERSION_SQL = `md5(concat_ws('|', i.state, coalesce(i.assignee_id, ''), coalesce(i.team_id, ''), i.priority, i.mention_count,
  coalesce(extract(epoch FROM i.snoozed_until)::text, ''), coalesce(extract(epoch FROM i.acknowledged_at)::text, ''),
  coalesce(extract(epoch FROM i.handled_at)::text, ''), extract(epoch FROM i.updated_at)::text))`;

const ACTION_TYPES = ['acknowledged', 'handled', 'snoozed', 'unsnoozed', 'reassigned'];

interface ItemRow {
  id: string;
  state: ItemState;
  priority: Priority;
  category: string;
  brand_id: string | null;
  team_id: string | null;
  team_name: string | null;
  mention_count: number;
  sla_applies: boolean;
  ack_due_at: Date | null;
  handle_due_at: Date | null;
  snoozed_until: Date | null;
  created_at: Date;
  acknowledged_at: Date | null;
  handled_at: Date | null;
  version: string;
  platform: string;
  url: string | null;
  title: string | null;
  text: string;
  author_handle: string;
  author_name: string | null;
  author_followers: number | null;
  author_verified: boolean | null;
  engagement: Record<string, unknown> | null;
  posted_at: Date;
  sentiment_label: SentimentLabel | null;
  sentiment_score: number | null;
  sentiment_confidence: number | null;
  urgency: number | null;
  urgency_reasons: string[] | null;
  assignee_id: string | null;
  assignee_name: string | null;
  assignee_slack: string | null;
  lead_id: string | null;
  lead_name: string | null;
  lead_slack: string | null;
  action_type: string | null;
  action_at: Date | null;
  actor_id: string | null;
  actor_name: string | null;
  actor_slack: string | null;
}

/** One query: the item, its mention, classification, assignee, team lead and latest action. Null when the item is gone. */
export async function loadItemView(db: Queryable, itemId: string): Promise<ItemView | null> {
  const { rows } = await db.query<ItemRow>(
    `SELECT i.id, i.state, i.priority, i.category, i.brand_id, i.team_id, t.name AS team_name, i.mention_count, i.sla_applies,
            i.ack_due_at, i.handle_due_at, i.snoozed_until, i.created_at, i.acknowledged_at, i.handled_at,
            ${ITEM_VERSION_SQL} AS version,
            m.platform, m.url, m.title, m.text, m.author_handle, m.author_name, m.author_followers, m.author_verified,
            m.engagement, m.created_at AS posted_at,
            c.sentiment_label, c.sentiment_score, c.sentiment_confidence, c.urgency, c.urgency_reasons,
            i.assignee_id, a.name AS assignee_name, a.slack_user_id AS assignee_slack,
            t.lead_id, l.name AS lead_name, l.slack_user_id AS lead_slack,
            e.type AS action_type, e.at AS action_at, e.actor_id, r.name AS actor_name, r.slack_user_id AS actor_slack
     FROM items i
     JOIN mentions m ON m.id = i.mention_id
     LEFT JOIN classifications c ON c.mention_id = m.id
     LEFT JOIN responders a ON a.id = i.assignee_id
     LEFT JOIN teams t ON t.id = i.team_id
     LEFT JOIN responders l ON l.id = t.lead_id
     LEFT JOIN LATERAL (
       SELECT type, at, actor_id FROM timeline_events WHERE item_id = i.id AND type = ANY($2::text[]) ORDER BY id DESC LIMIT 1
     ) e ON true
     LEFT JOIN responders r ON r.id = e.actor_id
     WHERE i.id = $1`,
    [itemId, ACTION_TYPES],
  );
  const row = rows[0];
  return row ? toItemView(row) : null;
}

function person(id: string | null, name: string | null, slackUserId: string | null): Person | null {
  return id === null ? null : { id, name: name ?? id, slackUserId };
}

function toItemView(row: ItemRow): ItemView {
  const engagement: Record<string, number> = {};
  for (const [key, value] of Object.entries(row.engagement ?? {})) if (typeof value === 'number') engagement[key] = value;
  return {
    id: row.id,
    state: row.state,
    priority: row.priority,
    category: row.category,
    brandId: row.brand_id,
    teamId: row.team_id,
    teamName: row.team_name,
    mentionCount: row.mention_count,
    slaApplies: row.sla_applies,
    ackDueAt: row.ack_due_at,
    handleDueAt: row.handle_due_at,
    snoozedUntil: row.snoozed_until,
    createdAt: row.created_at,
    acknowledgedAt: row.acknowledged_at,
    handledAt: row.handled_at,
    mention: {
      platform: row.platform,
      url: row.url,
      title: row.title,
      text: row.text,
      authorHandle: row.author_handle,
      authorName: row.author_name,
      followers: row.author_followers,
      verified: row.author_verified === true,
      engagement,
      postedAt: row.posted_at,
    },
    classification:
      row.sentiment_label === null
        ? null
        : {
            sentiment: row.sentiment_label,
            sentimentScore: row.sentiment_score ?? 0,
            sentimentConfidence: row.sentiment_confidence ?? 0,
            urgency: row.urgency ?? 0,
            urgencyReasons: row.urgency_reasons ?? [],
          },
    assignee: person(row.assignee_id, row.assignee_name, row.assignee_slack),
    lead: person(row.lead_id, row.lead_name, row.lead_slack),
    lastAction:
      row.action_type === null || row.action_at === null
        ? null
        : { type: row.action_type, at: row.action_at, actor: person(row.actor_id, row.actor_name, row.actor_slack) },
    version: row.version,
  };
}
