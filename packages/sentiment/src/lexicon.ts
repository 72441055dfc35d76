// Lexicon cues on top of the `sentiment` package's tables (AFINN-165 word
// scores and its emoji scores, both on a −5..+5 scale), extended for posts
// aimed at brands: emoticons, emoji the package lacks, customer-care words
// and phrases ("on hold", "still waiting", "refund"), negation, intensifiers,
// capitals, elongation and cheap sarcasm cues.
//
// The package's own `analyze(text, { extras })` is not used here: in
// sentiment@5.0.2 it merges `extras` into the shared English table with
// `Object.assign`, so extras leak into every later call in the process,
// including the plain baseline. We read the tables once and merge them into a
// private Map instead.

import { createRequire } from 'node:module';
import { endsWithNt, NEGATORS, type Token } from './normalize.js';
import { WordTable } from './word-table.js';

const require = createRequire(import.meta.url);
const AFINN = require('sentiment/languages/en/labels.json') as Record<string, number>;
const PACKAGE_EMOJI = require('sentiment/build/emoji.json') as Record<string, number>;

/** Bump when any table or rule below changes: the model file records it. */
export const LEXICON_VERSION = 'afinn165+earshot-care.2';

const EMOTICON_SCORES: Record<string, number> = {
  '<smile>': 2, '<laugh>': 3, '<wink>': 1, '<tongue>': 1, '<heart>': 3, '<kiss>': 2,
  '<sad>': -2, '<cry>': -2, '<annoyed>': -1, '<angry>': -3, '<brokenheart>': -3, '<surprise>': 0,
};

/** Emoji missing from the package's table, or scored there too weakly for complaints. */
const EXTRA_EMOJI: Record<string, number> = {
  '😡': -3, '🤬': -4, '😠': -3, '😤': -2, '🙄': -2, '😢': -2, '💔': -2, '🤮': -3, '🤢': -2, '🤦': -2,
  '🤦‍♀': -2, '🤦‍♂': -2, '🤷': -1, '😒': -2, '👎': -2, '🖕': -4, '🤡': -2, '😞': -2, '☹': -2, '🙁': -2,
  '😟': -1, '😩': -2, '😫': -2, '😖': -2, '😥': -1, '❌': -1, '🔥': 2, '💯': 2, '🥰': 3, '🤩': 3,
  '🥳': 3, '🤗': 2, '🙂': 1, '😍': 3, '❤': 3, '💙': 3, '💚': 3, '💜': 3, '🧡': 3, '💛': 3,
};

/**
 * Customer-care vocabulary: words that carry a complaint in posts to brands
 * even though general-purpose lexicons score them neutral. Also counted in
 * the `care_complaint` / `care_praise` features.
 */
const CARE_WORDS: Record<string, number> = {
  cancelled: -2, canceled: -2, cancelling: -1, canceling: -1, cancellation: -1, refund: -2, refunds: -2,
  delayed: -2, delay: -2, delays: -2, waiting: -1, outage: -3, outages: -3, glitch: -2, glitchy: -2,
  glitches: -2, buggy: -2, crashed: -2, crashing: -2, crashes: -2, overcharged: -3, overcharging: -3,
  unresolved: -2, unreachable: -2, disconnected: -2, unhelpful: -2, unreliable: -2, ripoff: -3,
  scammed: -3, robbed: -3, rubbish: -2, trash: -2, shambles: -3, nightmare: -3, incompetent: -3,
  laggy: -2, lagging: -2, frozen: -1, freezing: -1, slow: -1, overdue: -2, late: -1, ignoring: -2,
  ghosted: -2, useless: -3, smh: -2, fml: -3, smfh: -2, argh: -2, grr: -2, meh: -1,
  junk: -2, faulty: -2, flimsy: -2, overpriced: -2, unusable: -3, undelivered: -2, unanswered: -2,
  sorted: 1, resolved: 2, fixed: 1, helpful: 2, quick: 1, smooth: 1,
};

/** Multi-word care cues; matched on normalised token text, longest first. */
const CARE_PHRASES: Record<string, number> = {
  'on hold': -3, 'still waiting': -3, 'still no': -2, 'still not': -2, "still haven't": -2, 'still havent': -2,
  'still nothing': -2, 'been waiting': -2, 'waiting for': -1, 'no response': -2, 'no reply': -2,
  'no answer': -2, 'no one': -1, 'no help': -2, 'never received': -3, 'never arrived': -3, 'never got': -2,
  'not received': -2, "haven't received": -3, 'havent received': -3, "hasn't arrived": -3,
  'hasnt arrived': -3, "didn't arrive": -3, 'didnt arrive': -3, 'not arrived': -2, 'not working': -3,
  "doesn't work": -3, 'doesnt work': -3, 'does not work': -3, "isn't working": -3, 'isnt working': -3,
  "won't work": -3, 'wont work': -3, 'stopped working': -3, "won't let": -2, 'wont let': -2,
  "can't log": -2, 'cant log': -2, "can't get": -1, 'cant get': -1, 'keeps crashing': -3,
  'keeps freezing': -3, 'fix this': -2, 'fix it': -1, 'sort it out': -2, 'sort this out': -2,
  "what's going on": -1, 'what is going on': -1, 'any update': -1, 'any updates': -1, 'where is my': -2,
  "where's my": -2, 'wheres my': -2, 'charged twice': -3, 'double charged': -3, 'waste of': -3,
  'customer service': -1, 'for hours': -1, 'for days': -1, 'for weeks': -2, '<num> hours': -1,
  '<num> days': -1, '<num> weeks': -2, '<num> mins': -1, '<num> minutes': -1, 'cut off': -2,
  'never again': -3, 'hung up': -2, 'took my money': -3, 'money back': -2, 'cancel my': -2,
  'not happy': -3, 'thanks for nothing': -4, 'yeah right': -2, 'fell apart': -2, 'falls apart': -2,
  'thank you': 1, 'thanks for': 1, 'well done': 2, 'great service': 3, 'quick response': 2,
  'sorted it': 2, 'sorted out': 1, 'fixed it': 2, 'problem solved': 2, 'all good': 2, 'no problem': 1,
  'no worries': 1, 'no complaints': 2, "can't complain": 2, 'cant complain': 2, 'no issues': 1,
  "can't wait": 3, 'cant wait': 3, 'cannot wait': 3,
};

/**
 * AFINN entries that mislead on posts to brands: "help", "please",
 * "support" are how complaints ask for attention; "no" is handled as a
 * negator; "like" is scored only after a subject (see LIKE_SUBJECTS).
 */
const CARE_OVERRIDES: Record<string, number> = {
  help: 0, please: 0, support: 0, care: 0, pay: 0, no: 0, want: 0, god: 0, joke: -1, lol: 1, yes: 0,
  hope: 1, like: 2,
};

const LIKE_SUBJECTS: ReadonlySet<string> = new Set([
  'i', 'we', 'you', 'they', 'u', 'really', 'do', 'did', 'would', "i'd", 'also', 'just', 'totally',
  'dont', "don't", 'didnt', "didn't", 'doesnt', "doesn't", 'she', 'he', 'everyone', 'people', 'to',
]);

const INTENSIFIERS = new Map<string, number>(Object.entries({
  very: 1.5, really: 1.4, so: 1.3, soo: 1.5, too: 1.3, extremely: 1.8, super: 1.5, totally: 1.4,
  absolutely: 1.6, completely: 1.5, utterly: 1.6, incredibly: 1.6, most: 1.3, such: 1.3, fucking: 1.6,
  freaking: 1.5, effing: 1.5, hella: 1.5, seriously: 1.4, truly: 1.3, damn: 1.3, kinda: 0.6, somewhat: 0.6,
  slightly: 0.5, bit: 0.7, little: 0.7, fairly: 0.8, quite: 1.1, pretty: 1.2,
}));

const SARCASM_TAGS: ReadonlySet<string> = new Set(['sarcasm', 'sarcastic', 'not', 'irony', 'eyeroll']);
const SARCASM_OPENERS: ReadonlySet<string> = new Set([
  'love how', 'love when', 'love that', 'gotta love', 'got to love', 'just great', 'oh great', 'oh joy',
  'just what', 'thanks a lot', 'thanks for nothing', 'yeah right', 'how nice', 'so glad', 'wow thanks',
]);
const SARCASM_FIRST_WORDS: ReadonlySet<string> = new Set([...SARCASM_OPENERS].map((p) => p.split(' ')[0]!));

const WORD_SCORES = new Map<string, number>();
for (const [word, score] of Object.entries(AFINN)) if (!word.includes(' ')) WORD_SCORES.set(word, score);
for (const [word, score] of Object.entries(PACKAGE_EMOJI)) WORD_SCORES.set(word, score);
for (const table of [EXTRA_EMOJI, EMOTICON_SCORES, CARE_WORDS, CARE_OVERRIDES]) {
  for (const [word, score] of Object.entries(table)) WORD_SCORES.set(word, score);
}
const CARE_WORD_SET: ReadonlySet<string> = new Set(Object.keys(CARE_WORDS));

/** The merged table's score of one normalised token (a word, an emoji, or an emoticon placeholder); 0 when absent. */
export function lexiconScore(text: string): number {
  return WORD_SCORES.get(text) ?? 0;
}

/** AFINN's own multi-word entries ("can't stand", "does not work") plus the care phrases. */
const PHRASE_SCORES = new Map<string, number>();
for (const [phrase, score] of Object.entries(AFINN)) if (phrase.includes(' ')) PHRASE_SCORES.set(phrase, score);
for (const [phrase, score] of Object.entries(CARE_PHRASES)) PHRASE_SCORES.set(phrase, score);
const CARE_PHRASE_SET: ReadonlySet<string> = new Set(Object.keys(CARE_PHRASES));
const MAX_PHRASE_WORDS = 4;

/** A phrase's words so far; `score` is set where a whole phrase ends. */
interface PhraseNode {
  readonly length: number;
  readonly text: string;
  score: number | undefined;
  readonly next: Map<string, PhraseNode>;
}
type PhraseMatch = PhraseNode & { score: number };

/**
 * The phrases as a trie keyed by token text, so matching at a token walks
 * the following tokens without building candidate strings (most tokens start
 * no phrase, and those that do rarely complete one).
 */
const PHRASES_BY_FIRST_WORD = new Map<string, PhraseNode>();
for (const [phrase, score] of PHRASE_SCORES) {
  const words = phrase.split(' ');
  if (words.length > MAX_PHRASE_WORDS) continue;
  let level = PHRASES_BY_FIRST_WORD;
  let node: PhraseNode | undefined;
  for (let n = 0; n < words.length; n++) {
    node = level.get(words[n]!);
    if (node === undefined) {
      node = { length: n + 1, text: words.slice(0, n + 1).join(' '), score: undefined, next: new Map() };
      level.set(words[n]!, node);
    }
    level = node.next;
  }
  node!.score = score;
}

/** What the tables above say about one word, gathered so that scoring a token takes one lookup. */
interface WordFacts {
  score: number | undefined;
  /** One of `NEGATORS` (words ending in "n't" are recognised by their suffix). */
  negator: boolean;
  /** The phrases starting with this word. */
  phrases: PhraseNode | undefined;
  /** First word of a two-word sarcasm opener. */
  opensSarcasm: boolean;
}
const FACTS_BY_WORD = new Map<string, WordFacts>();
function factsOf(word: string): WordFacts {
  let facts = FACTS_BY_WORD.get(word);
  if (facts === undefined) {
    facts = { score: undefined, negator: false, phrases: undefined, opensSarcasm: false };
    FACTS_BY_WORD.set(word, facts);
  }
  return facts;
}
for (const [word, score] of WORD_SCORES) factsOf(word).score = score;
for (const word of NEGATORS) factsOf(word).negator = true;
for (const [word, phrases] of PHRASES_BY_FIRST_WORD) factsOf(word).phrases = phrases;
for (const word of SARCASM_FIRST_WORDS) factsOf(word).opensSarcasm = true;
const WORD_FACTS = new WordTable(FACTS_BY_WORD);

/** Elongated words were cut to two repeats ("haappy"); try dropping one repeat at a time. */
function elongatedScore(text: string): number | undefined {
  for (let i = 1; i < text.length; i++) {
    if (text.charCodeAt(i) === text.charCodeAt(i - 1)) {
      const score = WORD_SCORES.get(text.slice(0, i) + text.slice(i + 1));
      if (score !== undefined) return score;
    }
  }
  return undefined;
}

/** Names of the dense lexicon features, in the order `lexiconFeatures` writes them. */
export const LEXICON_FEATURE_NAMES = [
  'lex_pos_sum', 'lex_neg_sum', 'lex_pos_count', 'lex_neg_count', 'lex_net', 'lex_last', 'lex_max_pos',
  'lex_max_neg', 'negated_pos', 'negated_neg', 'emoji_pos', 'emoji_neg', 'care_complaint', 'care_praise',
  'exclaim', 'question', 'elongated', 'all_caps', 'negators', 'sarcasm_cue', 'intensified', 'has_url',
  'has_user', 'length', 'no_polar_word', 'last_emoji',
] as const;

export const LEXICON_FEATURE_COUNT = LEXICON_FEATURE_NAMES.length;

/** Raw lexicon analysis of one post; `lexiconFeatures` squashes it into model inputs. */
export interface LexiconAnalysis {
  /** Sum of positive contributions after negation, intensifiers and caps. */
  positive: number;
  /** Sum of |negative contributions|. */
  negative: number;
  positiveHits: number;
  negativeHits: number;
  /** Signed contribution of the last polar token: posts often end on their verdict. */
  last: number;
  maxPositive: number;
  maxNegative: number;
  negatedPositive: number;
  negatedNegative: number;
  emojiPositive: number;
  emojiNegative: number;
  lastEmoji: number;
  /** |sum| of negative customer-care words and phrases. */
  careComplaint: number;
  carePraise: number;
  exclaims: number;
  questions: number;
  elongated: number;
  allCaps: number;
  negators: number;
  intensified: number;
  sarcasmCue: boolean;
  urls: number;
  users: number;
  tokens: number;
}

function emptyAnalysis(): LexiconAnalysis {
  return {
    positive: 0, negative: 0, positiveHits: 0, negativeHits: 0, last: 0, maxPositive: 0, maxNegative: 0,
    negatedPositive: 0, negatedNegative: 0, emojiPositive: 0, emojiNegative: 0, lastEmoji: 0,
    careComplaint: 0, carePraise: 0, exclaims: 0, questions: 0, elongated: 0, allCaps: 0,
    negators: 0, intensified: 0, sarcasmCue: false, urls: 0, users: 0, tokens: 0,
  };
}

function addContribution(a: LexiconAnalysis, value: number): void {
  if (value > 0) {
    a.positive += value;
    a.positiveHits++;
    if (value > a.maxPositive) a.maxPositive = value;
  } else if (value < 0) {
    a.negative -= value;
    a.negativeHits++;
    if (-value > a.maxNegative) a.maxNegative = -value;
  }
  if (value !== 0) a.last = value;
}

/** Matches the longest phrase starting at `start`; returns its word count and score. */
function matchPhrase(first: PhraseNode, tokens: readonly Token[], start: number): PhraseMatch | undefined {
  let node: PhraseNode | undefined = first;
  let found: PhraseMatch | undefined;
  for (let n = 2; node !== undefined && n <= MAX_PHRASE_WORDS && start + n - 1 < tokens.length; n++) {
    node = node.next.get(tokens[start + n - 1]!.text);
    if (node?.score !== undefined) found = node as PhraseMatch;
  }
  return found;
}

/** Scores a tokenised post with the merged lexicon and the contextual rules. */
export function analyzeLexicon(tokens: readonly Token[]): LexiconAnalysis {
  const a = emptyAnalysis();
  a.tokens = tokens.length;
  let sarcasmMarker = false;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token.elongated) a.elongated++;
    if (token.allCaps) a.allCaps++;
    switch (token.kind) {
      case 'url':
        a.urls++;
        continue;
      case 'user':
        a.users++;
        continue;
      case 'exclaim':
        a.exclaims++;
        continue;
      case 'question':
        a.questions++;
        continue;
      case 'break':
        continue;
      case 'emoji':
      case 'emoticon': {
        const score = WORD_FACTS.get(token.text, token.hash)?.score ?? 0;
        if (score > 0) a.emojiPositive++;
        else if (score < 0) a.emojiNegative++;
        if (score !== 0) a.lastEmoji = score;
        addContribution(a, score);
        continue;
      }
      case 'hashtag':
        if (SARCASM_TAGS.has(token.text)) sarcasmMarker = true;
        break;
      default:
        break;
    }
    const facts = WORD_FACTS.get(token.text, token.hash);
    if (token.kind === 'word' && (facts?.negator === true || endsWithNt(token.text))) a.negators++;

    const phrase = facts?.phrases === undefined ? undefined : matchPhrase(facts.phrases, tokens, i);
    if (phrase !== undefined) {
      if (SARCASM_OPENERS.has(phrase.text)) sarcasmMarker = true;
      if (CARE_PHRASE_SET.has(phrase.text)) {
        if (phrase.score < 0) a.careComplaint -= phrase.score;
        else a.carePraise += phrase.score;
      }
      addContribution(a, phrase.score);
      i += phrase.length - 1;
      continue;
    }
    if (i + 1 < tokens.length && facts?.opensSarcasm === true && SARCASM_OPENERS.has(`${token.text} ${tokens[i + 1]!.text}`)) {
      sarcasmMarker = true;
    }

    let score = facts?.score;
    if (score === undefined && token.elongated) score = elongatedScore(token.text);
    if (score === undefined || score === 0) continue;
    if (token.text === 'like') {
      const previous = tokens[i - 1];
      if (previous === undefined || !LIKE_SUBJECTS.has(previous.text)) continue;
    }

    let value = score;
    // Intensifier or downtoner right before ("so bad"), or two before when
    // stacked ("really very good").
    const before = tokens[i - 1];
    if (before !== undefined) {
      const factor = INTENSIFIERS.get(before.text);
      if (factor !== undefined) {
        value *= factor;
        const twoBefore = tokens[i - 2];
        const stacked = twoBefore === undefined ? undefined : INTENSIFIERS.get(twoBefore.text);
        if (stacked !== undefined && stacked > 1) value *= 1.2;
        if (factor > 1) a.intensified++;
      }
    }
    if (token.allCaps) value *= 1.3;
    if (token.elongated) value *= 1.3;
    if (token.negated) {
      // "not good" is clearly negative; "not bad" only mildly positive.
      if (value > 0) a.negatedPositive++;
      else a.negatedNegative++;
      value = value > 0 ? -0.8 * value : -0.5 * value;
    }
    if (CARE_WORD_SET.has(token.text)) {
      if (value < 0) a.careComplaint -= value;
      else a.carePraise += value;
    }
    addContribution(a, value);
  }
  // Praise words next to a complaint or an angry emoji read as sarcasm
  // ("great, on hold for 2 hours again"); so do explicit markers.
  a.sarcasmCue = sarcasmMarker || (a.positive > 0 && (a.careComplaint >= 2 || a.emojiNegative > 0));
  return a;
}

/** Writes the dense lexicon features of `tokens` into `out[offset …]`, scaled to roughly [−1, 3]. */
export function lexiconFeatures(tokens: readonly Token[], out: Float32Array, offset: number): void {
  const a = analyzeLexicon(tokens);
  // Same order as LEXICON_FEATURE_NAMES.
  let k = offset;
  out[k++] = Math.log1p(a.positive);
  out[k++] = Math.log1p(a.negative);
  out[k++] = Math.log1p(a.positiveHits);
  out[k++] = Math.log1p(a.negativeHits);
  out[k++] = Math.tanh((a.positive - a.negative) / 4);
  out[k++] = a.last / 5;
  out[k++] = a.maxPositive / 5;
  out[k++] = a.maxNegative / 5;
  out[k++] = Math.log1p(a.negatedPositive);
  out[k++] = Math.log1p(a.negatedNegative);
  out[k++] = Math.log1p(a.emojiPositive);
  out[k++] = Math.log1p(a.emojiNegative);
  out[k++] = Math.log1p(a.careComplaint);
  out[k++] = Math.log1p(a.carePraise);
  out[k++] = a.exclaims > 0 ? 1 : 0;
  out[k++] = a.questions > 0 ? 1 : 0;
  out[k++] = Math.log1p(a.elongated);
  out[k++] = Math.log1p(a.allCaps);
  out[k++] = Math.log1p(a.negators);
  out[k++] = a.sarcasmCue ? 1 : 0;
  out[k++] = Math.log1p(a.intensified);
  out[k++] = a.urls > 0 ? 1 : 0;
  out[k++] = a.users > 0 ? 1 : 0;
  out[k++] = Math.log1p(a.tokens) / 4;
  out[k++] = a.positiveHits + a.negativeHits === 0 ? 1 : 0;
  out[k++] = a.lastEmoji / 3;
}
