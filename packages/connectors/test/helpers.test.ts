import { describe, expect, it } from 'vitest';
import { languageTag } from '../src/normalise.js';
import { initialNewestFirst, stepNewestFirst } from '../src/newest-first.js';
import { msUntilMidnight, retryAfterMs, untilResetHeader } from '../src/rate-limit.js';

const MIN = 60_000;

describe('walking a newest-first listing down to the mark', () => {
  const t = (minute: number) => Date.parse('2026-09-01T12:00:00Z') + minute * MIN;

  it('publishes what is newer than the mark, pages until it meets older posts, then moves the mark to the newest', () => {
    const start = initialNewestFirst(t(60), 60 * MIN); // mark at 12:00
    const first = stepNewestFirst(start, [{ id: 'c', at: t(50) }, { id: 'b', at: t(40) }], 'page-2', 0);
    expect([...first.fresh]).toEqual(['c', 'b']);
    expect(first.more).toBe(true);
    expect(first.cursor.mark.at).toBe(t(0));
    const second = stepNewestFirst(first.cursor, [{ id: 'a', at: t(10) }, { id: 'old', at: t(-5) }], 'page-3', 0);
    expect([...second.fresh]).toEqual(['a']);
    expect(second.more).toBe(false);
    expect(second.cursor).toEqual({ mark: { at: t(50), seen: { c: t(50) } } });
  });

  it('looks back an overlap for posts indexed late, without publishing the ones already seen', () => {
    const cursor = { mark: { at: t(50), seen: { c: t(50), b: t(46) } } };
    const step = stepNewestFirst(cursor, [{ id: 'd', at: t(55) }, { id: 'c', at: t(50) }, { id: 'late', at: t(47) }, { id: 'b', at: t(46) }, { id: 'a', at: t(40) }], 'next', 5 * MIN);
    expect([...step.fresh]).toEqual(['d', 'late']);
    expect(step.more).toBe(false);
    expect(step.cursor.mark).toEqual({ at: t(55), seen: { d: t(55), c: t(50) } });
  });

  it('a post pushed onto the next page by new arrivals is not published twice', () => {
    const cursor = initialNewestFirst(t(60), 60 * MIN);
    const first = stepNewestFirst(cursor, [{ id: 'c', at: t(50) }, { id: 'b', at: t(40) }], '2', 0);
    const shifted = stepNewestFirst(first.cursor, [{ id: 'b', at: t(40) }, { id: 'a', at: t(30) }], undefined, 0);
    expect([...shifted.fresh]).toEqual(['a']);
  });
});

describe('rate-limit headers and quota days', () => {
  const now = Date.parse('2026-09-01T13:00:00Z');
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it('reads Retry-After as seconds or an HTTP date', () => {
    expect(retryAfterMs(headers({ 'retry-after': '120' }), now)).toBe(120_000);
    expect(retryAfterMs(headers({ 'retry-after': 'Tue, 01 Sep 2026 13:01:30 GMT' }), now)).toBe(90_000);
    expect(retryAfterMs(headers({}), now)).toBeUndefined();
  });

  it('reads a reset header as epoch seconds, delta seconds or an ISO time', () => {
    expect(untilResetHeader(headers({ 'ratelimit-reset': String(now / 1000 + 60) }), 'ratelimit-reset', now)).toBe(60_000);
    expect(untilResetHeader(headers({ 'ratelimit-reset': '45' }), 'ratelimit-reset', now)).toBe(45_000);
    expect(untilResetHeader(headers({ 'x-ratelimit-reset': '2026-09-01T13:05:00.000Z' }), 'x-ratelimit-reset', now)).toBe(300_000);
  });

  it('counts to the next midnight in the quota time zone, across DST changes', () => {
    expect(msUntilMidnight(now, 'UTC')).toBe(11 * 3_600_000);
    expect(msUntilMidnight(now, 'America/Los_Angeles')).toBe(18 * 3_600_000);
    // 1 November 2026, 00:00 PDT: the clocks go back at 02:00, so this day is 25 hours long.
    expect(msUntilMidnight(Date.parse('2026-11-01T07:00:00Z'), 'America/Los_Angeles')).toBe(25 * 3_600_000);
    // 8 March 2026, 00:00 PST: 23 hours.
    expect(msUntilMidnight(Date.parse('2026-03-08T08:00:00Z'), 'America/Los_Angeles')).toBe(23 * 3_600_000);
  });
});

describe('language codes', () => {
  it('keeps BCP 47 tags and drops the codes platforms use for "no language"', () => {
    expect(languageTag('en')).toBe('en');
    expect(languageTag('EN')).toBe('en');
    expect(languageTag('pt_BR')).toBe('pt-BR');
    expect(languageTag('und')).toBeUndefined();
    expect(languageTag('qme')).toBeUndefined();
    expect(languageTag('zxx')).toBeUndefined();
    expect(languageTag('not a language')).toBeUndefined();
    expect(languageTag(null)).toBeUndefined();
  });
});
