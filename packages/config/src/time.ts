import { z } from 'zod';

export function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const TimeZoneSchema = z
  .string()
  .refine(isValidTimeZone, { error: (issue) => `"${String(issue.input)}" is not an IANA time zone (e.g. Europe/Berlin, America/New_York, UTC)` });

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** `mon-fri`, `mon,wed,fri`, `sat-sun` or a list of day names → the set of weekdays (0 = Sunday). */
export function parseWeekdays(spec: string | readonly string[]): number[] | null {
  const parts = (typeof spec === 'string' ? spec.split(',') : [...spec]).map((p) => p.trim().toLowerCase());
  const days = new Set<number>();
  for (const part of parts) {
    const range = part.split('-');
    const from = WEEKDAYS.indexOf(range[0] as Weekday);
    const to = range.length === 2 ? WEEKDAYS.indexOf(range[1] as Weekday) : from;
    if (from < 0 || to < 0 || range.length > 2) return null;
    // Ranges may wrap the week end, e.g. fri-mon.
    for (let day = from; ; day = (day + 1) % 7) {
      days.add(day);
      if (day === to) break;
    }
  }
  return [...days].sort((a, b) => a - b);
}

const CLOCK = /^([01]\d|2[0-4]):([0-5]\d)$/;

/** `08:00` → minutes since midnight; `24:00` is allowed as the end of a day. */
export function parseClock(text: string): number | null {
  const match = CLOCK.exec(text);
  if (!match) return null;
  const minutes = Number(match[1]) * 60 + Number(match[2]);
  return minutes <= 24 * 60 ? minutes : null;
}

const ClockSchema = z.string().transform((text, ctx) => {
  const minutes = parseClock(text);
  if (minutes === null) {
    ctx.addIssue({ code: 'custom', message: `"${text}" is not a time of day; write HH:MM, e.g. 08:00` });
    return z.NEVER;
  }
  return minutes;
});

const WeekdaysSchema = z.union([z.string(), z.array(z.string())]).transform((spec, ctx) => {
  const days = parseWeekdays(spec);
  if (!days || days.length === 0) {
    ctx.addIssue({ code: 'custom', message: `"${String(spec)}" is not a list of weekdays; write e.g. mon-fri or [mon, wed, fri]` });
    return z.NEVER;
  }
  return days;
});

export const WorkingHoursSchema = z
  .strictObject({
    timezone: TimeZoneSchema,
    days: WeekdaysSchema.default([1, 2, 3, 4, 5]),
    from: ClockSchema,
    to: ClockSchema,
  })
  .refine((hours) => hours.from !== hours.to, { message: 'from and to must differ', path: ['to'] });
export type WorkingHours = z.infer<typeof WorkingHoursSchema>;

export const CalendarDateSchema = z.iso.date({ message: 'must be a date written YYYY-MM-DD' });
