// The query language: free words (OR semantics, ranked), "quoted phrases" (must appear, in order), and
// field filters author:NAME, category:cs.CL (or cat:), year:2020, year:2020-2023, year:2020-, year:-2019.
// Filter values may be quoted (author:"Yann LeCun"). Anything else, including FTS/SQL operators, stray
// quotes and control characters, is plain text: parsing never fails.
import { analyze, bigram, nameWords } from './text/analyze.ts';
import type { SearchFilters } from './types.ts';

/** Longest query text looked at; a pasted abstract fits many times over. */
export const MAX_QUERY_CHARS = 20_000;
/** Distinct terms kept from one query, highest-weight first when there are more. */
export const MAX_QUERY_TERMS = 1_024;

export interface ParsedQuery {
  /** The free text (phrases included, filters removed), for the semantic side. */
  text: string;
  /** Term → query weight (how often it occurs in the query). */
  terms: Map<string, number>;
  /** Bigrams of adjacent free-text terms: a soft bonus for word order. */
  bigrams: Map<string, number>;
  /** Each phrase as its bigrams (single-term phrases become required terms). All must match. */
  phrases: string[][];
  /** Single terms that must match (one-word quoted phrases). */
  required: string[];
  /** authors[i] are the normalised words of author filter i, authorText[i] its value as typed (for name matching). */
  filters: { categories: string[]; yearFrom?: number; yearTo?: number; authors: string[][]; authorText: string[] };
  /** The analysed words of each phrase, for display. */
  phraseTerms: string[][];
}

const FIELD = /(^|\s)(author|au|category|cat|year):("[^"]*"?|\S*)/gi;
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function unquote(v: string): string {
  return v.replace(/^"/, '').replace(/"$/, '');
}

function parseYears(v: string, into: ParsedQuery['filters']): void {
  const m = /^(\d{4})?\s*(-|–|\.\.)?\s*(\d{4})?$/.exec(v.trim());
  if (!m || (!m[1] && !m[3])) return;
  const from = m[1] ? Number(m[1]) : undefined;
  const to = m[3] ? Number(m[3]) : m[2] ? undefined : from;
  if (from !== undefined) into.yearFrom = Math.max(into.yearFrom ?? 0, from);
  if (to !== undefined) into.yearTo = Math.min(into.yearTo ?? 9999, to);
}

export function parseQuery(raw: string, extra: SearchFilters = {}): ParsedQuery {
  let q = String(raw ?? '')
    .slice(0, MAX_QUERY_CHARS)
    .replace(CONTROL, ' ');
  const filters: ParsedQuery['filters'] = { categories: [], authors: [], authorText: [] };
  q = q.replace(FIELD, (_all, lead: string, field: string, value: string) => {
    const v = unquote(value);
    const f = field.toLowerCase();
    if (f === 'author' || f === 'au') {
      const words = nameWords(v);
      if (words.length) {
        filters.authors.push(words);
        filters.authorText.push(v);
      }
    } else if (f === 'category' || f === 'cat') {
      if (/^[A-Za-z-]+(\.[A-Za-z-]+)?$/.test(v)) filters.categories.push(v.toLowerCase());
    } else {
      parseYears(v, filters);
    }
    return lead + ' ';
  });
  for (const c of extra.categories ?? []) if (/^[A-Za-z-]+(\.[A-Za-z-]+)?$/.test(c)) filters.categories.push(c.toLowerCase());
  if (extra.author) {
    const words = nameWords(extra.author);
    if (words.length) {
      filters.authors.push(words);
      filters.authorText.push(extra.author);
    }
  }
  if (extra.yearFrom !== undefined && Number.isFinite(extra.yearFrom)) filters.yearFrom = Math.max(filters.yearFrom ?? 0, extra.yearFrom);
  if (extra.yearTo !== undefined && Number.isFinite(extra.yearTo)) filters.yearTo = Math.min(filters.yearTo ?? 9999, extra.yearTo);

  const phrases: string[][] = [];
  const phraseTerms: string[][] = [];
  const required: string[] = [];
  // Only balanced quotes make phrases; a lone quote is ignored.
  const quoteCount = (q.match(/"/g) ?? []).length;
  const segments = q.split('"');
  const terms = new Map<string, number>();
  const bigrams = new Map<string, number>();
  const add = (m: Map<string, number>, t: string) => m.set(t, (m.get(t) ?? 0) + 1);
  segments.forEach((segment, i) => {
    const quoted = i % 2 === 1 && (quoteCount % 2 === 0 || i < segments.length - 1);
    const { sequence, extra: glued } = analyze(segment);
    for (const t of sequence) add(terms, t);
    for (const t of glued) add(terms, t);
    for (let j = 1; j < sequence.length; j++) add(bigrams, bigram(sequence[j - 1], sequence[j]));
    if (quoted && sequence.length) {
      phraseTerms.push(sequence);
      if (sequence.length === 1) required.push(sequence[0]);
      else phrases.push(sequence.slice(1).map((t, j) => bigram(sequence[j], t)));
    }
  });
  return {
    text: q.replace(/"/g, ' ').replace(/\s+/g, ' ').trim(),
    terms: capTerms(terms),
    bigrams: capTerms(bigrams),
    phrases,
    required,
    filters,
    phraseTerms,
  };
}

function capTerms(m: Map<string, number>): Map<string, number> {
  if (m.size <= MAX_QUERY_TERMS) return m;
  return new Map([...m].sort((a, b) => b[1] - a[1]).slice(0, MAX_QUERY_TERMS));
}

export function hasFilters(p: ParsedQuery): boolean {
  const f = p.filters;
  return f.categories.length > 0 || f.authors.length > 0 || f.yearFrom !== undefined || f.yearTo !== undefined;
}
