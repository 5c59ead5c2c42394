// The input vocabulary: what pages, the API and feeds accept in paths, query strings and forms, validated with zod.
// A bad value is a 400 naming the parameter and what was expected; every route shares these definitions so they
// accept exactly the same inputs.
import { z } from 'zod';
import type { Context } from 'hono';
import { isArxivCategory } from '../domain/arxiv-category.ts';
import { tryParseArxivId, type ArxivId } from '../domain/arxiv-id.ts';
import { badRequest, notFound } from '../errors.ts';
import { InvalidPeriodError, parseDay, parseMonth, parseWeek, type Period } from '../domain/periods.ts';

// ── Path patterns ────────────────────────────────────────────────────────────────────────────────────────────
// Hono's param regexes cannot hold {n} counts, so the patterns are loose; the parsers below validate and answer
// 404 (ids) or 400 (periods) with a reason.

const ARXIV_ID = '(?:[0-9]+\\.[0-9]+|[a-z-]+(?:\\.[A-Z]+)?/[0-9]+)(?:v[0-9]+)?';
/** An arXiv id in a path: new style (2506.03569) or old style (hep-th/9901001, one parameter across its slash), optionally vN. */
export const PAPER_ID = `:id{${ARXIV_ID}}`;
/** A paper id with a file extension (/papers/2506.03569.bib): Hono cannot put a literal after a parameter. */
export const paperFile = (extension: string) => `:id{${ARXIV_ID}\\.${extension}}`;
export const DAY = ':key{[0-9]+-[0-9]+-[0-9]+}';
export const WEEK = ':key{[0-9]+-W[0-9]+}';
export const MONTH = ':key{[0-9]+-[0-9]+}';

/** The paper id as the path wrote it (maybe versioned, maybe not an id at all), without a file extension. */
export function paperIdInPath(c: Context): string {
  // No arXiv id ends in a dot and letters, so only a paperFile route's extension is removed.
  return (c.req.param('id') ?? '').replace(/\.[a-z]+$/, '');
}

/** The arXiv id a paper route names, or a 404 when the path holds no valid id. */
export function arxivIdInPath(c: Context): ArxivId {
  const raw = paperIdInPath(c);
  const parsed = tryParseArxivId(raw);
  if (!parsed) throw notFound(`${raw} is not an arXiv id`);
  return parsed;
}

// ── Values ───────────────────────────────────────────────────────────────────────────────────────────────────

const period = (parse: (s: string) => Period) =>
  z.string().transform((s, ctx) => {
    try {
      return parse(s);
    } catch (e) {
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: e instanceof InvalidPeriodError ? e.message : 'invalid period' });
      return z.NEVER;
    }
  });

/** A day, YYYY-MM-DD. */
export const dayParam = period(parseDay);
/** An ISO week, YYYY-Www. */
export const weekParam = period(parseWeek);
/** A month, YYYY-MM. */
export const monthParam = period(parseMonth);

/** A whole number written in decimal, between min and max. */
export const wholeNumber = (min: number, max: number) =>
  z
    .string()
    .trim()
    .regex(/^\d{1,9}$/, `expected a whole number from ${min} to ${max}`)
    .transform(Number)
    .pipe(z.number().min(min, `expected at least ${min}`).max(max, `expected at most ${max}`));

/** An arXiv category such as cs.CV (src/domain/arxiv-category.ts). */
export const categoryParam = z.string().trim().refine(isArxivCategory, 'expected an arXiv category such as cs.CV');

/** Zero-based page index, as Hugging Face's `p`. Deep pages are pointless and costly, so there is a ceiling. */
export const pageParam = wholeNumber(0, 10_000);

/** Page size of the API's lists. */
export const limitParam = wholeNumber(1, 100);

/** Papers per page on listing pages, and per feed. */
export const PAGE_SIZE = 30;

/** Parameters of listing pages and feeds: ?category=cs.CV&p=1. */
export const pageQuerySchema = z.object({
  category: categoryParam.optional(),
  p: pageParam.optional(),
});

// ── The query-string rule ────────────────────────────────────────────────────────────────────────────────────

/** A query string's parameters: a zod object (refinements allowed) whose fields are the known names. */
type QuerySchema = z.AnyZodObject | z.ZodEffects<z.AnyZodObject>;

/**
 * Reads the query string against a schema. The rule, the same for every page, API route and feed:
 *  - unknown parameters are ignored (cache-busters such as `_=`, `utm_*` tracking);
 *  - an empty or blank value is the same as leaving the parameter out (forms send their empty fields);
 *  - a known parameter given more than once is a 400 naming it, unless its schema is a list (z.array);
 *  - a bad value is a 400 naming the parameter and what was expected.
 * Errors have the code `bad_query`.
 */
export function parseQuery<S extends QuerySchema>(c: Context, schema: S): z.infer<S> {
  const fields: z.ZodRawShape = schema instanceof z.ZodEffects ? schema.innerType().shape : schema.shape;
  // No prototype, so that ?constructor=1 or ?__proto__=1 are just names.
  const raw: Record<string, string | string[]> = Object.create(null);
  const seen = new Set<string>();
  for (const [key, value] of new URL(c.req.url).searchParams) {
    if (!Object.hasOwn(fields, key)) continue;
    const list = takesList(fields[key]);
    if (seen.has(key) && !list) throw badRequest(`parameter ${key} given more than once`, 'bad_query');
    seen.add(key);
    if (value.trim() === '') continue;
    if (list) raw[key] = [...((raw[key] as string[] | undefined) ?? []), value];
    else raw[key] = value;
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`, 'bad_query');
  }
  return parsed.data;
}

/** One free-text query parameter under the same rule: '' when absent or empty. */
export function queryText(c: Context, name: string): string {
  return parseQuery(c, z.object({ [name]: z.string().optional() }))[name] ?? '';
}

function takesList(field: z.ZodTypeAny): boolean {
  let f = field;
  while (f instanceof z.ZodOptional || f instanceof z.ZodDefault || f instanceof z.ZodEffects) {
    f = f instanceof z.ZodEffects ? f.innerType() : f._def.innerType;
  }
  return f instanceof z.ZodArray;
}

// ── Path parameters ──────────────────────────────────────────────────────────────────────────────────────────

/** Validates one path parameter; a bad value is a 400 naming it. */
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
