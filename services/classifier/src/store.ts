import type { BrandSpikeState, BurstEntry } from '@earshot/classification';
import { BURST_SETTINGS } from '@earshot/classification';
import type { PoolClient } from '@earshot/db';
import { mentionId, type Classification, type Mention } from '@earshot/domain';

/**
 * The classifier's SQL, one statement per step of a batch: every function
 * takes the whole batch, so a batch costs a fixed number of round trips.
 */
type Client = Pick<PoolClient, 'query'>;

/** Stores mentions not stored yet; returns the ids of those this call inserted (a redelivery inserts none). */
export async function insertMentions(client: Client, mentions: readonly Mention[]): Promise<Set<string>> {
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO mentions (id, platform, external_id, url, title, text, lang, author_handle, author_name, author_followers,
                           author_verified, engagement, matched_brands, source_id, payload, created_at)
     SELECT m->>'platform' || ':' || (m->>'externalId'), m->>'platform', m->>'externalId', m->>'url', m->>'title', m->>'text', m->>'lang',
            m->'author'->>'handle', m->'author'->>'name', (m->'author'->>'followers')::integer, (m->'author'->>'verified')::boolean,
            m->'engagement', ARRAY(SELECT jsonb_array_elements_text(m->'matchedBrands')), m->>'sourceId', m, (m->>'createdAt')::timestamptz
     FROM jsonb_array_elements($1::jsonb) WITH ORDINALITY AS batch(m, position)
     ORDER BY position
     ON CONFLICT (platform, external_id) DO NOTHING
     RETURNING id`,
    [JSON.stringify(mentions)],
  );
  return new Set(rows.map((row) => row.id));
}

export interface StoredClassification {
  mention: Mention;
  classification: Classification;
  burstOf: string | null;
}

export async function insertClassifications(client: Client, classified: readonly StoredClassification[]): Promise<void> {
  if (classified.length === 0) return;
  const records = classified.map(({ mention, classification: c, burstOf }) => ({
    mention_id: mentionId(mention),
    sentiment_label: c.sentiment.label,
    sentiment_score: c.sentiment.score,
    sentiment_confidence: c.sentiment.confidence,
    urgency: c.urgency.score,
    urgency_reasons: c.urgency.reasons,
    category: c.category,
    priority: c.priority,
    burst_of: burstOf,
    model_version: c.modelVersion,
    classified_at: c.classifiedAt,
  }));
  await client.query(
    `INSERT INTO classifications (mention_id, sentiment_label, sentiment_score, sentiment_confidence, urgency, urgency_reasons,
                                  category, priority, burst_of, model_version, classified_at)
     SELECT mention_id, sentiment_label, sentiment_score, sentiment_confidence, urgency, urgency_reasons,
            category, priority, burst_of, model_version, classified_at
     FROM jsonb_to_recordset($1::jsonb) AS c(mention_id text, sentiment_label text, sentiment_score real, sentiment_confidence real,
                                             urgency smallint, urgency_reasons text[], category text, priority text, burst_of text,
                                             model_version text, classified_at timestamptz)
     ON CONFLICT (mention_id) DO NOTHING`,
    [JSON.stringify(records)],
  );
}

/** Live burst entries for these keys (those inside the burst window ending at `now`). */
export async function loadBurstEntries(client: Client, keys: readonly string[], now: number): Promise<Array<[string, BurstEntry]>> {
  if (keys.length === 0) return [];
  const { rows } = await client.query<{ key: string; root_mention_id: string; first_seen_at: Date; last_seen_at: Date; authors: string[] }>(
    `SELECT key, root_mention_id, first_seen_at, last_seen_at, authors FROM burst_keys
     WHERE key = ANY($1::text[]) AND last_seen_at >= $2`,
    [keys, new Date(now - BURST_SETTINGS.windowMs)],
  );
  return rows.map((row) => [
    row.key,
    { rootId: row.root_mention_id, firstSeenAt: row.first_seen_at.getTime(), lastSeenAt: row.last_seen_at.getTime(), authors: row.authors },
  ]);
}

/**
 * Writes back the entries a batch changed. Merged, not overwritten: another
 * replica may have written the same key since this batch read it (its
 * mentions are on other partitions), and the row that was there first keeps
 * its root unless it had expired. Rows go in key order so two batches
 * upserting the same keys cannot deadlock.
 */
export async function saveBurstEntries(client: Client, entries: ReadonlyArray<readonly [string, BurstEntry]>, now: number): Promise<void> {
  if (entries.length === 0) return;
  const sorted = [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const records = sorted.map(([key, entry]) => ({
    key,
    root_mention_id: entry.rootId,
    first_seen_at: new Date(entry.firstSeenAt).toISOString(),
    last_seen_at: new Date(entry.lastSeenAt).toISOString(),
    authors: entry.authors,
  }));
  await client.query(
    `INSERT INTO burst_keys AS existing (key, root_mention_id, first_seen_at, last_seen_at, authors)
     SELECT key, root_mention_id, first_seen_at, last_seen_at, authors
     FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (key text, root_mention_id text, first_seen_at timestamptz, last_seen_at timestamptz, authors text[]))
          WITH ORDINALITY AS e(key, root_mention_id, first_seen_at, last_seen_at, authors, position)
     ORDER BY position
     ON CONFLICT (key) DO UPDATE SET
       root_mention_id = CASE WHEN existing.last_seen_at < $2 THEN EXCLUDED.root_mention_id ELSE existing.root_mention_id END,
       first_seen_at = CASE WHEN existing.last_seen_at < $2 THEN EXCLUDED.first_seen_at ELSE existing.first_seen_at END,
       authors = CASE WHEN existing.last_seen_at < $2 THEN EXCLUDED.authors
                      ELSE ARRAY(SELECT DISTINCT author FROM unnest(existing.authors || EXCLUDED.authors) AS author LIMIT $3) END,
       last_seen_at = GREATEST(existing.last_seen_at, EXCLUDED.last_seen_at)`,
    [JSON.stringify(records), new Date(now - BURST_SETTINGS.windowMs), BURST_SETTINGS.authorsKept],
  );
}

/** Deletes burst keys past the window, at most `limit` per call so the sweep never holds locks for long. */
export async function sweepBurstKeys(client: Client, now: number, limit: number): Promise<number> {
  const result = await client.query(
    `DELETE FROM burst_keys WHERE key IN (SELECT key FROM burst_keys WHERE last_seen_at < $1 ORDER BY last_seen_at LIMIT $2)`,
    [new Date(now - BURST_SETTINGS.windowMs), limit],
  );
  return result.rowCount ?? 0;
}

/**
 * Locks the spike state rows of these brands for the rest of the
 * transaction, creating the missing ones from `initial` first, in brand
 * order (so concurrent batches cannot deadlock). Replicas consuming other
 * partitions count into the same rows one at a time.
 */
export async function lockSpikeStates(client: Client, initial: readonly BrandSpikeState[]): Promise<BrandSpikeState[]> {
  if (initial.length === 0) return [];
  const sorted = [...initial].sort((a, b) => (a.brandId < b.brandId ? -1 : a.brandId > b.brandId ? 1 : 0));
  await client.query(
    `INSERT INTO spike_states (brand_id, window_start, negative_count, examples, baseline_mean, baseline_variance, windows_observed)
     SELECT brand_id, window_start, 0, '[]', 0, 0, 0
     FROM ROWS FROM (jsonb_to_recordset($1::jsonb) AS (brand_id text, window_start timestamptz)) WITH ORDINALITY AS s(brand_id, window_start, position)
     ORDER BY position
     ON CONFLICT (brand_id) DO NOTHING`,
    [JSON.stringify(sorted.map((state) => ({ brand_id: state.brandId, window_start: new Date(state.windowStart).toISOString() })))],
  );
  const { rows } = await client.query<{
    brand_id: string;
    window_start: Date;
    negative_count: number;
    examples: BrandSpikeState['examples'];
    baseline_mean: number;
    baseline_variance: number;
    windows_observed: number;
    active_spike_id: string | null;
  }>(
    `SELECT brand_id, window_start, negative_count, examples, baseline_mean, baseline_variance, windows_observed, active_spike_id
     FROM spike_states WHERE brand_id = ANY($1::text[]) ORDER BY brand_id FOR UPDATE`,
    [sorted.map((state) => state.brandId)],
  );
  return rows.map((row) => ({
    brandId: row.brand_id,
    windowStart: row.window_start.getTime(),
    negativeCount: row.negative_count,
    examples: row.examples,
    mean: row.baseline_mean,
    variance: row.baseline_variance,
    windowsObserved: row.windows_observed,
    activeSpikeId: row.active_spike_id,
  }));
}

export async function saveSpikeStates(client: Client, states: readonly BrandSpikeState[]): Promise<void> {
  if (states.length === 0) return;
  await client.query(
    `UPDATE spike_states AS target SET
       window_start = s.window_start, negative_count = s.negative_count, examples = s.examples, baseline_mean = s.baseline_mean,
       baseline_variance = s.baseline_variance, windows_observed = s.windows_observed, active_spike_id = s.active_spike_id, updated_at = now()
     FROM jsonb_to_recordset($1::jsonb) AS s(brand_id text, window_start timestamptz, negative_count integer, examples jsonb,
                                             baseline_mean double precision, baseline_variance double precision,
                                             windows_observed integer, active_spike_id text)
     WHERE target.brand_id = s.brand_id`,
    [
      JSON.stringify(
        states.map((state) => ({
          brand_id: state.brandId,
          window_start: new Date(state.windowStart).toISOString(),
          negative_count: state.negativeCount,
          examples: state.examples,
          baseline_mean: state.mean,
          baseline_variance: state.variance,
          windows_observed: state.windowsObserved,
          active_spike_id: state.activeSpikeId,
        })),
      ),
    ],
  );
}
