// The input vocabulary: what pages, the API and feeds accept in paths, query strings and forms, validated with zod.
// A bad value is a 400 naming the parameter and what was expected; every route shares these definitions so they
// accept exactly the same inputs.
import { z } from 'zod';
import type { Context } from 'hono';
import { isArxivCategory } from '../domain/arxiv-category.ts';
import { tryParseArxivId, type ArxivId } from '../domain/arxiv-id.ts';
import { AppError, badRequest, notFound, type ErrorCode } from '../errors.ts';
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
  return parseFields(new URL(c.req.url).searchParams, schema, 'bad_query');
}

/**
 * The same rule for fields that come another way: a form's (repeated fields as lists) or a JSON object's (numbers
 * and booleans read as their text; a nested object is a 400). Errors have the code `code`.
 */
export function parseFields<S extends QuerySchema>(fields: Iterable<[string, unknown]>, schema: S, code: ErrorCode = 'bad_body'): z.infer<S> {
  const shape: z.ZodRawShape = schema instanceof z.ZodEffects ? schema.innerType().shape : schema.shape;
  // No prototype, so that ?constructor=1 or ?__proto__=1 are just names.
  const raw: Record<string, string | string[]> = Object.create(null);
  const seen = new Set<string>();
  const take = (key: string, value: string) => {
    const list = takesList(shape[key]);
    if (seen.has(key) && !list) throw badRequest(`parameter ${key} given more than once`, code);
    seen.add(key);
    if (value.trim() === '') return;
    if (list) raw[key] = [...((raw[key] as string[] | undefined) ?? []), value];
    else raw[key] = value;
  };
  for (const [key, value] of fields) {
    if (!Object.hasOwn(shape, key)) continue;
    for (const one of Array.isArray(value) ? value : [value]) {
      if (one === null || one === undefined) continue;
      if (typeof one === 'object') throw badRequest(`parameter ${key}: expected text, not ${Array.isArray(one) ? 'a nested list' : 'an object'}`, code);
      take(key, String(one));
    }
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw badRequest(`${issue.path.length ? `${issue.path.join('.')}: ` : ''}${issue.message}`, code);
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

/** A form's fields by name: one value as a string, a field sent more than once (checkboxes) as a list. */
export type FormFields = Record<string, string | string[]>;

/**
 * Multipart bodies are parsed by the platform's FormData, which slows down sharply with many fields; no form of
 * ours is multipart, so it gets a tighter limit than the one on every body (src/web/security/csrf.ts).
 */
export const MULTIPART_MAX_BYTES = 64 * 1024;

declare module 'hono' {
  interface ContextVariableMap {
    formFields: Promise<FormFields>;
  }
}

/**
 * The request's form fields (application/x-www-form-urlencoded or multipart/form-data; any other body has none),
 * read once per request: the CSRF check and the handler share them. A body that cannot be read as the form it says
 * it is — a malformed multipart body, a multipart type without a boundary — is a 400. Files are ignored.
 */
export function readForm(c: Context): Promise<FormFields> {
  let fields = c.get('formFields');
  if (!fields) {
    fields = parseForm(c);
    c.set('formFields', fields);
  }
  return fields;
}

async function parseForm(c: Context): Promise<FormFields> {
  const type = (c.req.header('content-type') ?? '').toLowerCase();
  const fields: FormFields = Object.create(null);
  const add = (name: string, value: string) => {
    const had = fields[name];
    fields[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [had, value];
  };
  if (type.startsWith('application/x-www-form-urlencoded')) {
    // URLSearchParams reads a form several times faster than Request.formData() (measured on a 256 KiB body).
    for (const [name, value] of new URLSearchParams(await c.req.text())) add(name, value);
  } else if (type.startsWith('multipart/form-data')) {
    const bytes = await c.req.arrayBuffer();
    if (bytes.byteLength > MULTIPART_MAX_BYTES) {
      throw new AppError(413, 'too_large', `multipart form bodies are limited to ${MULTIPART_MAX_BYTES} bytes; send the form urlencoded`);
    }
    let data: FormData;
    try {
      data = await new Response(bytes, { headers: { 'content-type': type } }).formData();
    } catch {
      throw badRequest('the form body could not be read as multipart/form-data (missing boundary or malformed parts)', 'bad_form');
    }
    data.forEach((value, name) => {
      if (typeof value === 'string') add(name, value);
    });
  }
  return fields;
}

/** A JSON request body validated against a schema; an empty body reads as `{}`. Bad JSON or values are a 400. */
export async function readJson<T>(c: Context, schema: z.ZodType<T>): Promise<T> {
  const text = await c.req.text();
  let value: unknown = {};
  if (text.trim()) {
    try {
      value = JSON.parse(text);
    } catch {
      throw badRequest('the body is not valid JSON', 'bad_json');
    }
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw badRequest(parsed.error.issues.map((i) => `${i.path.join('.') || 'body'}: ${i.message}`).join('; '), 'bad_body');
  return parsed.data;
}

/** An explicit yes/no form field (`true` or `false`): a missing or other value is a 400 naming the field. */
export function formBoolean(form: FormFields, name: string): boolean {
  const v = form[name];
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw badRequest(`${name} must be true or false`);
}

/** A form field as text; a missing field, a repeated one or a file is empty. */
export const formText = (v: unknown): string => (typeof v === 'string' ? v : '');

/**
 * A local path to return to; anything else (other hosts, `//evil`, `/\evil`, control characters or spaces that
 * cannot go into a Location header) falls back. Letters beyond ASCII are percent-encoded.
 */
/** safeLocalPath, pointing at `fragment` in place of any fragment the address had: back to the item acted on. */
export function safeLocalPathAt(value: unknown, fallback: string, fragment: string): string {
  return `${safeLocalPath(value, fallback).split('#')[0]}#${fragment}`;
}

export function safeLocalPath(value: unknown, fallback = '/'): string {
  if (typeof value !== 'string' || value.length > 500 || !/^\/(?![/\\])[^\s\x00-\x1f\x7f]*$/u.test(value)) return fallback;
  try {
    return value.replace(/[^\x21-\x7e]+/gu, (run) => encodeURIComponent(run));
  } catch {
    // A lone surrogate cannot be encoded.
    return fallback;
  }
}
