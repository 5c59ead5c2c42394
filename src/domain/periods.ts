// Calendar periods the feeds are organised by: a day (YYYY-MM-DD), an ISO-8601 week (YYYY-Www, weeks start
// on Monday and week 1 holds the year's first Thursday) and a month (YYYY-MM). Pure date arithmetic in UTC:
// a period is a closed range of days, and days are compared as strings.

export type PeriodKind = 'day' | 'week' | 'month';

export interface Period {
  kind: PeriodKind;
  /** The canonical key: 2025-06-05, 2025-W23 or 2025-06. */
  key: string;
  /** First and last day, inclusive. */
  start: string;
  end: string;
}

export class InvalidPeriodError extends Error {
  override name = 'InvalidPeriodError';
}

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WEEK = /^(\d{4})-W(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;
// Far enough back for any arXiv paper, near enough that date maths stays in ordinary years.
const MIN_YEAR = 1990;
const MAX_YEAR = 2999;

function utc(day: string): Date {
  return new Date(`${day}T00:00:00Z`);
}

/** YYYY-MM-DD of a Date (UTC). */
export function dayOf(date: Date): string {
  return date.toISOString().slice(0, 10);
}

export function addDays(day: string, n: number): string {
  return dayOf(new Date(utc(day).getTime() + n * MS_PER_DAY));
}

/** Whole days from a to b (positive when b is later). */
export function daysBetween(a: string, b: string): number {
  return Math.round((utc(b).getTime() - utc(a).getTime()) / MS_PER_DAY);
}

function checkYear(year: number, input: string): void {
  if (year < MIN_YEAR || year > MAX_YEAR) throw new InvalidPeriodError(`${input}: year must be between ${MIN_YEAR} and ${MAX_YEAR}`);
}

export function parseDay(input: string): Period {
  const m = DAY.exec(input);
  if (!m) throw new InvalidPeriodError(`${input}: expected a date as YYYY-MM-DD`);
  checkYear(Number(m[1]), input);
  // Round-tripping through Date rejects 2025-02-30 and month 13.
  if (Number.isNaN(utc(input).getTime()) || dayOf(utc(input)) !== input) {
    throw new InvalidPeriodError(`${input}: no such date`);
  }
  return { kind: 'day', key: input, start: input, end: input };
}

/** Monday of ISO week 1 of an ISO year: the week holding 4 January. */
function isoWeekOneMonday(year: number): string {
  const jan4 = new Date(Date.UTC(year, 0, 4));
  const weekday = (jan4.getUTCDay() + 6) % 7; // Monday = 0
  return addDays(dayOf(jan4), -weekday);
}

function isoWeeksInYear(year: number): number {
  return daysBetween(isoWeekOneMonday(year), isoWeekOneMonday(year + 1)) / 7;
}

export function parseWeek(input: string): Period {
  const m = WEEK.exec(input);
  if (!m) throw new InvalidPeriodError(`${input}: expected an ISO week as YYYY-Www, such as 2025-W23`);
  const year = Number(m[1]);
  const week = Number(m[2]);
  checkYear(year, input);
  if (week < 1 || week > isoWeeksInYear(year)) {
    throw new InvalidPeriodError(`${input}: ${year} has weeks 01 to ${isoWeeksInYear(year)}`);
  }
  const start = addDays(isoWeekOneMonday(year), (week - 1) * 7);
  return { kind: 'week', key: input, start, end: addDays(start, 6) };
}

export function parseMonth(input: string): Period {
  const m = MONTH.exec(input);
  if (!m) throw new InvalidPeriodError(`${input}: expected a month as YYYY-MM`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  checkYear(year, input);
  if (month < 1 || month > 12) throw new InvalidPeriodError(`${input}: month must be 01 to 12`);
  const start = `${input}-01`;
  const end = dayOf(new Date(Date.UTC(year, month, 0)));
  return { kind: 'month', key: input, start, end };
}

export function parsePeriod(kind: PeriodKind, input: string): Period {
  return kind === 'day' ? parseDay(input) : kind === 'week' ? parseWeek(input) : parseMonth(input);
}

/** The ISO week key (YYYY-Www) holding a day; the ISO year can differ from the calendar year near New Year. */
export function isoWeekKey(day: string): string {
  const d = utc(day);
  const weekday = (d.getUTCDay() + 6) % 7;
  const thursday = addDays(day, 3 - weekday);
  const year = Number(thursday.slice(0, 4));
  const week = daysBetween(isoWeekOneMonday(year), thursday) / 7 + 1;
  return `${year}-W${String(Math.floor(week)).padStart(2, '0')}`;
}

/** The period of a kind that holds a day. */
export function periodContaining(kind: PeriodKind, day: string): Period {
  if (kind === 'day') return parseDay(day);
  if (kind === 'week') return parseWeek(isoWeekKey(day));
  return parseMonth(day.slice(0, 7));
}

export function previousPeriod(p: Period): Period {
  return periodContaining(p.kind, addDays(p.start, -1));
}

export function nextPeriod(p: Period): Period {
  return periodContaining(p.kind, addDays(p.end, 1));
}

/** Every day of a period, in order. */
export function daysOf(p: Period): string[] {
  const out: string[] = [];
  for (let d = p.start; d <= p.end; d = addDays(d, 1)) out.push(d);
  return out;
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** A heading for people: "Thursday, 5 June 2025", "Week 23 of 2025 (2–8 June)", "June 2025". */
export function periodLabel(p: Period): string {
  const d = utc(p.start);
  if (p.kind === 'day') return `${WEEKDAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  if (p.kind === 'month') return `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  const e = utc(p.end);
  const range =
    d.getUTCMonth() === e.getUTCMonth()
      ? `${d.getUTCDate()}–${e.getUTCDate()} ${MONTHS[e.getUTCMonth()]}`
      : `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} – ${e.getUTCDate()} ${MONTHS[e.getUTCMonth()]}`;
  return `Week ${Number(p.key.slice(6))} of ${p.key.slice(0, 4)} (${range})`;
}
