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

/** What the rules read from a mention before judging it: its text signals and the burst keys they give. */
export interface MentionReading {
  readonly text: TextSignals;
  readonly keys: BurstKeys;
}

/**
 * Reads a mention once: the service needs its burst keys first, to load the
 * index entries they name, and `classify` then takes the same reading
 * rather than reading the text again.
 */
export function readMention(mention: Pick<Mention, 'platform' | 'externalId' | 'author' | 'title' | 'text' | 'url' | 'quoteOf'>): MentionReading {
  const text = readText(mention);
  return { text, keys: burstKeys(mention, text) };
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
 * Everything is kept in flat typed tables indexed by slot, not in a
 * `Map<string, …>` and objects: every kept mention adds two or three keys,
 * and keeping each key string alive (and its entry object, boxed times and
 * array of authors) was most of what the garbage collector had to move. The
 * key itself lives as UTF-16 code units in one shared buffer, found through
 * an open-addressing table on a hash of it and compared character by
 * character, so a lookup is exact; a key is a string again only in
 * `changes()`. The least-recently-used order for eviction is a linked list
 * over the slots. `BurstEntry` objects exist only at the edges (constructor,
 * `changes()`).
 */
export class BurstIndex {
  /** Hash table over the keys, linear probing: slot + 1, 0 for an empty bucket. Never more than half full. */
  private buckets = new Int32Array(INITIAL_SLOTS * 2);
  private keyCount = 0;
  /** Per slot: the key's hash, and where its code units are in `keyChars`. */
  private keyHash = new Int32Array(INITIAL_SLOTS);
  private keyStart = new Int32Array(INITIAL_SLOTS);
  private keyLength = new Int32Array(INITIAL_SLOTS);
  private keyChars = new Uint16Array(INITIAL_SLOTS * 32);
  private keyCharsUsed = 0;
  /** Code units of evicted keys, reclaimed by compacting `keyChars` once they are half of it. */
  private keyCharsFreed = 0;
  /** Least-recently-used order, for eviction: each slot's neighbours (-1: none) and the list's ends. */
  private older = new Int32Array(INITIAL_SLOTS);
  private newer = new Int32Array(INITIAL_SLOTS);
  private oldest = -1;
  private newest = -1;
  private readonly rootIds: string[] = [];
  /** One author as a string (most keys never see a second), several as an array. */
  private readonly authors: Array<string | string[]> = [];
  private firstSeenAt = new Float64Array(INITIAL_SLOTS);
  private lastSeenAt = new Float64Array(INITIAL_SLOTS);
  private slotsUsed = 0;
  /** Slots of evicted keys, reused before new ones. */
  private readonly freeSlots: number[] = [];
  /**
   * Slots whose keys were added or updated, in the order first changed, and
   * per slot its place in that list + 1 (0: not listed). An evicted key's
   * listing goes stale (its place is cleared), and a slot reused for another
   * key is listed anew; `changes()` reads only the current listings.
   */
  private changedSlots: number[] = [];
  private changedAt = new Int32Array(INITIAL_SLOTS);
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
      const hash = hashKey(key);
      let slot = this.find(key, hash);
      if (slot < 0) slot = this.newSlot(key, hash);
      this.fill(slot, entry.rootId, entry.firstSeenAt, entry.lastSeenAt, entry.authors.length === 1 ? entry.authors[0]! : [...entry.authors]);
    }
  }

  match(mentionId: string, mentionKeys: BurstKeys, authorHandle: string, now: number): BurstMatch {
    let earliest = -1;
    let copies = -1;
    for (let index = 0; index < mentionKeys.lookup.length; index += 1) {
      const key = mentionKeys.lookup[index]!;
      const slot = this.find(key, hashKey(key));
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
      const hash = matchedAs >= 0 ? 0 : hashKey(key);
      let slot = matchedAs >= 0 ? this.matchedSlots[matchedAs]! : this.find(key, hash);
      if (slot < 0) {
        slot = this.newSlot(key, matchedAs >= 0 ? hashKey(key) : hash);
        this.fill(slot, burstOf ?? mentionId, now, now, author);
      } else {
        this.update(slot, burstOf ?? mentionId, author, now);
      }
      if (this.changedAt[slot] === 0) this.changedAt[slot] = this.changedSlots.push(slot);
    }
    while (this.keyCount > BURST_SETTINGS.maxEntries) this.evict(this.oldest);
    // A long-lived index (the CLI's) would otherwise keep a stale listing for every key it ever evicted.
    if (this.changedSlots.length > 2 * BURST_SETTINGS.maxEntries) this.changedSlots = this.currentChanges();
  }

  /** Entries added or updated since the index was built (and not evicted since), for writing back. */
  changes(): Array<[string, BurstEntry]> {
    this.changedSlots = this.currentChanges();
    return this.changedSlots.map((slot) => {
      const authors = this.authors[slot]!;
      const entry = { rootId: this.rootIds[slot]!, firstSeenAt: this.firstSeenAt[slot]!, lastSeenAt: this.lastSeenAt[slot]!, authors: typeof authors === 'string' ? [authors] : [...authors] };
      return [this.keyOf(slot), entry];
    });
  }

  /** The current listings of `changedSlots`, renumbered: the list to keep in its place. */
  private currentChanges(): number[] {
    const current: number[] = [];
    for (let index = 0; index < this.changedSlots.length; index += 1) {
      const slot = this.changedSlots[index]!;
      if (this.changedAt[slot] === index + 1) this.changedAt[slot] = current.push(slot);
    }
    return current;
  }

  /**
   * A key seen again: a live one is touched (last seen, author, most
   * recently used); an expired one starts over in its slot, keeping its place
   * in the eviction order (as an entry overwritten in a map would).
   */
  private update(slot: number, rootId: string, author: string, now: number): void {
    if (!this.isLive(slot, now)) {
      this.fill(slot, rootId, now, now, author);
      return;
    }
    this.lastSeenAt[slot] = Math.max(this.lastSeenAt[slot]!, now);
    this.addAuthor(slot, author);
    this.unlink(slot);
    this.linkNewest(slot);
  }

  private isLive(slot: number, now: number): boolean {
    return this.lastSeenAt[slot]! >= now - BURST_SETTINGS.windowMs;
  }

  /** The slot holding `key` (whose hash is `hash`), or -1. */
  private find(key: string, hash: number): number {
    const mask = this.buckets.length - 1;
    for (let bucket = hash & mask; ; bucket = (bucket + 1) & mask) {
      const entry = this.buckets[bucket]!;
      if (entry === 0) return -1;
      if (this.keyHash[entry - 1] === hash && this.holdsKey(entry - 1, key)) return entry - 1;
    }
  }

  private holdsKey(slot: number, key: string): boolean {
    if (this.keyLength[slot] !== key.length) return false;
    const start = this.keyStart[slot]!;
    for (let index = 0; index < key.length; index += 1) if (this.keyChars[start + index] !== key.charCodeAt(index)) return false;
    return true;
  }

  private keyOf(slot: number): string {
    const start = this.keyStart[slot]!;
    return String.fromCharCode(...this.keyChars.subarray(start, start + this.keyLength[slot]!));
  }

  /** A slot for a key not in the index: recorded under it and made the most recently used; its entry is the caller's to fill. */
  private newSlot(key: string, hash: number): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      slot = this.slotsUsed;
      this.slotsUsed += 1;
      if (slot === this.keyHash.length) this.growSlots();
    }
    if (this.keyCharsUsed + key.length > this.keyChars.length) this.makeRoomForChars(key.length);
    const start = this.keyCharsUsed;
    for (let index = 0; index < key.length; index += 1) this.keyChars[start + index] = key.charCodeAt(index);
    this.keyCharsUsed += key.length;
    this.keyStart[slot] = start;
    this.keyLength[slot] = key.length;
    this.keyHash[slot] = hash;
    this.changedAt[slot] = 0;
    this.keyCount += 1;
    this.linkNewest(slot);
    if (this.keyCount * 2 > this.buckets.length) this.rehash(this.buckets.length * 2);
    else this.place(slot);
    return slot;
  }

  private place(slot: number): void {
    const mask = this.buckets.length - 1;
    let bucket = this.keyHash[slot]! & mask;
    while (this.buckets[bucket] !== 0) bucket = (bucket + 1) & mask;
    this.buckets[bucket] = slot + 1;
  }

  /** All keys placed again in a table of `size` buckets (a power of two). */
  private rehash(size: number): void {
    this.buckets = new Int32Array(size);
    for (let slot = this.oldest; slot >= 0; slot = this.newer[slot]!) this.place(slot);
  }

  /** Drops the least recently used key: out of the table (shifting later entries of its run back, so no probe stops short), the order and the change list. */
  private evict(slot: number): void {
    const mask = this.buckets.length - 1;
    let hole = this.keyHash[slot]! & mask;
    while (this.buckets[hole] !== slot + 1) hole = (hole + 1) & mask;
    for (let bucket = (hole + 1) & mask; this.buckets[bucket] !== 0; bucket = (bucket + 1) & mask) {
      const entry = this.buckets[bucket]!;
      const home = this.keyHash[entry - 1]! & mask;
      // The entry may move into the hole unless its home lies after the hole (cyclically), up to where it is.
      if (((bucket - home) & mask) >= ((bucket - hole) & mask)) {
        this.buckets[hole] = entry;
        hole = bucket;
      }
    }
    this.buckets[hole] = 0;
    this.unlink(slot);
    this.keyCount -= 1;
    this.keyCharsFreed += this.keyLength[slot]!;
    this.changedAt[slot] = 0;
    this.freeSlots.push(slot);
  }

  private linkNewest(slot: number): void {
    this.older[slot] = this.newest;
    this.newer[slot] = -1;
    if (this.newest >= 0) this.newer[this.newest] = slot;
    else this.oldest = slot;
    this.newest = slot;
  }

  private unlink(slot: number): void {
    const older = this.older[slot]!;
    const newer = this.newer[slot]!;
    if (older >= 0) this.newer[older] = newer;
    else this.oldest = newer;
    if (newer >= 0) this.older[newer] = older;
    else this.newest = older;
  }

  /** Room for `length` more code units: a larger buffer when the live keys would fill half of it, and evicted keys' space reclaimed. */
  private makeRoomForChars(length: number): void {
    const needed = this.keyCharsUsed - this.keyCharsFreed + length;
    const chars = new Uint16Array(needed * 2 <= this.keyChars.length ? this.keyChars.length : Math.max(this.keyChars.length * 2, needed * 2));
    if (this.keyCharsFreed === 0) {
      chars.set(this.keyChars.subarray(0, this.keyCharsUsed));
    } else {
      let used = 0;
      for (let slot = this.oldest; slot >= 0; slot = this.newer[slot]!) {
        const start = this.keyStart[slot]!;
        chars.set(this.keyChars.subarray(start, start + this.keyLength[slot]!), used);
        this.keyStart[slot] = used;
        used += this.keyLength[slot]!;
      }
      this.keyCharsUsed = used;
      this.keyCharsFreed = 0;
    }
    this.keyChars = chars;
  }

  private growSlots(): void {
    this.keyHash = grown(this.keyHash);
    this.keyStart = grown(this.keyStart);
    this.keyLength = grown(this.keyLength);
    this.older = grown(this.older);
    this.newer = grown(this.newer);
    this.changedAt = grown(this.changedAt);
    this.firstSeenAt = grown(this.firstSeenAt);
    this.lastSeenAt = grown(this.lastSeenAt);
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

/** A 32-bit hash of a key for the index's table (multiply-xorshift, as in `fingerprint`'s lanes). */
function hashKey(key: string): number {
  let hash = 0x9e3779b9;
  for (let index = 0; index < key.length; index += 1) hash = Math.imul(hash ^ key.charCodeAt(index), 2654435761);
  hash = Math.imul(hash ^ (hash >>> 16), 2246822507);
  return hash ^ (hash >>> 13);
}

/** Slots the tables start with; they double as needed. */
const INITIAL_SLOTS = 1_024;

function grown<Table extends Float64Array | Int32Array>(table: Table): Table {
  const larger = new (table.constructor as new (length: number) => Table)(table.length * 2);
  larger.set(table);
  return larger;
}
