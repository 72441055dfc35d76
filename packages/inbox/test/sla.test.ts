import { describe, expect, it } from 'vitest';
import { slaStatus } from '../src/index.js';

const NOW = new Date('2026-11-22T12:00:00Z');
const minutesFromNow = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000).toISOString();

function item(overrides: Partial<Parameters<typeof slaStatus>[0]> = {}): Parameters<typeof slaStatus>[0] {
  return { state: 'open', slaApplies: true, ackDueAt: minutesFromNow(12), handleDueAt: minutesFromNow(240), acknowledgedAt: null, snoozedUntil: null, ...overrides };
}

describe('slaStatus', () => {
  it('counts down to the acknowledgement deadline until the item is acknowledged', () => {
    expect(slaStatus(item(), NOW)).toEqual({ text: 'ack breaches in 12 min', tone: 'soon', dueAt: minutesFromNow(12) });
    expect(slaStatus(item({ ackDueAt: minutesFromNow(95) }), NOW)).toMatchObject({ text: 'ack breaches in 1 h 35 min', tone: 'ok' });
  });

  it('then counts down to the handling deadline', () => {
    expect(slaStatus(item({ state: 'acknowledged', acknowledgedAt: minutesFromNow(-5) }), NOW)).toMatchObject({ text: 'handle breaches in 4 h', tone: 'ok' });
  });

  it('says how long ago a deadline passed', () => {
    expect(slaStatus(item({ ackDueAt: minutesFromNow(-3) }), NOW)).toMatchObject({ text: 'ack breached 3 min ago', tone: 'breached' });
    expect(slaStatus(item({ ackDueAt: minutesFromNow(-(26 * 60)) }), NOW)).toMatchObject({ text: 'ack breached 1 d 2 h ago', tone: 'breached' });
    expect(slaStatus(item({ ackDueAt: new Date(NOW.getTime() - 40_000).toISOString() }), NOW)).toMatchObject({ text: 'ack breached 40 s ago' });
  });

  it('has nothing to count for handled items and items without an SLA', () => {
    expect(slaStatus(item({ state: 'handled' }), NOW)).toEqual({ text: 'handled', tone: 'none', dueAt: null });
    expect(slaStatus(item({ slaApplies: false }), NOW)).toEqual({ text: 'no SLA', tone: 'none', dueAt: null });
    expect(slaStatus(item({ ackDueAt: null }), NOW)).toEqual({ text: 'no SLA', tone: 'none', dueAt: null });
  });

  it('mentions a snooze next to the deadline it pauses', () => {
    expect(slaStatus(item({ state: 'snoozed', ackDueAt: minutesFromNow(90), snoozedUntil: minutesFromNow(30) }), NOW).text).toMatch(/^ack breaches in 1 h 30 min, snoozed until /);
  });
});
