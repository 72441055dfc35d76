import { describe, expect, it } from 'vitest';
import { decide, type ItemCommand, type ItemSnapshot } from '../src/items/transitions.js';

const NOW = new Date('2026-11-22T10:00:00Z');
const EARLIER = new Date('2026-11-22T09:00:00Z');

function item(overrides: Partial<ItemSnapshot> = {}): ItemSnapshot {
  return {
    state: 'open',
    teamId: 'support',
    assigneeId: 'alice',
    assignedAt: EARLIER,
    snoozedUntil: null,
    acknowledgedAt: null,
    acknowledgedBy: null,
    handledAt: null,
    handledBy: null,
    ...overrides,
  };
}

const acknowledged = item({ state: 'acknowledged', acknowledgedAt: EARLIER, acknowledgedBy: 'alice' });
const handled = item({ state: 'handled', acknowledgedAt: EARLIER, acknowledgedBy: 'alice', handledAt: EARLIER, handledBy: 'alice' });
const snoozed = item({ state: 'snoozed', snoozedUntil: new Date('2026-11-22T11:00:00Z') });
const ack: ItemCommand = { kind: 'ack' };
const handle: ItemCommand = { kind: 'handled', note: 'refunded' };

describe('which command fits which state', () => {
  it.each([
    ['ack an open item', item(), ack, 'alice', 'apply'],
    ['ack a snoozed item', snoozed, ack, 'alice', 'apply'],
    ['ack again, same person', acknowledged, ack, 'alice', 'unchanged'],
    ['ack again, someone else', acknowledged, ack, 'bob', 'conflict'],
    ['ack a handled item', handled, ack, 'alice', 'conflict'],
    ['handle an open item', item(), handle, 'alice', 'apply'],
    ['handle an acknowledged item', acknowledged, handle, 'bob', 'apply'],
    ['handle a snoozed item', snoozed, handle, 'alice', 'apply'],
    ['handle again, same person', handled, handle, 'alice', 'unchanged'],
    ['handle again, someone else', handled, handle, 'bob', 'conflict'],
    ['handle again, admin without responder', handled, handle, null, 'conflict'],
    ['snooze a handled item', handled, { kind: 'snooze', until: NOW }, 'alice', 'conflict'],
    ['snooze to the same time again', snoozed, { kind: 'snooze', until: new Date(snoozed.snoozedUntil!) }, 'alice', 'unchanged'],
    ['reassign to the current owner', item(), { kind: 'reassign', teamId: 'support', responderId: 'alice' }, 'carol', 'unchanged'],
    ['reassign a handled item', handled, { kind: 'reassign', teamId: 'support', responderId: 'bob' }, 'carol', 'conflict'],
  ] as const)('%s → %s', (_name, current, command, actor, outcome) => {
    expect(decide(current, command, actor, NOW).outcome).toBe(outcome);
  });
});

describe('what an applied change writes', () => {
  it('acknowledging takes the item over and stops the ack clock', () => {
    const decision = decide(item({ assigneeId: 'alice' }), ack, 'bob', NOW);
    expect(decision).toMatchObject({
      outcome: 'apply',
      next: { state: 'acknowledged', assigneeId: 'bob', acknowledgedAt: NOW, acknowledgedBy: 'bob' },
      event: { type: 'acknowledged', message: 'acknowledged by bob (was assigned to alice)', data: { previousAssignee: 'alice' } },
      escalation: 'acknowledged',
    });
  });

  it('an admin without a responder acknowledges without taking the item', () => {
    const decision = decide(item({ assigneeId: 'alice' }), ack, null, NOW);
    expect(decision).toMatchObject({ next: { assigneeId: 'alice', acknowledgedBy: null }, event: { message: 'acknowledged by an admin' } });
  });

  it('handling stops every step, keeps the first acknowledgement and records the note', () => {
    const decision = decide(acknowledged, handle, 'bob', NOW);
    expect(decision).toMatchObject({
      next: { state: 'handled', handledAt: NOW, handledBy: 'bob', acknowledgedAt: EARLIER, acknowledgedBy: 'alice' },
      event: { type: 'handled', message: 'handled by bob: refunded', data: { note: 'refunded' } },
      escalation: 'handled',
    });
  });

  it('handling without an acknowledgement counts as one, so time to acknowledge is defined', () => {
    expect(decide(item(), handle, 'alice', NOW)).toMatchObject({ next: { acknowledgedAt: NOW, acknowledgedBy: 'alice' } });
  });

  it('snoozing keeps the escalation steps (the router holds them) and leaves the ack as it was', () => {
    const until = new Date('2026-11-22T12:00:00Z');
    expect(decide(acknowledged, { kind: 'snooze', until }, 'alice', NOW)).toMatchObject({
      next: { state: 'snoozed', snoozedUntil: until, acknowledgedBy: 'alice' },
      event: { type: 'snoozed', data: { until: until.toISOString(), previousState: 'acknowledged' } },
      escalation: 'keep',
    });
  });

  it('reassigning moves the item and keeps its state: an acknowledged item stays acknowledged', () => {
    expect(decide(acknowledged, { kind: 'reassign', teamId: 'community', responderId: null }, 'carol', NOW)).toMatchObject({
      next: { state: 'acknowledged', teamId: 'community', assigneeId: null, assignedAt: null, acknowledgedAt: EARLIER, acknowledgedBy: 'alice' },
      event: { type: 'reassigned', message: 'reassigned by carol from alice (support) to the community queue' },
      escalation: 'keep',
    });
  });

  it('the new assignee of an acknowledged item acknowledges it as theirs', () => {
    const reassigned = { ...acknowledged, assigneeId: 'bob' };
    expect(decide(reassigned, ack, 'bob', NOW)).toMatchObject({
      outcome: 'apply',
      next: { state: 'acknowledged', acknowledgedBy: 'bob', acknowledgedAt: EARLIER },
      event: { type: 'acknowledged', data: { previousAcknowledger: 'alice' } },
    });
    expect(decide(reassigned, ack, 'dave', NOW).outcome).toBe('conflict');
  });

  it('a conflict names who got there first', () => {
    expect(decide(handled, ack, 'bob', NOW)).toEqual({ outcome: 'conflict', message: `already handled by alice at ${EARLIER.toISOString()}` });
  });
});
