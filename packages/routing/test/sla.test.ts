import { describe, expect, it } from 'vitest';
import { scheduleEscalation, slaDeadlines, teamSchedule, type SlaTimer } from '../src/index.js';
import { configFrom, SUPPORT_DESK_YAML } from './fixtures/config.js';

const config = configFrom(SUPPORT_DESK_YAML);
const support = config.teams.find((team) => team.id === 'support')!;
const timerFor = (priority: 'P1' | 'P2' | 'P3'): SlaTimer => ({ target: config.sla[priority]!, schedule: teamSchedule(support) });
const iso = (dates: { dueAt: Date }[]) => dates.map((d) => d.dueAt.toISOString());

describe('SLA deadlines', () => {
  it('counts wall-clock time for a 24/7 target, even outside the team hours', () => {
    // Saturday 03:00Z: P1 ack 15m, handle 2h.
    const start = new Date('2026-11-21T03:00:00Z');
    const deadlines = slaDeadlines(timerFor('P1'), start);
    expect(deadlines.ackDueAt.toISOString()).toBe('2026-11-21T03:15:00.000Z');
    expect(deadlines.handleDueAt.toISOString()).toBe('2026-11-21T05:00:00.000Z');
  });

  it('counts only the team’s working time for a business-hours target', () => {
    // P3: ack 4h, handle 24h of Mon–Fri 08:00–20:00 New York. Friday 2026-11-20 18:00 EST (23:00Z).
    const start = new Date('2026-11-20T23:00:00Z');
    const deadlines = slaDeadlines(timerFor('P3'), start);
    // 2h Friday + 2h Monday → Monday 10:00 EST.
    expect(deadlines.ackDueAt.toISOString()).toBe('2026-11-23T15:00:00.000Z');
    // 2h Friday + 12h Mon + 10h Tue → Tuesday 18:00 EST.
    expect(deadlines.handleDueAt.toISOString()).toBe('2026-11-24T23:00:00.000Z');
  });
});

describe('escalation schedule', () => {
  it('puts each applicable step at its share of the SLA plus its offset', () => {
    const start = new Date('2026-11-23T15:00:00Z');
    const steps = scheduleEscalation(config.escalation, 'P1', timerFor('P1'), start);
    expect(steps.map((s) => [s.stepIndex, s.clock])).toEqual([
      [0, 'ack'],
      [1, 'ack'],
      [2, 'ack'],
      [3, 'handle'],
    ]);
    expect(iso(steps)).toEqual([
      '2026-11-23T15:07:30.000Z', // 50% of 15m
      '2026-11-23T15:15:00.000Z', // breach
      '2026-11-23T15:45:00.000Z', // breach + 30m
      '2026-11-23T17:00:00.000Z', // 100% of 2h handle
    ]);
  });

  it('leaves out steps limited to other priorities', () => {
    const steps = scheduleEscalation(config.escalation, 'P3', timerFor('P3'), new Date('2026-11-23T15:00:00Z'));
    expect(steps.map((s) => s.stepIndex)).toEqual([0, 1, 2]);
  });

  it('counts steps and their offsets in working time on a business-hours SLA', () => {
    // Monday 2026-11-23 17:00 EST (22:00Z), P3 ack 4h: 50% at 19:00; breach Tuesday 09:00 EST; +30m of working time → 09:30.
    const steps = scheduleEscalation(config.escalation, 'P3', timerFor('P3'), new Date('2026-11-23T22:00:00Z'));
    expect(iso(steps)).toEqual(['2026-11-24T00:00:00.000Z', '2026-11-24T14:00:00.000Z', '2026-11-24T14:30:00.000Z']);
  });

  it('keeps a step written before the start at the start', () => {
    const early = configFrom(SUPPORT_DESK_YAML.replace('- { at: 50% ack, notify: [assignee], via: slack-dm }', '- { at: 0% ack - 5m, notify: [assignee], via: slack-dm }'));
    const start = new Date('2026-11-23T15:00:00Z');
    expect(scheduleEscalation(early.escalation, 'P1', timerFor('P1'), start)[0]?.dueAt.toISOString()).toBe(start.toISOString());
  });
});
