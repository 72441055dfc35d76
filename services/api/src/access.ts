import type { Role } from '@earshot/auth';
import type { Actor } from '@earshot/domain';

/** Who is asking, resolved once per request: from an API token or from a Slack user. */
export interface Caller {
  role: Role;
  /** Null only for an admin token made without a responder. */
  responderId: string | null;
  /** Set for API tokens: the rate-limit key and the actor id of a responder-less admin. */
  tokenId: string | null;
  /** Teams the responder is a member or the lead of. */
  teamIds: readonly string[];
  /** The door: the REST API, the web inbox (the API with `X-Earshot-Client: web`) or a Slack button. */
  via: 'api' | 'web' | 'slack';
}

/** The timeline's "who and from where". */
export function actorOf(caller: Caller): Actor {
  return { kind: caller.role === 'admin' ? 'admin' : 'responder', id: caller.responderId ?? caller.tokenId, via: caller.via };
}

/** What `acknowledged_by` / `handled_by` record: the responder, or null for a responder-less admin. */
export function actorKey(caller: Caller): string | null {
  return caller.responderId;
}

/** Everything about an item that access decisions need. */
export interface ItemAccessFacts {
  teamId: string | null;
  assigneeId: string | null;
}

/** A responder or lead sees and acts on items of their teams and items assigned to them; an admin on any. */
export function canActOn(caller: Caller, item: ItemAccessFacts): boolean {
  if (caller.role === 'admin') return true;
  if (item.assigneeId !== null && item.assigneeId === caller.responderId) return true;
  return item.teamId !== null && caller.teamIds.includes(item.teamId);
}

export interface ReassignTarget {
  teamId: string;
  /** Null: back to the team's queue, for the router to assign. */
  responderId: string | null;
}

/** Null when allowed, else the reason for a 403. */
export function reassignRefusal(caller: Caller, item: ItemAccessFacts, target: ReassignTarget): string | null {
  if (caller.role === 'admin') return null;
  if (caller.role !== 'lead') return 'only a team lead or an admin can reassign items';
  if (item.teamId === null || !caller.teamIds.includes(item.teamId)) return `a lead reassigns only items of their own teams; this item is in team ${item.teamId ?? '(none)'}`;
  if (!caller.teamIds.includes(target.teamId)) return `a lead reassigns only within their own teams; ${target.teamId} is not one of them`;
  return null;
}
