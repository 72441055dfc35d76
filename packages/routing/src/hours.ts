import type { WorkingHours } from '@earshot/config';
import { DateTime } from 'luxon';

/**
 * When someone works: weekly hours in an IANA time zone, minus holidays
 * (calendar dates read in that same zone). `null` everywhere in this package
 * means "around the clock".
 */
export interface Schedule {
  readonly hours: WorkingHours;
  readonly holidays: ReadonlySet<string>;
}

/** Every day, all day, in UTC: what a team with holidays but no hours works. */
const AROUND_THE_CLOCK_UTC: WorkingHours = { timezone: 'UTC', days: [0, 1, 2, 3, 4, 5, 6], from: 0, to: 24 * 60 };

/** A schedule from config hours and holidays; `null` (always working) when there are neither. */
export function scheduleOf(hours: WorkingHours | undefined, holidays: readonly string[] = []): Schedule | null {
  if (hours === undefined && holidays.length === 0) return null;
  return { hours: hours ?? AROUND_THE_CLOCK_UTC, holidays: new Set(holidays) };
}

/** One stretch of working time, [start, end) in epoch ms. */
export interface WorkWindow {
  start: number;
  end: number;
}

const MINUTES_PER_DAY = 24 * 60;
/** Ten years of days: far beyond any SLA, and a bound that stops a schedule with no working day from looping forever. */
const MAX_DAYS_SCANNED = 3660;

/**
 * The instant of wall-clock time `minutes` after midnight of `day`; 24:00 is
 * the next midnight. A time skipped by a DST jump moves forward by the gap;
 * a time that happens twice (the hour repeated when clocks go back) is taken
 * the first time for a window's start and the second time for its end, so a
 * window is as long as the wall clock says.
 */
function wallClock(day: DateTime, minutes: number, repeated: 'first' | 'last'): number {
  const base = minutes >= MINUTES_PER_DAY ? day.plus({ days: 1 }) : day;
  const rest = minutes % MINUTES_PER_DAY;
  const local = DateTime.fromObject(
    { year: base.year, month: base.month, day: base.day, hour: Math.floor(rest / 60), minute: rest % 60 },
    { zone: day.zone },
  );
  const instants = local.getPossibleOffsets().map((candidate) => candidate.toMillis());
  if (instants.length === 0) return local.toMillis();
  return repeated === 'first' ? Math.min(...instants) : Math.max(...instants);
}

/**
 * The working windows that end after `from`, in order. Each window belongs to
 * the local day it starts on (so a night shift 22:00–06:00 listed for Friday
 * runs into Saturday morning), and a holiday removes the windows starting on it.
 */
export function* workWindows(schedule: Schedule, from: Date): Generator<WorkWindow> {
  const { hours, holidays } = schedule;
  const overnight = hours.to <= hours.from;
  // Start a day early: yesterday's night shift may still be running.
  let day = DateTime.fromJSDate(from, { zone: hours.timezone }).startOf('day').minus({ days: 1 });
  for (let scanned = 0; scanned < MAX_DAYS_SCANNED; scanned += 1, day = day.plus({ days: 1 })) {
    if (!hours.days.includes(day.weekday % 7) || holidays.has(day.toISODate() ?? '')) continue;
    const start = wallClock(day, hours.from, 'first');
    const end = wallClock(overnight ? day.plus({ days: 1 }) : day, hours.to, 'last');
    if (end > from.getTime() && end > start) yield { start, end };
  }
}

/** Whether `at` falls inside working time; always true for a `null` schedule. */
export function isWorkingAt(schedule: Schedule | null, at: Date): boolean {
  if (schedule === null) return true;
  const window = workWindows(schedule, at).next();
  return !window.done && window.value.start <= at.getTime();
}

/** The first working moment at or after `at` (itself when working), or null if none within ten years. */
export function nextWorkingMoment(schedule: Schedule | null, at: Date): Date | null {
  if (schedule === null) return at;
  const window = workWindows(schedule, at).next();
  if (window.done) return null;
  return new Date(Math.max(window.value.start, at.getTime()));
}

/**
 * `start` plus `durationMs` of working time: time outside the schedule does
 * not count. A DST change inside a window counts as the real time that passed
 * (a 08:00–20:00 shift on the spring-forward night is still 12 hours; on a
 * day whose 02:00 does not exist, a 01:00–05:00 window is 3 hours).
 */
export function addWorkingTime(schedule: Schedule | null, start: Date, durationMs: number): Date {
  if (schedule === null || durationMs <= 0) return new Date(start.getTime() + Math.max(0, durationMs));
  let remaining = durationMs;
  for (const window of workWindows(schedule, start)) {
    const from = Math.max(window.start, start.getTime());
    const available = window.end - from;
    if (remaining <= available) return new Date(from + remaining);
    remaining -= available;
  }
  throw new Error(`the schedule in ${schedule.hours.timezone} has no working time within ten years of ${start.toISOString()}`);
}
