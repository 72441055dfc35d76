import type { NoiseConfig } from '@earshot/config';
import type { Mention } from '@earshot/domain';
import { countWords, escapeRegExp, foldHandle, isOnDomain, wholeWords, type TextSignals } from './text.js';

/** Thresholds of the built-in spam rules. */
export const SPAM_LIMITS = {
  /** A link farm: at least this many links… */
  linkFarmLinks: 3,
  /** …with fewer than this many words per link around them. */
  linkFarmWordsPerLink: 8,
  /** Hashtag stuffing: this many hashtags in any post… */
  hashtags: 6,
  /** …or this many when they are at least half of its words. */
  hashtagsWhenMostOfText: 4,
  /**
   * The same original text (not a repost) from this many other accounts makes
   * the next copy spam: bots and copy-paste campaigns post one text from many
   * accounts, people rarely write the same 40+ characters word for word.
   */
  copiesFromOtherAuthors: 2,
} as const;

/** The config's `noise` section, compiled once per config load. */
export interface NoiseRules {
  readonly mutedAuthors: ReadonlySet<string>;
  readonly mutedDomains: readonly string[];
  readonly mutedWords: RegExp | null;
}

export function compileNoiseRules(noise: NoiseConfig): NoiseRules {
  const words = noise.mutedWords.map((word) => word.trim().toLowerCase()).filter(Boolean);
  return {
    mutedAuthors: new Set(noise.mutedAuthors.map(foldHandle)),
    mutedDomains: noise.mutedDomains.map((domain) => domain.trim().toLowerCase().replace(/^www\./, '')),
    mutedWords: words.length === 0 ? null : wholeWords(words.map((word) => escapeRegExp(word).replace(/\s+/g, '\\s+')).join('|')),
  };
}

/**
 * Why a mention is spam by the rules that need nothing but the mention
 * itself (muted lists, link farms, hashtag stuffing); empty when it is not.
 * `addressesBrand`: people complaining to a brand in hashtags
 * ("@acme #again #no #answers") are not spammers; promoters add a link.
 */
export function spamReasons(mention: Pick<Mention, 'author'>, text: TextSignals, rules: NoiseRules, addressesBrand: boolean): string[] {
  const reasons: string[] = [];
  const author = foldHandle(mention.author.handle);
  if (rules.mutedAuthors.has(author)) reasons.push(`muted author @${author}`);

  const mutedDomain = rules.mutedDomains.find((domain) => text.domains.some((host) => isOnDomain(host, domain)));
  if (mutedDomain !== undefined) reasons.push(`muted domain ${mutedDomain}`);

  const mutedWord = rules.mutedWords?.exec(text.prose);
  if (mutedWord) reasons.push(`muted word "${mutedWord[0]}"`);

  const links = text.links.length;
  const hashtags = text.hashtags.length;
  const words = links >= SPAM_LIMITS.linkFarmLinks || hashtags >= SPAM_LIMITS.hashtagsWhenMostOfText ? countWords(text) : 0;
  if (links >= SPAM_LIMITS.linkFarmLinks && words / links < SPAM_LIMITS.linkFarmWordsPerLink) {
    reasons.push(`link farm (${links} links in ${words} words)`);
  }

  const stuffed = hashtags >= SPAM_LIMITS.hashtags || (hashtags >= SPAM_LIMITS.hashtagsWhenMostOfText && hashtags >= words);
  if (stuffed && (links > 0 || !addressesBrand)) {
    reasons.push(`hashtag stuffing (${hashtags} hashtags)`);
  }
  return reasons;
}
