import type { Mention } from '@earshot/domain';
import { SPAM_LIMITS } from './noise.js';
import { fingerprint, foldHandle, readText, type TextSignals } from './text.js';

export const BURST_SETTINGS = {
  /** A near-duplicate joins a burst whose last mention is at most this old (ms); later it starts a new item. */
  windowMs: 24 * 60 * 60 * 1_000,
  /** Bound on the in-memory index (the CLI, benchmarks); the service keeps its index in PostgreSQL. */
  maxEntries: 100_000,
  /** Shorter texts ("is acme down?") are too common to call copies of each other across accounts. */
  minSharedTextChars: 40,
  /**
   * One account writing the same short text twice ("yes", "still not
   * working") is usually answering in two conversations, not repeating a
   * post; such texts are only grouped when the second is an explicit repost.
   */
  minRepeatedTextChars: 20,
  minTitleChars: 20,
  /** Distinct authors remembered per key: as many as the copy-paste spam rule counts, plus the first. */
  authorsKept: SPAM_LIMITS.copiesFromOtherAuthors + 1,
} as const;

/**
 * The keys a mention is known by. Two mentions sharing a key are
 * near-duplicates: a repost and its original (`by:` the original author and
 * text), a quote with no text of its own and the quoted post (`post:`), one
 * story on several sites (`title:`, `text:`).
 */
export interface BurstKeys {
  /** Every key the mention is recorded under. */
  readonly keys: readonly string[];
  /** The keys that make it a near-duplicate of an earlier mention (a subset of `keys`). */
  readonly lookup: readonly string[];
  /** The cross-account text key, whose authors tell copy-paste campaigns apart. */
  readonly sharedText: string | null;
  /** Written by its author, not a repost, a bare quote or an article: only such posts can be spam copies. */
  readonly original: boolean;
}

export function burstKeys(mention: Pick<Mention, 'platform' | 'externalId' | 'author' | 'title' | 'quoteOf'>, text: TextSignals): BurstKeys {
  // The post's own id is only looked up by later quotes and reposts of it.
  const keys = [`post:${mention.platform}:${mention.externalId}`];
  if (mention.quoteOf !== undefined && text.body === '') {
    const quoted = `post:${mention.platform}:${mention.quoteOf.externalId}`;
    keys.push(quoted);
    return { keys, lookup: [quoted], sharedText: null, original: false };
  }
  const lookup: string[] = [];
  let sharedText: string | null = null;
  if (text.body !== '') {
    const digest = fingerprint(text.body);
    const byAuthor = `by:${text.repostOf ?? foldHandle(mention.author.handle)}:${digest}`;
    keys.push(byAuthor);
    if (text.repostOf !== null || text.body.length >= BURST_SETTINGS.minRepeatedTextChars) lookup.push(byAuthor);
    if (text.body.length >= BURST_SETTINGS.minSharedTextChars) {
      sharedText = `text:${digest}`;
      keys.push(sharedText);
      lookup.push(sharedText);
    }
  }
  if (mention.title !== undefined) {
    const title = mention.title.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, ' ').trim();
    if (title.length >= BURST_SETTINGS.minTitleChars) {
      const titleKey = `title:${fingerprint(title)}`;
      keys.push(titleKey);
      lookup.push(titleKey);
    }
  }
  return { keys, lookup, sharedText, original: text.repostOf === null && mention.title === undefined };
}

/** `burstKeys` straight from a mention: what the service loads index entries for before classifying a batch. */
export function mentionBurstKeys(mention: Pick<Mention, 'platform' | 'externalId' | 'author' | 'title' | 'text' | 'url' | 'quoteOf'>): BurstKeys {
  return burstKeys(mention, readText(mention));
}

export interface BurstEntry {
  /** The first mention of the burst: near-duplicates attach to its item. */
  rootId: string;
  /** Epoch ms. */
  firstSeenAt: number;
  lastSeenAt: number;
  /** Distinct author handles seen with this key, at most `BURST_SETTINGS.authorsKept`. */
  authors: string[];
}

export interface BurstMatch {
  /** Id of the first mention of the burst this one belongs to; null when it starts its own. */
  burstOf: string | null;
  /** How many other accounts posted this text recently (0 for reposts and articles). */
  copiesByOtherAuthors: number;
}

/**
 * Recent burst keys and the first mention behind each. Pure: the service
 * loads the entries a batch needs from PostgreSQL, runs the batch through an
 * index built on them and writes back `changes()`; the CLI keeps one in memory.
 */
export class BurstIndex {
  private readonly entries: Map<string, BurstEntry>;
  /**
   * Keys added or updated, in order, possibly repeated or since evicted:
   * `changes()` sorts that out once per batch, which costs less than a set
   * kept up to date for every key of every mention.
   */
  private changedKeys: string[] = [];
  /**
   * The keys `match` was last asked about, when, and the live entries it
   * found for their `lookup` keys: `add` for the same mention, which follows
   * at once, takes them from here rather than hashing and probing again.
   */
  private matched: BurstKeys | null = null;
  private matchedAt = 0;
  private readonly matchedEntries: Array<BurstEntry | null> = [];

  constructor(initial: Iterable<readonly [string, BurstEntry]> = []) {
    this.entries = new Map(initial);
  }

  match(mentionId: string, mentionKeys: BurstKeys, authorHandle: string, now: number): BurstMatch {
    let earliest: BurstEntry | null = null;
    let copies: BurstEntry | null = null;
    for (let index = 0; index < mentionKeys.lookup.length; index += 1) {
      const key = mentionKeys.lookup[index]!;
      const entry = this.live(key, now);
      this.matchedEntries[index] = entry;
      if (key === mentionKeys.sharedText) copies = entry;
      if (entry !== null && entry.rootId !== mentionId && (earliest === null || entry.firstSeenAt < earliest.firstSeenAt)) earliest = entry;
    }
    this.matched = mentionKeys;
    this.matchedAt = now;
    if (!mentionKeys.original) copies = null;
    return { burstOf: earliest?.rootId ?? null, copiesByOtherAuthors: copies === null ? 0 : otherAuthors(copies.authors, foldHandle(authorHandle)) };
  }

  /** Records a mention that was kept (not spam) under all its keys, pointing at its burst's first mention. */
  add(mentionId: string, mentionKeys: BurstKeys, authorHandle: string, burstOf: string | null, now: number): void {
    const author = foldHandle(authorHandle);
    const matchedJustBefore = this.matched === mentionKeys && this.matchedAt === now;
    this.matched = null;
    for (let index = 0; index < mentionKeys.keys.length; index += 1) {
      const key = mentionKeys.keys[index]!;
      // A key looked up by `match` for this mention is not looked up again (unless listed twice: then the first listing changed it).
      const matchedAs = matchedJustBefore && mentionKeys.keys.indexOf(key) === index ? mentionKeys.lookup.indexOf(key) : -1;
      const existing = matchedAs >= 0 ? this.matchedEntries[matchedAs]! : this.live(key, now);
      if (existing === null) {
        // A one-element literal: an empty array grown by `push` reserves room for 17, and most keys never see a second author.
        this.entries.set(key, { rootId: burstOf ?? mentionId, firstSeenAt: now, lastSeenAt: now, authors: [author] });
      } else {
        existing.lastSeenAt = Math.max(existing.lastSeenAt, now);
        if (!existing.authors.includes(author) && existing.authors.length < BURST_SETTINGS.authorsKept) existing.authors.push(author);
        // Re-inserting keeps the map in least-recently-used order for eviction.
        this.entries.delete(key);
        this.entries.set(key, existing);
      }
      this.changedKeys.push(key);
    }
    if (this.entries.size > BURST_SETTINGS.maxEntries) {
      for (const oldest of this.entries.keys()) {
        if (this.entries.size <= BURST_SETTINGS.maxEntries) break;
        this.entries.delete(oldest);
      }
    }
    // A long-lived index (the CLI's) would otherwise remember every key it ever changed.
    if (this.changedKeys.length > 2 * BURST_SETTINGS.maxEntries) this.changedKeys = this.changedKeysPresent();
  }

  /** Entries added or updated since the index was built (and not evicted since), for writing back. */
  changes(): Array<[string, BurstEntry]> {
    return this.changedKeysPresent().map((key) => [key, this.entries.get(key)!]);
  }

  /** Each changed key once, in the order first changed, leaving out keys evicted since. */
  private changedKeysPresent(): string[] {
    return [...new Set(this.changedKeys)].filter((key) => this.entries.has(key));
  }

  private live(key: string, now: number): BurstEntry | null {
    const entry = this.entries.get(key);
    return entry !== undefined && entry.lastSeenAt >= now - BURST_SETTINGS.windowMs ? entry : null;
  }
}

/** How many of `authors` are not `author`. */
function otherAuthors(authors: readonly string[], author: string): number {
  let count = 0;
  for (const other of authors) if (other !== author) count += 1;
  return count;
}
