import { describe, expect, it } from 'vitest';
import { bucketStarts, chooseBucketSeconds, MAX_BUCKETS, parseStatsQuery, StatsQueryError } from '../src/index.js';

const at = (iso: string) => new Date(iso);

describe('volume buckets', () => {
  it('uses hours for a week and days for a quarter, never more than MAX_BUCKETS', () => {
    expect(chooseBucketSeconds(at('2026-11-01T00:00:00Z'), at('2026-11-08T00:00:00Z'))).toBe(3_600);
    expect(chooseBucketSeconds(at('2026-09-01T00:00:00Z'), at('2026-11-30T00:00:00Z'))).toBe(86_400);
    expect(chooseBucketSeconds(at('2026-11-01T10:00:00Z'), at('2026-11-01T11:00:00Z'))).toBe(300);
    for (const days of [1, 3, 10, 40, 200, 400]) {
      const from = at('2026-01-01T00:00:00Z');
      const to = new Date(from.getTime() + days * 86_400_000);
      expect(bucketStarts(from, to, chooseBucketSeconds(from, to)).length).toBeLessThanOrEqual(MAX_BUCKETS);
    }
  });

  it('covers the window from its start, the last bucket possibly partial', () => {
    const starts = bucketStarts(at('2026-11-01T00:00:00Z'), at('2026-11-01T02:30:00Z'), 3_600);
    expect(starts.map((d) => d.toISOString())).toEqual(['2026-11-01T00:00:00.000Z', '2026-11-01T01:00:00.000Z', '2026-11-01T02:00:00.000Z']);
  });
});

describe('parseStatsQuery', () => {
  const now = at('2026-11-20T12:00:00Z');

  it('defaults to the 7 days up to now', () => {
    expect(parseStatsQuery({}, now)).toEqual({ from: at('2026-11-13T12:00:00Z'), to: now });
  });

  it('keeps an explicit window and brand', () => {
    expect(parseStatsQuery({ from: '2026-11-01T00:00:00Z', to: '2026-11-02T00:00:00+01:00', brand: 'acme' }, now)).toEqual({
      from: at('2026-11-01T00:00:00Z'),
      to: at('2026-11-01T23:00:00Z'),
      brand: 'acme',
    });
  });

  it('names the field of a bad query', () => {
    expect(() => parseStatsQuery({ from: 'yesterday' }, now)).toThrow(/from/);
    expect(() => parseStatsQuery({ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, now)).toThrow(StatsQueryError);
    expect(() => parseStatsQuery({ from: '2026-11-02T00:00:00Z', to: '2026-11-01T00:00:00Z' }, now)).toThrow('to: must be after from');
    expect(() => parseStatsQuery({ from: '2020-01-01T00:00:00Z' }, now)).toThrow('from: the window must not exceed 400 days');
    expect(() => parseStatsQuery({ limit: 3 }, now)).toThrow(/limit/);
  });
});
