import type { WorkingHours } from '@earshot/config';
import { describe, expect, it } from 'vitest';
import { addWorkingTime, isWorkingAt, memberSchedule, nextWorkingMoment, scheduleOf, teamSchedule } from '../src/index.js';

const at = (iso: string) => new Date(iso);
const HOUR = 3_600_000;
const MINUTE = 60_000;

/** Mon–Fri 08:00–20:00 in New York, Christmas off. US DST ends 2026-11-01 and starts 2027-03-14. */
const newYork: WorkingHours = { timezone: 'America/New_York', days: [1, 2, 3, 4, 5], from: 8 * 60, to: 20 * 60 };
const newYorkDesk = scheduleOf(newYork, ['2026-12-25']);

describe('working hours', () => {
  it('knows the shift in the team time zone, on both sides of the autumn DST change', () => {
    // Friday 2026-10-30 is still EDT (UTC-4): 08:00 local is 12:00Z.
    expect(isWorkingAt(newYorkDesk, at('2026-10-30T11:59:00Z'))).toBe(false);
    expect(isWorkingAt(newYorkDesk, at('2026-10-30T12:00:00Z'))).toBe(true);
    expect(isWorkingAt(newYorkDesk, at('2026-10-30T23:59:00Z'))).toBe(true);
    expect(isWorkingAt(newYorkDesk, at('2026-10-31T00:00:00Z'))).toBe(false);
    // Monday 2026-11-02 is EST (UTC-5): 08:00 local is 13:00Z.
    expect(isWorkingAt(newYorkDesk, at('2026-11-02T12:30:00Z'))).toBe(false);
    expect(isWorkingAt(newYorkDesk, at('2026-11-02T13:00:00Z'))).toBe(true);
  });

  it('keeps weekends and holidays off', () => {
    expect(isWorkingAt(newYorkDesk, at('2026-10-31T15:00:00Z'))).toBe(false); // Saturday
    expect(isWorkingAt(newYorkDesk, at('2026-12-25T15:00:00Z'))).toBe(false); // Christmas, a Friday
    expect(isWorkingAt(newYorkDesk, at('2026-12-24T15:00:00Z'))).toBe(true);
  });

  it('reads a holiday as a date in the schedule zone, not in UTC', () => {
    // 2026-12-26 01:00Z is still Christmas evening in New York: off (and after hours anyway);
    // 2026-12-24 at 23:00 local is 04:00Z on the 25th, which is not the holiday there.
    const lateShift = scheduleOf({ ...newYork, days: [0, 1, 2, 3, 4, 5, 6], from: 0, to: 24 * 60 }, ['2026-12-25']);
    expect(isWorkingAt(lateShift, at('2026-12-25T04:00:00Z'))).toBe(true);
    expect(isWorkingAt(lateShift, at('2026-12-26T01:00:00Z'))).toBe(false);
    expect(isWorkingAt(lateShift, at('2026-12-26T05:00:00Z'))).toBe(true);
  });

  it('runs a night shift past midnight and lets it belong to the day it starts', () => {
    const fridayNights = scheduleOf({ timezone: 'Europe/Berlin', days: [5], from: 22 * 60, to: 6 * 60 });
    // Friday 2026-11-27 22:00 CET is 21:00Z; the shift runs to Saturday 06:00 CET (05:00Z).
    expect(isWorkingAt(fridayNights, at('2026-11-27T20:59:00Z'))).toBe(false);
    expect(isWorkingAt(fridayNights, at('2026-11-27T21:00:00Z'))).toBe(true);
    expect(isWorkingAt(fridayNights, at('2026-11-28T04:59:00Z'))).toBe(true);
    expect(isWorkingAt(fridayNights, at('2026-11-28T05:00:00Z'))).toBe(false);
    expect(isWorkingAt(fridayNights, at('2026-11-28T22:00:00Z'))).toBe(false); // Saturday night is not listed
  });

  it('treats no hours and no holidays as around the clock', () => {
    expect(scheduleOf(undefined, [])).toBeNull();
    expect(isWorkingAt(null, at('2026-12-25T03:00:00Z'))).toBe(true);
  });

  it('treats holidays without hours as whole UTC days off', () => {
    const holidaysOnly = scheduleOf(undefined, ['2026-12-25']);
    expect(isWorkingAt(holidaysOnly, at('2026-12-24T23:59:00Z'))).toBe(true);
    expect(isWorkingAt(holidaysOnly, at('2026-12-25T12:00:00Z'))).toBe(false);
    expect(isWorkingAt(holidaysOnly, at('2026-12-26T00:00:00Z'))).toBe(true);
  });

  it('finds the next working moment across a weekend and a DST change', () => {
    // Friday 2026-10-30 20:30 EDT → Monday 2026-11-02 08:00 EST.
    expect(nextWorkingMoment(newYorkDesk, at('2026-10-31T00:30:00Z'))?.toISOString()).toBe('2026-11-02T13:00:00.000Z');
    expect(nextWorkingMoment(newYorkDesk, at('2026-11-02T15:00:00Z'))?.toISOString()).toBe('2026-11-02T15:00:00.000Z');
  });

  it('gives members their own hours in their zone, or the team’s, and the team’s holidays either way', () => {
    const team = { hours: newYork, holidays: ['2026-12-25'] };
    const berliner = memberSchedule({ hours: { timezone: 'Europe/Berlin', days: [1, 2, 3, 4, 5], from: 9 * 60, to: 17 * 60 } }, team);
    // Monday 2026-10-26, the day after Europe left summer time while New York had not:
    // 09:00 CET is 08:00Z, when the New York team is still asleep (04:00 EDT).
    expect(isWorkingAt(berliner, at('2026-10-26T08:00:00Z'))).toBe(true);
    expect(isWorkingAt(teamSchedule(team), at('2026-10-26T08:00:00Z'))).toBe(false);
    expect(isWorkingAt(berliner, at('2026-12-25T10:00:00Z'))).toBe(false);
    expect(isWorkingAt(memberSchedule({}, team), at('2026-10-26T13:00:00Z'))).toBe(true);
  });
});

describe('working-time arithmetic (business-hours SLAs)', () => {
  it('counts only working time: Friday evening to Monday morning', () => {
    // Monday 2026-11-23 is EST. Friday 2026-11-20 19:00 EST (00:00Z Sat) + 4h = 1h Friday + 3h Monday → Monday 11:00 EST.
    expect(addWorkingTime(newYorkDesk, at('2026-11-21T00:00:00Z'), 4 * HOUR).toISOString()).toBe('2026-11-23T16:00:00.000Z');
  });

  it('starts counting at the next shift when started outside hours', () => {
    // Sunday noon + 30m → Monday 08:30 EST.
    expect(addWorkingTime(newYorkDesk, at('2026-11-22T17:00:00Z'), 30 * MINUTE).toISOString()).toBe('2026-11-23T13:30:00.000Z');
  });

  it('skips a holiday', () => {
    // Thursday 2026-12-24 19:00 EST + 2h: 1h Thursday, Christmas Friday off, weekend off → Monday 2026-12-28 09:00 EST.
    expect(addWorkingTime(newYorkDesk, at('2026-12-25T00:00:00Z'), 2 * HOUR).toISOString()).toBe('2026-12-28T14:00:00.000Z');
  });

  it('lands on the right instant across the autumn DST change', () => {
    // Friday 2026-10-30 19:30 EDT (23:30Z) + 1h: 30m Friday, then Monday 2026-11-02 08:30 EST = 13:30Z.
    expect(addWorkingTime(newYorkDesk, at('2026-10-30T23:30:00Z'), HOUR).toISOString()).toBe('2026-11-02T13:30:00.000Z');
  });

  it('counts a window on the spring-forward night as the real time that passes', () => {
    // Every day 01:00–05:00 New York. On 2027-03-14 02:00 EST jumps to 03:00 EDT: the window is 3 hours.
    const nights = scheduleOf({ timezone: 'America/New_York', days: [0, 1, 2, 3, 4, 5, 6], from: 60, to: 5 * 60 });
    // 01:00 EST = 06:00Z; 3h of it ends at 05:00 EDT = 09:00Z; the remaining 30m falls on Monday 01:00 EDT (05:00Z).
    expect(addWorkingTime(nights, at('2027-03-14T06:00:00Z'), 3 * HOUR).toISOString()).toBe('2027-03-14T09:00:00.000Z');
    expect(addWorkingTime(nights, at('2027-03-14T06:00:00Z'), 3.5 * HOUR).toISOString()).toBe('2027-03-15T05:30:00.000Z');
    // A shift starting at 02:30, a time that does not exist that night, starts at 03:30 EDT (07:30Z).
    const gapShift = scheduleOf({ timezone: 'America/New_York', days: [0], from: 150, to: 6 * 60 });
    expect(isWorkingAt(gapShift, at('2027-03-14T07:29:00Z'))).toBe(false);
    expect(isWorkingAt(gapShift, at('2027-03-14T07:30:00Z'))).toBe(true);
  });

  it('counts a window on the fall-back night as the real time that passes', () => {
    // 2026-11-01 in New York: 01:00–05:00 holds 01:00–02:00 twice, so it lasts 5 hours.
    const nights = scheduleOf({ timezone: 'America/New_York', days: [0], from: 60, to: 5 * 60 });
    // 01:00 EDT = 05:00Z, 05:00 EST = 10:00Z.
    expect(addWorkingTime(nights, at('2026-11-01T05:00:00Z'), 5 * HOUR).toISOString()).toBe('2026-11-01T10:00:00.000Z');
  });

  it('is plain addition around the clock, and never goes back in time', () => {
    expect(addWorkingTime(null, at('2026-11-22T17:00:00Z'), 30 * MINUTE).toISOString()).toBe('2026-11-22T17:30:00.000Z');
    expect(addWorkingTime(newYorkDesk, at('2026-11-22T17:00:00Z'), -5 * MINUTE).toISOString()).toBe('2026-11-22T17:00:00.000Z');
  });
});
