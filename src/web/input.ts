// The input vocabulary: what pages, the API and feeds accept in paths, query strings and forms, validated with zod.
// A bad value is a 400 naming the parameter and what was expected; every route shares these definitions so they
// accept exactly the same inputs.
import { z } from 'zod';
import type { Context } from 'hono';
import { tryParseArxivId, type ArxivId } from '../domain/arxiv-id.ts';
import { badRequest, notFound } from '../errors.ts';
import { InvalidPeriodError, parseDay, parseMonth, parseWeek, type Period } from '../domain/periods.ts';

// ── Path patterns ────────────────────────────────────────────────────────────────────────────────────────────
// Hono's param regexes cannot hold {n} counts, so the patterns are loose; the parsers below validate and answer
// 404 (ids) or 400 (periods) with a reason.

/** An arXiv id in a path: new style (2506.03569) or old style (hep-th/9901001, one parameter across its slash), optionally vN. */
export const PAPER_ID = ':id{(?:[0-9]+\\.[0-9]+|[a-z-]+(?:\\.[A-Z]+)?/[0-9]+)(?:v[0-9]+)?}';
export const DAY = ':key{[0-9]+-[0-9]+-[0-9]+}';
export const WEEK = ':key{[0-9]+-W[0-9]+}';
export const MONTH = ':key{[0-9]+-[0-9]+}';

/** The paper id as the path wrote it (maybe versioned, maybe not an id at all). */
export function paperIdInPath(c: Context): string {
  return c.req.param('id') ?? '';
}

/** The arXiv id a paper route names, or a 404 when the path holds no valid id. */
export function arxivIdInPath(c: Context): ArxivId {
  const raw = paperIdInPath(c);
  const parsed = tryParseArxivId(raw);
  if (!parsed) throw notFound(`${raw} is not an arXiv id`);
  return parsed;
}

/** arXiv categories look like cs.CV, math.AG, hep-th, q-bio.NC. */
export const CATEGORY_PATTERN = /^[a-z]+(?:-[a-z]+)*(?:\.[A-Za-z]+(?:-[A-Za-z]+)*)?$/;

const period = (parse: (s: string) => Period) =>
  z.string().transform((s, ctx) => {
    try {
      return parse(s);
    } catch (e) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: e instanceof InvalidPeriodError ? e.message : 'invalid period' });
      return z.NEVER;
    }
  });

export const dayParam = period(parseDay);
export const weekParam = period(parseWeek);
export const monthParam = period(parseMonth);

const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .regex(/^\d{1,9}$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `expected at least ${min}`).max(max, `expected at most ${max}`));

export const categoryParam = z
  .string()
  .max(40, 'expected an arXiv category such as cs.CV')
  .regex(CATEGORY_PATTERN, 'expected an arXiv category such as cs.CV');

/** Zero-based page index, as Hugging Face's `p`. Deep pages are pointless and costly, so there is a ceiling. */
export const pageParam = wholeNumber(0, 10_000);

/** Papers per page on listing pages, and per feed. */
export const PAGE_SIZE = 30;

/** Parameters of listing pages: ?category=cs.CV&p=1. Other parameters (utm_source…) are ignored on pages. */
export const pageQuerySchema = z.object({
  category: categoryParam.optional(),
  p: pageParam.optional(),
});

/** Parameters of GET /api/daily_papers, as on Hugging Face, plus category. */
export const dailyPapersQuerySchema = z
  .object({
    p: pageParam.optional(),
    limit: wholeNumber(1, 100).optional(),
    date: dayParam.optional(),
    week: weekParam.optional(),
    month: monthParam.optional(),
    submitter: z.string().min(1).max(100).regex(/^[\w.-]+$/, 'expected a user name (letters, digits, . _ -)').optional(),
    sort: z.enum(['publishedAt', 'trending'], { errorMap: () => ({ message: 'expected publishedAt or trending' }) }).optional(),
    category: categoryParam.optional(),
  })
  .strict()
  .refine((q) => [q.date, q.week, q.month].filter(Boolean).length <= 1, {
    message: 'give at most one of date, week and month',
  });

/** Validates a query string against a schema; unknown parameters are rejected so typos do not pass silently. */
export function parseQuery<T extends z.ZodTypeAny>(c: Context, schema: T): z.infer<T> {
  const raw: Record<string, string> = {};
  const url = new URL(c.req.url);
  for (const [key, value] of url.searchParams) {
    if (key in raw) throw badRequest(`parameter ${key} given more than once`);
    raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue.path.length ? `${issue.path.join('.')}: ` : '';
    const message = issue.code === 'unrecognized_keys' ? `unknown parameter ${issue.keys.join(', ')}` : `${where}${issue.message}`;
    throw badRequest(message);
  }
  return parsed.data;
}

/** Validates one path parameter. */
export function parseParam<T extends z.ZodTypeAny>(name: string, value: string | undefined, schema: T): z.infer<T> {
  const parsed = schema.safeParse(value ?? '');
  if (!parsed.success) throw badRequest(`${name}: ${parsed.error.issues[0].message}`);
  return parsed.data;
}

// ── Form fields ──────────────────────────────────────────────────────────────────────────────────────────────

/** A form field as text; a missing field, or a file, is empty. */
export const formText = (v: unknown): string => (typeof v === 'string' ? v : '');

/** A local path to return to; anything else (other hosts, `//evil`, `/\evil`) falls back. */
export function safeLocalPath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 500 ? value : fallback;
}
