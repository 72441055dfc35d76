import { formatCount, formatSpan } from './format.js';
import type { ItemView, Person } from './item-view.js';

/**
 * What every message about an item says, whatever the medium: the Slack and
 * email renderers differ in markup, never in facts.
 */

export interface ItemStatus {
  label: 'Open' | 'Acknowledged' | 'Snoozed' | 'Handled';
  by: Person | null;
  at: Date | null;
  until: Date | null;
}

export function describeStatus(view: ItemView): ItemStatus {
  const actor = (type: string) => (view.lastAction?.type === type ? view.lastAction.actor : null);
  switch (view.state) {
    case 'handled':
      return { label: 'Handled', by: actor('handled'), at: view.handledAt, until: null };
    case 'acknowledged':
      return { label: 'Acknowledged', by: actor('acknowledged'), at: view.acknowledgedAt, until: null };
    case 'snoozed':
      return { label: 'Snoozed', by: actor('snoozed'), at: null, until: view.snoozedUntil };
    default:
      return { label: 'Open', by: null, at: null, until: null };
  }
}

export interface Deadline {
  label: 'Acknowledge by' | 'Handle by';
  at: Date;
  overdue: boolean;
}

/** The SLA deadlines still running: ack until acknowledged, handle until handled. */
export function runningDeadlines(view: ItemView, now: Date): Deadline[] {
  if (!view.slaApplies || view.state === 'handled') return [];
  const deadlines: Deadline[] = [];
  if (view.ackDueAt && view.acknowledgedAt === null) deadlines.push({ label: 'Acknowledge by', at: view.ackDueAt, overdue: view.ackDueAt <= now });
  if (view.handleDueAt) deadlines.push({ label: 'Handle by', at: view.handleDueAt, overdue: view.handleDueAt <= now });
  return deadlines;
}

/** Why an escalation fires, in words: "not acknowledged, 12m past its deadline". */
export function escalationSituation(view: ItemView, now: Date): string {
  if (view.state === 'handled') return 'already handled';
  const [first] = runningDeadlines(view, now);
  const what = view.acknowledgedAt === null ? 'not acknowledged' : 'acknowledged but not handled';
  if (!first) return what;
  const span = formatSpan(first.at.getTime() - now.getTime());
  return first.overdue ? `${what}, ${span} past its deadline` : `${what}, ${span} before its deadline`;
}

/** `12.3k followers`, `42 likes`, `3 reposts`… in a stable order. */
export function reachParts(view: ItemView): string[] {
  const parts: string[] = [];
  if (view.mention.followers !== null) parts.push(`${formatCount(view.mention.followers)} followers`);
  for (const [key, label] of [
    ['likes', 'likes'],
    ['reposts', 'reposts'],
    ['replies', 'replies'],
    ['quotes', 'quotes'],
    ['views', 'views'],
  ] as const) {
    const value = view.mention.engagement[key];
    if (value !== undefined && value > 0) parts.push(`${formatCount(value)} ${label}`);
  }
  return parts;
}

export function describeSentiment(view: ItemView): string {
  const c = view.classification;
  if (!c) return 'not classified';
  const score = `${c.sentimentScore >= 0 ? '+' : ''}${c.sentimentScore.toFixed(2)}`;
  return `${c.sentiment} (${score}, ${Math.round(c.sentimentConfidence * 100)}% sure)`;
}

export function describeUrgency(view: ItemView): string {
  const c = view.classification;
  if (!c) return 'n/a';
  return c.urgencyReasons.length === 0 ? `${c.urgency}/100` : `${c.urgency}/100: ${c.urgencyReasons.join(', ')}`;
}

/** `P1 complaint about acme on x` */
export function describeHeadline(view: ItemView, brandName: (id: string) => string): string {
  const brand = view.brandId === null ? 'an unknown brand' : brandName(view.brandId);
  return `${view.priority} ${view.category} about ${brand} on ${view.mention.platform}`;
}

export function authorLabel(view: ItemView): string {
  const handle = `@${view.mention.authorHandle.replace(/^@/, '')}`;
  return view.mention.authorName ? `${handle} (${view.mention.authorName})` : handle;
}
