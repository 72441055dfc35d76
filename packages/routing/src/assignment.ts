import type { TeamConfig } from '@earshot/config';
import type { Category, Priority } from '@earshot/domain';
import { primaryLanguage } from './rules.js';

/** A team member as assignment sees them at one moment. */
export interface Candidate {
  id: string;
  onShift: boolean;
  /** Items assigned to them and not yet handled, across every team. */
  openItems: number;
  languages: readonly string[];
  skills: readonly string[];
}

export interface AssignmentRequest {
  team: Pick<TeamConfig, 'strategy' | 'maxOpenPerResponder' | 'onCall'>;
  /** The team's members in config order, which is the rotation order. */
  members: readonly Candidate[];
  /** The member the team last gave work to; rotation continues after them. */
  lastAssigned: string | null;
  item: { priority: Priority; category: Category; platform: string; lang?: string | undefined };
}

export type AssignmentDecision =
  | { kind: 'assigned'; responderId: string; viaOnCall: boolean; explanation: string }
  | { kind: 'queued'; explanation: string };

/**
 * Picks who in a team gets an item, or says why it waits in the team queue.
 *
 * - Only members on shift get work. When nobody is, a P1 goes to the team's
 *   on-call responder (whatever their load: it cannot wait for the morning);
 *   anything else waits.
 * - Language first: if anyone on shift reads the mention's language, only
 *   they are considered, even if that means waiting for one of them; if
 *   nobody does, everyone on shift is. Then skills: members whose skills name
 *   the item's category or platform are preferred in the same way.
 * - The cap (`maxOpenPerResponder`) is never exceeded; when all those
 *   considered are at it, the item waits.
 * - `round-robin` takes the next one in rotation; `least-loaded` the one with
 *   the fewest open items, ties broken by rotation so equal loads take turns.
 */
export function chooseAssignee(request: AssignmentRequest): AssignmentDecision {
  const { team, members, item } = request;
  const onShift = members.filter((member) => member.onShift);
  if (onShift.length === 0) {
    if (item.priority === 'P1' && team.onCall !== undefined) {
      return { kind: 'assigned', responderId: team.onCall, viaOnCall: true, explanation: `picked ${team.onCall}: on call, nobody on shift for a P1` };
    }
    return { kind: 'queued', explanation: `queued: nobody on shift${item.priority === 'P1' ? ' and no on-call responder' : ''}` };
  }

  let considered = onShift;
  const qualifiers: string[] = [];
  let note = '';
  const lang = primaryLanguage(item.lang);
  if (lang !== undefined) {
    const speakers = considered.filter((member) => member.languages.includes(lang));
    if (speakers.length > 0) {
      considered = speakers;
      qualifiers.push(`speaking ${lang}`);
    } else {
      note = `; nobody on shift speaks ${lang}`;
    }
  }
  const skilled = considered.filter((member) => member.skills.includes(item.category) || member.skills.includes(item.platform));
  if (skilled.length > 0) {
    considered = skilled;
    qualifiers.push(`skilled in ${[item.category, item.platform].filter((skill) => skilled.some((member) => member.skills.includes(skill))).join('/')}`);
  }
  const group = `${considered.length} on shift${qualifiers.length > 0 ? ` ${qualifiers.join(', ')}` : ''}`;

  const cap = team.maxOpenPerResponder ?? Number.POSITIVE_INFINITY;
  const inRotation = rotationOrder(members, request.lastAssigned).filter((member) => considered.includes(member) && member.openItems < cap);
  if (inRotation.length === 0) return { kind: 'queued', explanation: `queued: all ${group} at capacity (${cap} open each)${note}` };

  if (team.strategy === 'round-robin') {
    const picked = inRotation[0]!;
    return { kind: 'assigned', responderId: picked.id, viaOnCall: false, explanation: `picked ${picked.id}: next in rotation of ${group}${note}` };
  }
  const picked = inRotation.reduce((best, member) => (member.openItems < best.openItems ? member : best));
  return {
    kind: 'assigned',
    responderId: picked.id,
    viaOnCall: false,
    explanation: `picked ${picked.id}: least loaded of ${group} (${picked.openItems} open)${note}`,
  };
}

/** Members starting with the one after `lastAssigned` (from the first when unknown), wrapping around. */
function rotationOrder<T extends { id: string }>(members: readonly T[], lastAssigned: string | null): T[] {
  const after = members.findIndex((member) => member.id === lastAssigned) + 1;
  return [...members.slice(after), ...members.slice(0, after)];
}
