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
 *
 * Entries are kept in slots of flat tables rather than as objects: every kept
 * mention adds two or three keys, and an object per key (with its times boxed
 * and an array of authors) was most of what the garbage collector had to
 * move. `BurstEntry` objects exist only at the edges (constructor, `changes()`).
 */
export class BurstIndex {
  /** Key → slot; in least-recently-used order, for eviction. */
  private readonly slotOf = new Map<string, number>();
  private readonly rootIds: string[] = [];
  /** One author as a string (most keys never see a second), several as an array. */
  private readonly authors: Array<string | string[]> = [];
  private firstSeenAt: Float64Array = new Float64Array(INITIAL_SLOTS);
  private lastSeenAt: Float64Array = new Float64Array(INITIAL_SLOTS);
  private slotsUsed = 0;
  /** Slots of evicted keys, reused before new ones. */
  private readonly freeSlots: number[] = [];
  /**
   * Keys added or updated, in order, possibly repeated or since evicted:
   * `changes()` sorts that out once per batch, which costs less than a set
   * kept up to date for every key of every mention.
   */
  private changedKeys: string[] = [];
  /**
   * The keys `match` was last asked about, when, and the slots it found for
   * their `lookup` keys (-1: none): `add` for the same mention, which follows
   * at once, takes them from here rather than hashing and probing again.
   */
  private matched: BurstKeys | null = null;
  private matchedAt = 0;
  private readonly matchedSlots: number[] = [];

  constructor(initial: Iterable<readonly [string, BurstEntry]> = []) {
    for (const [key, entry] of initial) {
      const slot = this.slotOf.get(key) ?? this.newSlot(key);
      this.fill(slot, entry.rootId, entry.firstSeenAt, entry.lastSeenAt, entry.authors.length === 1 ? entry.authors[0]! : [...entry.authors]);
    }
  }

  match(mentionId: string, mentionKeys: BurstKeys, authorHandle: string, now: number): BurstMatch {
    let earliest = -1;
    let copies = -1;
    for (let index = 0; index < mentionKeys.lookup.length; index += 1) {
      const key = mentionKeys.lookup[index]!;
      const slot = this.slotOf.get(key) ?? -1;
      this.matchedSlots[index] = slot;
      if (slot < 0 || !this.isLive(slot, now)) continue;
      if (key === mentionKeys.sharedText) copies = slot;
      if (this.rootIds[slot] !== mentionId && (earliest < 0 || this.firstSeenAt[slot]! < this.firstSeenAt[earliest]!)) earliest = slot;
    }
    this.matched = mentionKeys;
    this.matchedAt = now;
    return {
      burstOf: earliest < 0 ? null : this.rootIds[earliest]!,
      copiesByOtherAuthors: mentionKeys.original && copies >= 0 ? this.otherAuthors(copies, foldHandle(authorHandle)) : 0,
    };
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
      const slot = matchedAs >= 0 ? this.matchedSlots[matchedAs]! : (this.slotOf.get(key) ?? -1);
      if (slot < 0) {
        this.fill(this.newSlot(key), burstOf ?? mentionId, now, now, author);
      } else if (!this.isLive(slot, now)) {
        // An expired key starts over in its slot (and keeps its place in the eviction order, as a map entry overwritten would).
        this.fill(slot, burstOf ?? mentionId, now, now, author);
      } else {
        this.lastSeenAt[slot] = Math.max(this.lastSeenAt[slot]!, now);
        this.addAuthor(slot, author);
        // Re-inserting keeps the map in least-recently-used order for eviction.
        this.slotOf.delete(key);
        this.slotOf.set(key, slot);
      }
      this.changedKeys.push(key);
    }
    if (this.slotOf.size > BURST_SETTINGS.maxEntries) {
      for (const [oldest, slot] of this.slotOf) {
        if (this.slotOf.size <= BURST_SETTINGS.maxEntries) break;
        this.slotOf.delete(oldest);
        this.freeSlots.push(slot);
      }
    }
    // A long-lived index (the CLI's) would otherwise remember every key it ever changed.
    if (this.changedKeys.length > 2 * BURST_SETTINGS.maxEntries) this.changedKeys = this.changedKeysPresent();
  }

  /** Entries added or updated since the index was built (and not evicted since), for writing back. */
  changes(): Array<[string, BurstEntry]> {
    return this.changedKeysPresent().map((key) => {
      const slot = this.slotOf.get(key)!;
      const authors = this.authors[slot]!;
      const entry = { rootId: this.rootIds[slot]!, firstSeenAt: this.firstSeenAt[slot]!, lastSeenAt: this.lastSeenAt[slot]!, authors: typeof authors === 'string' ? [authors] : [...authors] };
      return [key, entry];
    });
  }

  /** Each changed key once, in the order first changed, leaving out keys evicted since. */
  private changedKeysPresent(): string[] {
    return [...new Set(this.changedKeys)].filter((key) => this.slotOf.has(key));
  }

  private isLive(slot: number, now: number): boolean {
    return this.lastSeenAt[slot]! >= now - BURST_SETTINGS.windowMs;
  }

  private newSlot(key: string): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotsUsed;
      this.slotsUsed += 1;
      if (slot === this.firstSeenAt.length) {
        this.firstSeenAt = grown(this.firstSeenAt);
        this.lastSeenAt = grown(this.lastSeenAt);
      }
    }
    this.slotOf.set(key, slot);
    return slot;
  }

  private fill(slot: number, rootId: string, firstSeenAt: number, lastSeenAt: number, authors: string | string[]): void {
    this.rootIds[slot] = rootId;
    this.firstSeenAt[slot] = firstSeenAt;
    this.lastSeenAt[slot] = lastSeenAt;
    this.authors[slot] = authors;
  }

  private addAuthor(slot: number, author: string): void {
    const authors = this.authors[slot]!;
    if (typeof authors === 'string') {
      if (authors !== author && BURST_SETTINGS.authorsKept > 1) this.authors[slot] = [authors, author];
    } else if (!authors.includes(author) && authors.length < BURST_SETTINGS.authorsKept) {
      authors.push(author);
    }
  }

  /** How many of the slot's authors are not `author`. */
  private otherAuthors(slot: number, author: string): number {
    const authors = this.authors[slot]!;
    if (typeof authors === 'string') return authors === author ? 0 : 1;
    let count = 0;
    for (const other of authors) if (other !== author) count += 1;
    return count;
  }
}

/** Slots the tables start with; they double as needed. */
const INITIAL_SLOTS = 1_024;

function grown(table: Float64Array): Float64Array {
  const larger = new Float64Array(table.length * 2);
  larger.set(table);
  return larger;
}
