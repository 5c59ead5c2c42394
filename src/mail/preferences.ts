// What a subscriber chooses, validated once for the compact form, the full form, the manage page and the
// settings page. Pure: no I/O.
import { z } from 'zod';
import { isArxivCategory } from '../domain/arxiv-category.ts';
import type { Preferences } from '../domain/preferences.ts';
import { headerText } from './headers.ts';

export type { Frequency, Preferences } from '../domain/preferences.ts';

export const DEFAULT_PREFERENCES: Preferences = {
  frequency: 'daily',
  categories: [],
  interests: [],
  paperCount: 10,
  timeZone: 'UTC',
  sendHour: 7,
};

export const LIMITS = { categories: 12, interests: 8, interestLength: 80, minPapers: 3, maxPapers: 50 } as const;

export function isTimeZone(tz: string): boolean {
  if (!tz || tz.length > 64) return false;
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Splits "a, b\nc" or repeated form fields into trimmed, de-duplicated entries. */
function list(value: unknown): string[] {
  const parts = (Array.isArray(value) ? value : [value ?? '']).flatMap((v) => String(v).split(/[\n,;]+/));
  return [...new Set(parts.map((p) => p.trim()).filter(Boolean))];
}

const preferencesInput = z.object({
  frequency: z.enum(['daily', 'weekly'], { errorMap: () => ({ message: 'frequency must be daily or weekly' }) }).default('daily'),
  categories: z
    .unknown()
    .transform(list)
    .refine((cs) => cs.length <= LIMITS.categories, `at most ${LIMITS.categories} categories`)
    .refine((cs) => cs.every(isArxivCategory), 'categories look like cs.CL or math.PR'),
  interests: z
    .unknown()
    .transform((v) => list(v).map((i) => headerText(i, 200)))
    .refine((is) => is.length <= LIMITS.interests, `at most ${LIMITS.interests} interests`)
    .refine((is) => is.every((i) => i.length <= LIMITS.interestLength), `each interest at most ${LIMITS.interestLength} characters`),
  paperCount: z.coerce
    .number({ invalid_type_error: 'number of papers must be a number' })
    .int('number of papers must be a whole number')
    .min(LIMITS.minPapers, `at least ${LIMITS.minPapers} papers`)
    .max(LIMITS.maxPapers, `at most ${LIMITS.maxPapers} papers`)
    .default(DEFAULT_PREFERENCES.paperCount),
  timeZone: z.string().trim().default('UTC').refine(isTimeZone, 'unknown time zone (use a name such as Europe/Berlin)'),
  sendHour: z.coerce.number().int().min(0, 'hour is 0 to 23').max(23, 'hour is 0 to 23').default(DEFAULT_PREFERENCES.sendHour),
});

export type PreferencesResult = { ok: true; preferences: Preferences } | { ok: false; errors: string[] };

/** Validates raw form or JSON input; empty fields take the defaults. */
export function parsePreferences(input: Record<string, unknown>): PreferencesResult {
  const cleaned: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (v !== '' && v !== undefined && v !== null) cleaned[k] = v;
  }
  const parsed = preferencesInput.safeParse(cleaned);
  if (!parsed.success) return { ok: false, errors: parsed.error.issues.map((i) => i.message) };
  return { ok: true, preferences: parsed.data as Preferences };
}
