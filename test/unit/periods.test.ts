import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  addDays,
  daysOf,
  InvalidPeriodError,
  isoWeekKey,
  nextPeriod,
  parseDay,
  parseMonth,
  parseWeek,
  periodContaining,
  periodLabel,
  previousPeriod,
} from '../../src/domain/periods.ts';

describe('periods', () => {
  it('parses days and rejects impossible dates', () => {
    expect(parseDay('2025-06-05')).toEqual({ kind: 'day', key: '2025-06-05', start: '2025-06-05', end: '2025-06-05' });
    expect(parseDay('2024-02-29').end).toBe('2024-02-29');
    for (const bad of ['2025-02-29', '2025-13-01', '2025-6-5', '20250605', '2025-06-05T00:00', '1800-01-01', '']) {
      expect(() => parseDay(bad), bad).toThrow(InvalidPeriodError);
    }
  });

  it('knows ISO weeks, including those that cross a year boundary', () => {
    // 2025-W01 starts on Monday 30 December 2024; 2020 has 53 weeks; 2021-01-03 belongs to 2020-W53.
    expect(parseWeek('2025-W01')).toMatchObject({ start: '2024-12-30', end: '2025-01-05' });
    expect(parseWeek('2025-W23')).toMatchObject({ start: '2025-06-02', end: '2025-06-08' });
    expect(parseWeek('2020-W53')).toMatchObject({ start: '2020-12-28', end: '2021-01-03' });
    expect(isoWeekKey('2021-01-03')).toBe('2020-W53');
    expect(isoWeekKey('2024-12-30')).toBe('2025-W01');
    expect(() => parseWeek('2025-W53')).toThrow(/weeks 01 to 52/);
    expect(() => parseWeek('2025-W00')).toThrow(InvalidPeriodError);
    expect(() => parseWeek('2025-23')).toThrow(InvalidPeriodError);
  });

  it('knows month lengths', () => {
    expect(parseMonth('2024-02')).toMatchObject({ start: '2024-02-01', end: '2024-02-29' });
    expect(parseMonth('2025-02').end).toBe('2025-02-28');
    expect(parseMonth('2025-12').end).toBe('2025-12-31');
    expect(() => parseMonth('2025-13')).toThrow(InvalidPeriodError);
  });

  it('steps to previous and next periods', () => {
    expect(previousPeriod(parseDay('2025-03-01')).key).toBe('2025-02-28');
    expect(nextPeriod(parseWeek('2020-W53')).key).toBe('2021-W01');
    expect(previousPeriod(parseMonth('2025-01')).key).toBe('2024-12');
  });

  it('labels periods for people', () => {
    expect(periodLabel(parseDay('2025-06-05'))).toBe('Thursday, 5 June 2025');
    expect(periodLabel(parseWeek('2025-W23'))).toBe('Week 23 of 2025 (2–8 June)');
    expect(periodLabel(parseWeek('2025-W22'))).toBe('Week 22 of 2025 (26 May – 1 June)');
    expect(periodLabel(parseMonth('2025-06'))).toBe('June 2025');
  });

  it('properties: every day lies in exactly one week and month, periods tile the calendar', () => {
    const day = fc.integer({ min: 0, max: 365 * 60 }).map((n) => addDays('1995-01-01', n));
    fc.assert(
      fc.property(day, fc.constantFrom('day' as const, 'week' as const, 'month' as const), (d, kind) => {
        const p = periodContaining(kind, d);
        expect(p.start <= d && d <= p.end).toBe(true);
        expect(nextPeriod(previousPeriod(p))).toEqual(p);
        expect(addDays(previousPeriod(p).end, 1)).toBe(p.start);
        if (kind === 'week') expect(daysOf(p)).toHaveLength(7);
      }),
      { numRuns: 500 },
    );
  });
});
