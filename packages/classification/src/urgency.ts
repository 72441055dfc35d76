import type { Mention, Sentiment, Urgency } from '@earshot/domain';
import { CUE_REASONS, type IntentCue } from './cues.js';

/**
 * Points per signal, capped at 100 in total. One unhappy customer writing to
 * the brand tops out at 75 (negativity 35, intent 25, addressing 15): P2 by
 * the default thresholds. P1 takes reach or fast spreading on top, as in a
 * complaint by a 50k-follower account shared 200 times in its first hour;
 * crises reach P1 through the routing rules on their category.
 */
export const URGENCY_POINTS = {
  /** Times p(negative) for a post labelled negative. */
  negativity: 35,
  /**
   * Reach: 15 per tenfold of followers above 1,000 (10k → 15, 50k → 25,
   * 100k → 30), up to `reachMax`. Below 1,000 an account is an everyday
   * customer's and adds nothing.
   */
  reachPerDecade: 15,
  reachFloorFollowers: 1_000,
  verified: 5,
  reachMax: 35,
  /** Engagement velocity: 12 × log10(1 + 10 × shares per minute) (0.1/min → 4, 1/min → 12.5, 4/min → 19.5). */
  velocity: 12,
  /** Engagement volume, for old posts that spread slowly: 4 × log10(1 + shares). */
  volume: 4,
  engagementMax: 20,
  /** A question written to the brand's handle or in reply to it. */
  questionToBrand: 15,
  addressesBrand: 15,
  intentMax: 25,
} as const;

/** Points for each intent cue; summed over the cues present, capped at `URGENCY_POINTS.intentMax`. */
export const CUE_POINTS: Readonly<Record<IntentCue, number>> = {
  threat: 30,
  safety: 25,
  legal: 25,
  security: 20,
  outage: 15,
  viral: 15,
  chargeback: 15,
  refund: 15,
  cancel: 15,
  fraud: 10,
  breakage: 10,
  unresolved: 10,
  support: 5,
  purchase: 5,
};

/** Cues that stay urgent even in a post that reads as positive ("love you guys but my account was hacked"). */
const CUES_URGENT_WHEN_POSITIVE: ReadonlySet<IntentCue> = new Set(['threat', 'safety', 'legal', 'security']);

/** A reason kept only when its signal adds at least this many points, so the list stays about what matters. */
const MIN_REASON_POINTS = 3;

export interface UrgencyInput {
  mention: Pick<Mention, 'author' | 'engagement' | 'createdAt'>;
  sentiment: Sentiment;
  cues: readonly IntentCue[];
  /** The brand handle the post is aimed at, and whether by writing it or by replying. */
  addressed: { handle: string; how: 'mention' | 'reply' } | null;
  question: boolean;
  /** Epoch ms: engagement velocity is measured up to this moment. */
  now: number;
}

interface Contribution {
  points: number;
  reason: string;
}

/** Urgency 0–100 with the reasons behind it, most important first. */
export function scoreUrgency(input: UrgencyInput): Urgency {
  const contributions: Contribution[] = [];

  if (input.sentiment.label === 'negative') {
    addContribution(contributions, URGENCY_POINTS.negativity * input.sentiment.confidence, `negative (${input.sentiment.confidence.toFixed(2)})`);
  }
  addReach(contributions, input.mention.author);
  addEngagement(contributions, input.mention, input.now);
  addIntent(contributions, input);
  if (input.addressed !== null) {
    const { handle, how } = input.addressed;
    addContribution(contributions, URGENCY_POINTS.addressesBrand, how === 'mention' ? `addresses @${handle} directly` : `replies to @${handle}`);
  }

  // Summed in the order added: the rounding of the total depends on it.
  let total = 0;
  for (const contribution of contributions) total += contribution.points;
  return { score: Math.max(0, Math.min(100, Math.round(total))), reasons: reasonsByWeight(contributions) };
}

function addContribution(contributions: Contribution[], points: number, reason: string): void {
  if (points > 0) contributions.push({ points, reason });
}

/** Cues (in a positive post only the urgent ones) and a question to the brand; the cap applies to their sum, each keeps its own weight for ordering. */
function addIntent(contributions: Contribution[], input: UrgencyInput): void {
  const positive = input.sentiment.label === 'positive';
  const questionToBrand = input.question && input.addressed !== null;
  let intentTotal = 0;
  for (const cue of input.cues) if (!positive || CUES_URGENT_WHEN_POSITIVE.has(cue)) intentTotal += CUE_POINTS[cue];
  if (questionToBrand) intentTotal += URGENCY_POINTS.questionToBrand;
  if (intentTotal === 0) return;
  const intentScale = intentTotal > URGENCY_POINTS.intentMax ? URGENCY_POINTS.intentMax / intentTotal : 1;
  for (const cue of input.cues) {
    if (!positive || CUES_URGENT_WHEN_POSITIVE.has(cue)) addContribution(contributions, CUE_POINTS[cue] * intentScale, CUE_REASONS[cue]);
  }
  if (questionToBrand) addContribution(contributions, URGENCY_POINTS.questionToBrand * intentScale, `question to @${input.addressed!.handle}`);
}

/** Reasons of the contributions worth at least `MIN_REASON_POINTS`, heaviest first, ties in the order added (an insertion sort: there are a handful). */
function reasonsByWeight(contributions: readonly Contribution[]): string[] {
  const kept: Contribution[] = [];
  for (const contribution of contributions) {
    if (contribution.points < MIN_REASON_POINTS) continue;
    let at = kept.length;
    while (at > 0 && kept[at - 1]!.points < contribution.points) at -= 1;
    kept.splice(at, 0, contribution);
  }
  const reasons: string[] = [];
  for (const contribution of kept) reasons.push(contribution.reason);
  return reasons;
}

function addReach(contributions: Contribution[], author: Mention['author']): void {
  const followers = author.followers ?? 0;
  const fromFollowers =
    followers > URGENCY_POINTS.reachFloorFollowers
      ? URGENCY_POINTS.reachPerDecade * Math.log10(followers / URGENCY_POINTS.reachFloorFollowers)
      : 0;
  const points = Math.min(URGENCY_POINTS.reachMax, fromFollowers + (author.verified === true ? URGENCY_POINTS.verified : 0));
  // Most authors are below the reason threshold: their reason would be dropped, so it is not spelled out.
  if (points < MIN_REASON_POINTS) {
    addContribution(contributions, points, '');
    return;
  }
  const verified = author.verified === true ? 'verified' : '';
  const parts = followers > 0 ? (verified === '' ? `${compactCount(followers)} followers` : `${compactCount(followers)} followers, verified`) : verified;
  addContribution(contributions, points, `author reach ${parts}`);
}

function addEngagement(contributions: Contribution[], mention: Pick<Mention, 'engagement' | 'createdAt'>, now: number): void {
  const { reposts = 0, quotes = 0, replies = 0 } = mention.engagement;
  const shares = reposts + quotes + replies;
  if (shares === 0) return;
  // A post seen in its first minute counts as one minute old, so velocity stays finite.
  const minutes = Math.max(1, (now - Date.parse(mention.createdAt)) / 60_000);
  const velocity = URGENCY_POINTS.velocity * Math.log10(1 + (10 * shares) / minutes);
  const volume = URGENCY_POINTS.volume * Math.log10(1 + shares);
  const points = Math.min(URGENCY_POINTS.engagementMax, Math.max(velocity, volume));
  if (points < MIN_REASON_POINTS) {
    addContribution(contributions, points, '');
    return;
  }
  const reposted = reposts + quotes > 0 ? `${compactCount(reposts + quotes)} repost${reposts + quotes === 1 ? '' : 's'}` : '';
  const replied = replies > 0 ? `${compactCount(replies)} repl${replies === 1 ? 'y' : 'ies'}` : '';
  const counts = reposted !== '' && replied !== '' ? `${reposted}, ${replied}` : reposted + replied;
  addContribution(contributions, points, `${counts} in ${compactDuration(minutes)}`);
}

/** 950 → "950", 50_000 → "50k", 1_250_000 → "1.3M". */
export function compactCount(count: number): string {
  if (count < 1_000) return String(count);
  if (count < 1_000_000) return `${trimZero((count / 1_000).toFixed(count < 10_000 ? 1 : 0))}k`;
  return `${trimZero((count / 1_000_000).toFixed(1))}M`;
}

function compactDuration(minutes: number): string {
  if (minutes < 120) return `${Math.round(minutes)} min`;
  if (minutes < 48 * 60) return `${Math.round(minutes / 60)} h`;
  return `${Math.round(minutes / 1_440)} days`;
}

function trimZero(text: string): string {
  return text.endsWith('.0') ? text.slice(0, -2) : text;
}
