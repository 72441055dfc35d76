import { z } from 'zod';

/**
 * Paging a newest-first listing (Reddit, HN, Stack Exchange, YouTube,
 * Bluesky and Mastodon search) down to where the previous poll stopped.
 *
 * The mark is the creation time of the newest post published so far. A walk
 * starts at the top of the listing and pages down until it reaches posts
 * older than the mark minus an overlap; only then does the mark move. The
 * overlap catches posts the platform indexes late; the ids seen inside it
 * keep them from being published twice. A walk cut short (a 429, a crash)
 * resumes from its page token, and a post pushed onto the next page by new
 * arrivals is seen again rather than skipped.
 */

const SeenSchema = z.record(z.string(), z.number());

export const NewestFirstCursorSchema = z.object({
  /** Creation time (ms) of the newest post published, and ids seen within the overlap before it. */
  mark: z.object({ at: z.number(), seen: SeenSchema }),
  /** A walk in progress: the next page to ask for and what the walk has seen. */
  walk: z.object({ page: z.string(), at: z.number(), seen: SeenSchema }).optional(),
});
export type NewestFirstCursor = z.infer<typeof NewestFirstCursorSchema>;

/** Ids kept per cursor: enough for a busy feed's overlap window, small enough for one jsonb value. */
const MAX_SEEN = 2_000;

export function initialNewestFirst(now: number, backfillMs: number): NewestFirstCursor {
  return { mark: { at: now - backfillMs, seen: {} } };
}

/** Posts created before this (ms) are behind the mark: the walk is over when it meets one. */
export function walkCutoff(cursor: NewestFirstCursor, overlapMs: number): number {
  return cursor.mark.at - overlapMs;
}

export interface DatedItem {
  id: string;
  /** Creation time, ms since the epoch. */
  at: number;
}

export interface WalkStep {
  /** Ids of this page's posts that are new. */
  fresh: Set<string>;
  cursor: NewestFirstCursor;
  more: boolean;
}

/**
 * Takes one page of the listing. `nextPage` is the token of the page after
 * it (undefined at the end of the listing).
 */
export function stepNewestFirst(cursor: NewestFirstCursor, page: readonly DatedItem[], nextPage: string | undefined, overlapMs: number): WalkStep {
  const cutoff = walkCutoff(cursor, overlapMs);
  const walkSeen: Record<string, number> = { ...(cursor.walk?.seen ?? {}) };
  let walkAt = cursor.walk?.at ?? cursor.mark.at;
  const fresh = new Set<string>();
  let reachedMark = false;
  for (const item of page) {
    if (item.at < cutoff) {
      reachedMark = true;
      continue;
    }
    if (cursor.mark.seen[item.id] === undefined && walkSeen[item.id] === undefined) fresh.add(item.id);
    walkSeen[item.id] = item.at;
    walkAt = Math.max(walkAt, item.at);
  }
  const more = !reachedMark && nextPage !== undefined && page.length > 0;
  if (more) {
    // Keep the overlap window's ids for the next mark, and this page's for dedupe across a page shift.
    const pageIds = new Set(page.map((item) => item.id));
    const kept = Object.entries(walkSeen).filter(([id, at]) => at >= walkAt - overlapMs || pageIds.has(id));
    return { fresh, more, cursor: { mark: cursor.mark, walk: { page: nextPage, at: walkAt, seen: newest(kept) } } };
  }
  const at = Math.max(cursor.mark.at, walkAt);
  const seen = Object.entries({ ...cursor.mark.seen, ...walkSeen }).filter(([, seenAt]) => seenAt >= at - overlapMs);
  return { fresh, more, cursor: { mark: { at, seen: newest(seen) } } };
}

function newest(entries: Array<[string, number]>): Record<string, number> {
  const kept = entries.length <= MAX_SEEN ? entries : entries.sort((a, b) => b[1] - a[1]).slice(0, MAX_SEEN);
  return Object.fromEntries(kept);
}
