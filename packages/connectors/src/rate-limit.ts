/** Platform rate-limit headers turned into waits, in ms. Every function returns undefined when the header is absent or unreadable. */

/** `Retry-After`: delta seconds or an HTTP date (RFC 9110). */
export function retryAfterMs(headers: Headers, now: number): number | undefined {
  const value = headers.get('retry-after');
  if (value === null || value.trim() === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Math.ceil(Number(value) * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

/** A header holding a reset time as unix epoch seconds (X's `x-rate-limit-reset`). */
export function untilEpochSecondsHeader(headers: Headers, name: string, now: number): number | undefined {
  const seconds = numberHeader(headers, name);
  return seconds === undefined ? undefined : Math.max(0, Math.ceil(seconds * 1000 - now));
}

/** A header holding seconds left in the window (Reddit's `x-ratelimit-reset`). */
export function deltaSecondsHeader(headers: Headers, name: string): number | undefined {
  const seconds = numberHeader(headers, name);
  return seconds === undefined ? undefined : Math.max(0, Math.ceil(seconds * 1000));
}

/**
 * A reset header whose unit varies by server: epoch seconds (bsky PDS),
 * delta seconds (draft-polli-ratelimit-headers) or an ISO 8601 time (Mastodon).
 */
export function untilResetHeader(headers: Headers, name: string, now: number): number | undefined {
  const value = headers.get(name)?.trim();
  if (!value) return undefined;
  if (/^\d+(\.\d+)?$/.test(value)) {
    const seconds = Number(value);
    // No window is a billion seconds long; a number that large is a timestamp.
    return seconds > 1e9 ? Math.max(0, Math.ceil(seconds * 1000 - now)) : Math.ceil(seconds * 1000);
  }
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export function numberHeader(headers: Headers, name: string): number | undefined {
  const value = headers.get(name);
  if (value === null || value.trim() === '') return undefined;
  const number = Number(value);
  return Number.isFinite(number) ? number : undefined;
}

/**
 * Time until the next midnight in `timeZone`, when daily quotas (YouTube:
 * Pacific, Stack Exchange: UTC) start over. Days of a DST change are 23 or
 * 25 hours long, so this is computed from the zone's offsets, not as 24 h
 * minus the wall-clock time.
 */
export function msUntilMidnight(now: number, timeZone: string): number {
  const day = 86_400_000;
  const local = now + offsetMs(now, timeZone);
  const nextLocalMidnight = Math.floor(local / day) * day + day;
  let instant = nextLocalMidnight - offsetMs(now, timeZone);
  instant = nextLocalMidnight - offsetMs(instant, timeZone);
  return instant - now;
}

/** The zone's offset from UTC at `at` (ms; negative west of Greenwich). */
function offsetMs(at: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  }).formatToParts(new Date(at));
  const field = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  const wall = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
  return wall - Math.floor(at / 1000) * 1000;
}

/** The calendar day in `timeZone`, `YYYY-MM-DD`: the key of a daily quota. */
export function dayIn(now: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(now));
}
