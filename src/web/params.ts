// Query and path parameters, validated with zod. A bad value is a 400 naming the parameter and what was expected;
// pages and the API share these definitions so they accept exactly the same inputs.
import { z } from 'zod';
import type { Context } from 'hono';
import { badRequest } from '../errors.ts';
import { InvalidPeriodError, parseDay, parseMonth, parseWeek, type Period } from '../domain/periods.ts';

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
