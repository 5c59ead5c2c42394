// When a subscriber's digest is due and what it covers. Pure date logic over the subscriber's time zone.
//
// A daily digest is keyed by the subscriber's local date (YYYY-MM-DD) and goes out on weekdays; it covers the
// papers that appeared since the previous weekday digest (Monday's covers Friday to Sunday). A weekly digest
// is keyed by the ISO week of its Monday (YYYY-Www) and covers the seven days before that Monday. The key is
// the idempotency key's period part: one digest per subscriber per key, whatever runs or crashes.
import { addDays, isoWeekKey, parseDay, parseWeek, periodLabel } from '../domain/periods.ts';
import type { Frequency, Preferences } from './preferences.ts';

export interface DigestPeriod {
  frequency: Frequency;
  /** Period part of the idempotency key: the local date (daily) or ISO week (weekly). */
  key: string;
  /** Inclusive range of days whose papers the digest covers. */
  start: string;
  end: string;
  /** For headings and subjects, e.g. "Tuesday, 3 June 2025" or "Week 23 of 2025 (2–8 June)". */
  label: string;
}

export interface LocalTime {
  date: string;
  hour: number;
  /** 1 = Monday … 7 = Sunday (ISO). */
  weekday: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall-clock date, hour and weekday in a time zone. */
export function localTime(now: Date, timeZone: string): LocalTime {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', hourCycle: 'h23' });
    formatters.set(timeZone, f);
  }
  const parts = Object.fromEntries(f.formatToParts(now).map((p) => [p.type, p.value]));
  const date = `${parts.year}-${parts.month}-${parts.day}`;
  return { date, hour: Number(parts.hour), weekday: isoWeekday(date) };
}

function isoWeekday(day: string): number {
  return ((new Date(`${day}T00:00:00Z`).getUTCDay() + 6) % 7) + 1;
}

/** The period a digest sent on a given local date belongs to; null when that date has no digest (weekends for daily). */
export function periodForDate(frequency: Frequency, date: string): DigestPeriod | null {
  parseDay(date);
  if (frequency === 'daily') {
    const weekday = isoWeekday(date);
    if (weekday > 5) return null;
    const start = addDays(date, weekday === 1 ? -3 : -1);
    return { frequency, key: date, start, end: addDays(date, -1), label: periodLabel(parseDay(date)) };
  }
  const week = parseWeek(isoWeekKey(date));
  const covered = { ...week, start: addDays(week.start, -7), end: addDays(week.start, -1) };
  return { frequency, key: week.key, start: covered.start, end: covered.end, label: periodLabel(parseWeek(isoWeekKey(covered.start))) };
}

/** Rebuilds a period from its key (as stored on a delivery). */
export function periodFromKey(frequency: Frequency, key: string): DigestPeriod {
  const date = frequency === 'daily' ? key : parseWeek(key).start;
  const period = periodForDate(frequency, date);
  if (!period) throw new Error(`no ${frequency} digest for ${key}`);
  return period;
}

/**
 * The period due for a subscriber at `now`, or null. Daily: a weekday once the local hour has come. Weekly: any
 * day of the week from Monday's hour on, so a scheduler that was down on Monday still sends that week's digest.
 */
export function duePeriod(preferences: Preferences, now: Date): DigestPeriod | null {
  const local = localTime(now, preferences.timeZone);
  if (preferences.frequency === 'daily') {
    if (local.weekday > 5 || local.hour < preferences.sendHour) return null;
    return periodForDate('daily', local.date);
  }
  if (local.weekday === 1 && local.hour < preferences.sendHour) return null;
  return periodForDate('weekly', local.date);
}
