import type { Pool } from '@earshot/db';

/** The directory the tests' items refer to: a support team with a lead, two responders. */
export async function seedDirectory(pool: Pool): Promise<void> {
  await pool.query(`INSERT INTO responders (id, name, email, slack_user_id) VALUES
    ('alice', 'Alice Ng', 'alice@example.com', 'UALICE'),
    ('bob', 'Bob Stone', 'bob@example.com', 'UBOB'),
    ('lena', 'Lena Lead', 'lena@example.com', 'ULENA')
    ON CONFLICT (id) DO NOTHING`);
  await pool.query(`INSERT INTO teams (id, name, lead_id, slack_channel, strategy) VALUES
    ('support', 'Customer Support', 'lena', 'C0SUPPORT', 'least-loaded')
    ON CONFLICT (id) DO NOTHING`);
}

export interface ItemSeed {
  text?: string;
  state?: 'open' | 'acknowledged' | 'snoozed' | 'handled';
  priority?: 'P1' | 'P2' | 'P3' | 'P4';
  assignee?: string | null;
  createdAt?: Date;
  ackDueAt?: Date | null;
  handleDueAt?: Date | null;
}

let sequence = 0;

/** A classified negative mention of acme on x with its item; returns the item id. */
export async function seedItem(pool: Pool, seed: ItemSeed = {}): Promise<string> {
  sequence += 1;
  const externalId = `${Date.now()}${sequence}`;
  const mentionId = `x:${externalId}`;
  const createdAt = seed.createdAt ?? new Date();
  await pool.query(
    `INSERT INTO mentions (id, platform, external_id, url, text, lang, author_handle, author_name, author_followers, author_verified,
                           engagement, matched_brands, payload, created_at)
     VALUES ($1, 'x', $2, $3, $4, 'en', 'angrycustomer', 'Angry Customer', 48200, true, '{"likes": 120, "reposts": 33}', '{acme}', '{}', $5)`,
    [mentionId, externalId, `https://x.com/angrycustomer/status/${externalId}`, seed.text ?? `@acme my order #${sequence} never arrived and support is silent`, createdAt],
  );
  await pool.query(
    `INSERT INTO classifications (mention_id, sentiment_label, sentiment_score, sentiment_confidence, urgency, urgency_reasons,
                                  category, priority, model_version, classified_at)
     VALUES ($1, 'negative', -0.82, 0.91, 87, '{"high reach","refund request"}', 'complaint', $2, 'test', $3)`,
    [mentionId, seed.priority ?? 'P1', createdAt],
  );
  const { rows } = await pool.query<{ id: string }>(
    `INSERT INTO items (mention_id, brand_id, state, priority, category, team_id, assignee_id, ack_due_at, handle_due_at, created_at, assigned_at)
     VALUES ($1, 'acme', $2, $3, 'complaint', 'support', $4, $5, $6, $7, $7) RETURNING id`,
    [
      mentionId,
      seed.state ?? 'open',
      seed.priority ?? 'P1',
      seed.assignee === undefined ? 'alice' : seed.assignee,
      seed.ackDueAt === undefined ? new Date(createdAt.getTime() + 15 * 60_000) : seed.ackDueAt,
      seed.handleDueAt === undefined ? new Date(createdAt.getTime() + 4 * 3_600_000) : seed.handleDueAt,
      createdAt,
    ],
  );
  return rows[0]!.id;
}

/** What the API does when someone acknowledges an item, minus the HTTP. */
export async function acknowledgeInDb(client: Pick<Pool, 'query'>, itemId: string, responderId: string): Promise<void> {
  await client.query(`UPDATE items SET state = 'acknowledged', acknowledged_at = now(), updated_at = now() WHERE id = $1`, [itemId]);
  await client.query(
    `INSERT INTO timeline_events (item_id, type, actor_kind, actor_id, via, message) VALUES ($1, 'acknowledged', 'responder', $2, 'slack', 'acknowledged')`,
    [itemId, responderId],
  );
}

export async function outboxRows(pool: Pool): Promise<Array<{ id: string; dedupe_key: string; status: string; attempts: number; provider_ref: string | null; last_error: string | null; recipient: string; kind: string }>> {
  const { rows } = await pool.query('SELECT id::text, dedupe_key, status, attempts, provider_ref, last_error, recipient, kind FROM notification_outbox ORDER BY id');
  return rows;
}
