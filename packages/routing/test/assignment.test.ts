import { describe, expect, it } from 'vitest';
import { chooseAssignee, type AssignmentRequest, type Candidate } from '../src/index.js';

const member = (id: string, overrides: Partial<Candidate> = {}): Candidate => ({
  id,
  onShift: true,
  openItems: 0,
  languages: ['en'],
  skills: [],
  ...overrides,
});

function request(overrides: Partial<AssignmentRequest> = {}): AssignmentRequest {
  return {
    team: { strategy: 'least-loaded', maxOpenPerResponder: 3 },
    members: [member('alice'), member('bob'), member('carol')],
    lastAssigned: null,
    item: { priority: 'P3', category: 'complaint', platform: 'x', lang: 'en' },
    ...overrides,
  };
}

describe('least-loaded', () => {
  it('picks the member with the fewest open items and says so', () => {
    const decision = chooseAssignee(request({ members: [member('alice', { openItems: 2 }), member('bob', { openItems: 1 }), member('carol', { openItems: 2 })] }));
    expect(decision).toEqual({ kind: 'assigned', responderId: 'bob', viaOnCall: false, explanation: 'picked bob: least loaded of 3 on shift speaking en (1 open)' });
  });

  it('breaks ties by rotation, so equal loads take turns', () => {
    const members = [member('alice', { openItems: 1 }), member('bob', { openItems: 1 }), member('carol', { openItems: 1 })];
    expect(chooseAssignee(request({ members, lastAssigned: null }))).toMatchObject({ responderId: 'alice' });
    expect(chooseAssignee(request({ members, lastAssigned: 'alice' }))).toMatchObject({ responderId: 'bob' });
    expect(chooseAssignee(request({ members, lastAssigned: 'carol' }))).toMatchObject({ responderId: 'alice' });
  });

  it('never exceeds the cap, and queues when everyone is at it', () => {
    const members = [member('alice', { openItems: 3 }), member('bob', { openItems: 3 }), member('carol', { openItems: 2 })];
    expect(chooseAssignee(request({ members }))).toMatchObject({ responderId: 'carol' });
    const full = members.map((m) => ({ ...m, openItems: 3 }));
    expect(chooseAssignee(request({ members: full }))).toEqual({ kind: 'queued', explanation: 'queued: all 3 on shift speaking en at capacity (3 open each)' });
  });

  it('has no cap when the team sets none', () => {
    const members = [member('alice', { openItems: 500 })];
    expect(chooseAssignee(request({ team: { strategy: 'least-loaded' }, members }))).toMatchObject({ responderId: 'alice' });
  });
});

describe('round-robin', () => {
  const team = { strategy: 'round-robin' as const, maxOpenPerResponder: 3 };

  it('takes the next member after the last one, wrapping around, whatever their loads', () => {
    const members = [member('alice', { openItems: 0 }), member('bob', { openItems: 2 }), member('carol')];
    expect(chooseAssignee(request({ team, members, lastAssigned: 'alice' }))).toEqual({
      kind: 'assigned',
      responderId: 'bob',
      viaOnCall: false,
      explanation: 'picked bob: next in rotation of 3 on shift speaking en',
    });
    expect(chooseAssignee(request({ team, members, lastAssigned: 'carol' }))).toMatchObject({ responderId: 'alice' });
    expect(chooseAssignee(request({ team, members, lastAssigned: 'someone-removed' }))).toMatchObject({ responderId: 'alice' });
  });

  it('skips members at capacity or off shift', () => {
    const members = [member('alice'), member('bob', { openItems: 3 }), member('carol', { onShift: false })];
    expect(chooseAssignee(request({ team, members, lastAssigned: 'alice' }))).toMatchObject({ responderId: 'alice' });
  });
});

describe('shifts and on call', () => {
  it('gives work only to members on shift', () => {
    const members = [member('alice', { onShift: false }), member('bob', { onShift: true, openItems: 2 })];
    expect(chooseAssignee(request({ members }))).toMatchObject({ responderId: 'bob', explanation: 'picked bob: least loaded of 1 on shift speaking en (2 open)' });
  });

  it('sends a P1 out of hours to the on-call responder, over their cap', () => {
    const members = [member('alice', { onShift: false }), member('bob', { onShift: false, openItems: 9 })];
    const decision = chooseAssignee(request({ team: { strategy: 'least-loaded', maxOpenPerResponder: 3, onCall: 'bob' }, members, item: { priority: 'P1', category: 'crisis', platform: 'x' } }));
    expect(decision).toEqual({ kind: 'assigned', responderId: 'bob', viaOnCall: true, explanation: 'picked bob: on call, nobody on shift for a P1' });
  });

  it('lets anything but a P1 wait for the shift, and a P1 too when there is no on-call', () => {
    const members = [member('alice', { onShift: false })];
    expect(chooseAssignee(request({ team: { strategy: 'least-loaded', onCall: 'alice' }, members }))).toEqual({ kind: 'queued', explanation: 'queued: nobody on shift' });
    expect(chooseAssignee(request({ members, item: { priority: 'P1', category: 'crisis', platform: 'x' } }))).toEqual({
      kind: 'queued',
      explanation: 'queued: nobody on shift and no on-call responder',
    });
  });
});

describe('language and skill matching', () => {
  const members = [member('alice', { languages: ['en', 'de'], openItems: 2 }), member('bob', { openItems: 0 }), member('carol', { languages: ['en', 'es'], openItems: 1 })];

  it('prefers members who read the mention’s language, even over lighter loads', () => {
    expect(chooseAssignee(request({ members, item: { priority: 'P3', category: 'complaint', platform: 'x', lang: 'de-AT' } }))).toMatchObject({
      responderId: 'alice',
      explanation: 'picked alice: least loaded of 1 on shift speaking de (2 open)',
    });
  });

  it('waits for a speaker at capacity rather than give the mention to someone who cannot read it', () => {
    const busy = members.map((m) => (m.id === 'alice' ? { ...m, openItems: 3 } : m));
    expect(chooseAssignee(request({ members: busy, item: { priority: 'P3', category: 'complaint', platform: 'x', lang: 'de' } }))).toEqual({
      kind: 'queued',
      explanation: 'queued: all 1 on shift speaking de at capacity (3 open each)',
    });
  });

  it('falls back to everyone on shift when nobody reads the language', () => {
    expect(chooseAssignee(request({ members, item: { priority: 'P3', category: 'complaint', platform: 'x', lang: 'ja' } }))).toMatchObject({
      responderId: 'bob',
      explanation: 'picked bob: least loaded of 3 on shift (0 open); nobody on shift speaks ja',
    });
  });

  it('prefers members whose skills name the category or platform', () => {
    const skilled = [member('alice'), member('bob', { skills: ['reddit'], openItems: 2 })];
    expect(chooseAssignee(request({ members: skilled, item: { priority: 'P3', category: 'question', platform: 'reddit', lang: 'en' } }))).toMatchObject({
      responderId: 'bob',
      explanation: 'picked bob: least loaded of 1 on shift speaking en, skilled in reddit (2 open)',
    });
  });

  it('does not filter by language when the mention has none', () => {
    expect(chooseAssignee(request({ members, item: { priority: 'P3', category: 'complaint', platform: 'x' } }))).toMatchObject({
      responderId: 'bob',
      explanation: 'picked bob: least loaded of 3 on shift (0 open)',
    });
  });
});
