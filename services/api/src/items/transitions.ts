import type { ItemState, TimelineEventType } from '@earshot/domain';
import type { EscalationStop } from '@earshot/routing';

/** The mutable part of an item, as locked in the transaction. */
export interface ItemSnapshot {
  state: ItemState;
  teamId: string | null;
  assigneeId: string | null;
  assignedAt: Date | null;
  snoozedUntil: Date | null;
  acknowledgedAt: Date | null;
  acknowledgedBy: string | null;
  handledAt: Date | null;
  handledBy: string | null;
}

export type ItemCommand =
  | { kind: 'ack' }
  | { kind: 'handled'; note?: string | undefined }
  | { kind: 'snooze'; until: Date }
  | { kind: 'reassign'; teamId: string; responderId: string | null };

/** A reassignment as asked for: without a team, the item stays in its own. */
export type ItemRequest = Exclude<ItemCommand, { kind: 'reassign' }> | { kind: 'reassign'; teamId: string | null; responderId: string | null };

/**
 * What the change does to the item's pending escalation steps: acknowledging
 * stops the ack clock's, handling all of them; anything else keeps them (a
 * snoozed item's steps wait: the router fires none while it is snoozed).
 */
export type EscalationEffect = EscalationStop | 'keep';

export interface TimelineDraft {
  type: TimelineEventType;
  message: string;
  data: Record<string, unknown>;
}

export type Decision =
  | { outcome: 'apply'; next: ItemSnapshot; event: TimelineDraft; escalation: EscalationEffect }
  /** The request repeats one already applied: same answer, nothing written. */
  | { outcome: 'unchanged' }
  | { outcome: 'conflict'; message: string };

const who = (responderId: string | null) => responderId ?? 'an admin';

function handledConflict(item: ItemSnapshot): Decision {
  return { outcome: 'conflict', message: `already handled by ${who(item.handledBy)} at ${item.handledAt?.toISOString() ?? 'an unknown time'}` };
}

/**
 * Decides what a command does to an item in its current state, for an actor
 * (a responder id, or null for an admin token without one). Pure: the caller
 * holds the row lock, so the decision and its write happen as one step.
 */
export function decide(item: ItemSnapshot, command: ItemCommand, actor: string | null, now: Date): Decision {
  switch (command.kind) {
    case 'ack': {
      if (item.state === 'handled') return handledConflict(item);
      if (item.state === 'acknowledged') {
        if (item.acknowledgedBy === actor) return { outcome: 'unchanged' };
        // Reassigned after it was acknowledged: the new assignee says they are on it now.
        if (actor !== null && item.assigneeId === actor) {
          return {
            outcome: 'apply',
            next: { ...item, acknowledgedBy: actor },
            event: { type: 'acknowledged', message: `acknowledged by ${actor}, its new assignee`, data: { previousState: item.state, previousAcknowledger: item.acknowledgedBy } },
            escalation: 'acknowledged',
          };
        }
        return { outcome: 'conflict', message: `already acknowledged by ${who(item.acknowledgedBy)}` };
      }
      // Acknowledging takes the item: whoever says "I'm on it" owns it.
      const takesOver = actor !== null && item.assigneeId !== actor;
      return {
        outcome: 'apply',
        next: {
          ...item,
          state: 'acknowledged',
          snoozedUntil: null,
          acknowledgedAt: item.acknowledgedAt ?? now,
          acknowledgedBy: actor,
          ...(takesOver ? { assigneeId: actor, assignedAt: now } : {}),
        },
        event: {
          type: 'acknowledged',
          message: `acknowledged by ${who(actor)}${takesOver && item.assigneeId ? ` (was assigned to ${item.assigneeId})` : ''}`,
          data: { previousState: item.state, ...(takesOver ? { previousAssignee: item.assigneeId } : {}) },
        },
        escalation: 'acknowledged',
      };
    }
    case 'handled': {
      if (item.state === 'handled') return item.handledBy === actor ? { outcome: 'unchanged' } : handledConflict(item);
      return {
        outcome: 'apply',
        next: {
          ...item,
          state: 'handled',
          snoozedUntil: null,
          // Handling implies acknowledging; keeps time-to-acknowledge defined for every handled item.
          acknowledgedAt: item.acknowledgedAt ?? now,
          acknowledgedBy: item.acknowledgedBy ?? actor,
          handledAt: now,
          handledBy: actor,
        },
        event: {
          type: 'handled',
          message: `handled by ${who(actor)}${command.note ? `: ${command.note}` : ''}`,
          data: { previousState: item.state, ...(command.note ? { note: command.note } : {}) },
        },
        escalation: 'handled',
      };
    }
    case 'snooze': {
      if (item.state === 'handled') return handledConflict(item);
      if (item.state === 'snoozed' && item.snoozedUntil?.getTime() === command.until.getTime()) return { outcome: 'unchanged' };
      return {
        outcome: 'apply',
        next: { ...item, state: 'snoozed', snoozedUntil: command.until },
        event: {
          type: 'snoozed',
          message: `snoozed by ${who(actor)} until ${command.until.toISOString()}`,
          // The router ends the snooze at `until`, back to open or acknowledged.
          data: { until: command.until.toISOString(), previousState: item.state === 'snoozed' ? (item.acknowledgedAt ? 'acknowledged' : 'open') : item.state },
        },
        escalation: 'keep',
      };
    }
    case 'reassign': {
      if (item.state === 'handled') return handledConflict(item);
      if (item.teamId === command.teamId && item.assigneeId === command.responderId) return { outcome: 'unchanged' };
      // The state stays: an acknowledged item stays acknowledged (its acknowledge clock was met) and the
      // new assignee picks it up; the escalation clock keeps running, its next step goes to them.
      return {
        outcome: 'apply',
        next: { ...item, teamId: command.teamId, assigneeId: command.responderId, assignedAt: command.responderId ? now : null },
        event: {
          type: 'reassigned',
          message: `reassigned by ${who(actor)} from ${describeOwner(item.teamId, item.assigneeId)} to ${describeOwner(command.teamId, command.responderId)}`,
          data: { from: { teamId: item.teamId, assigneeId: item.assigneeId }, to: { teamId: command.teamId, assigneeId: command.responderId } },
        },
        escalation: 'keep',
      };
    }
  }
}

function describeOwner(teamId: string | null, assigneeId: string | null): string {
  if (assigneeId) return `${assigneeId} (${teamId ?? 'no team'})`;
  return `the ${teamId ?? '(none)'} queue`;
}
