// From what a person types to ranked papers, over one collection (collection.ts: the base snapshot and its delta, or
// one engine): spelling correction against the collection's words, author names read as units, then ranking. Pure
// (no I/O): the service adds the known-item lookup by arXiv id (a database read) and the hits' text; the benchmarks
// call these same functions.
//
// A query that names an author ranks in two tiers: first the papers that name signs, ranked by the rest of the query
// (newest first when the name is all there is), then everything else, ranked by the whole query as before. So
// "Yann LeCun" lists his papers, not Rui Yann's or abstracts citing LeCun, and "Yann LeCun world models" lists his
// papers on world models first.
import { liveDocumentFrequency, type Collection } from './collection.ts';
import type { RankedDocs, RelatedTerms } from './engine.ts';
import { DocCursor, END_OF_LIST } from './lexical/postings.ts';
import { complementMask } from './lexical/topk.ts';
import { findAuthorNames, type NameMatch } from './names/query-names.ts';
import { parseQuery, type ParsedQuery } from './query.ts';
import { documentSpace, rankSegments } from './segments.ts';
import { correctQuery, knownDf, type SpellingContext, type SpellingCorrection } from './spelling/correct.ts';
import { terms } from './text/analyze.ts';
import type { SearchFilters, SearchMode } from './types.ts';

export interface QueryPlan {
  /** What is ranked: the query as typed, or corrected. */
  parsed: ParsedQuery;
  /**
   * The words a paper must mostly contain to count as matching (mostWordsMask): the corrected query without the
   * typed words searched beside their corrections, so "tranformer" needs "transformer", not both.
   */
  words: ParsedQuery;
  /** The spelling correction found (applied or not), or null. */
  correction: SpellingCorrection | null;
  correctionApplied: boolean;
  /** Author names in the free text, each with the papers it signs. */
  names: NameMatch[];
  /** The query without the names' words: what ranks the named authors' papers. */
  rest: ParsedQuery | null;
}

const FIELD_OR_QUOTE = /(^|\s)(?:author|au|category|cat|year):(?:"[^"]*"?|\S*)|"[^"]*"?/gi;

/**
 * `keepTyped`: search a corrected word some paper uses next to its correction (the default); false searches the
 * corrected query alone (digests, where every word of an interest must match).
 */
export function planQuery(collection: Collection, query: string, filters: SearchFilters = {}, correctSpelling = true, keepTyped = true): QueryPlan {
  const correction = correctQuery(query, spellingContext(collection));
  const applied = correction !== null && correctSpelling;
  const text = applied ? (keepTyped ? correction.searched : correction.corrected) : query;
  const parsed = parseQuery(text, filters);
  const words = applied && text !== correction.corrected ? parseQuery(correction.corrected, filters) : parsed;
  if (applied && keepTyped) discountKeptTyped(parsed, correction, words);
  // Names are read from the free words only: quoted phrases and field values mean what they say.
  const free = text.replace(FIELD_OR_QUOTE, ' ');
  const names = findAuthorNames(free, collection.names);
  let rest: ParsedQuery | null = null;
  if (names.length) {
    let remaining = text;
    for (const n of names) remaining = remaining.replace(namePattern(n.text), ' ');
    rest = parseQuery(remaining, filters);
  }
  return { parsed, words, correction, correctionApplied: applied, names, rest };
}

/**
 * A misspelling kept beside its correction is a word fewer than a handful of papers use, so its idf is near the
 * highest there is: at full weight the few papers with the typo ("tranformer") would lead the results for the
 * correction. At this share of its weight they are still found, after the papers that use the corrected word.
 */
const KEPT_TYPED_WEIGHT = 0.1;

function discountKeptTyped(parsed: ParsedQuery, correction: SpellingCorrection, corrected: ParsedQuery): void {
  for (const fix of correction.words) {
    if (!fix.keep) continue;
    for (const term of terms(fix.from)) {
      const weight = parsed.terms.get(term);
      if (weight !== undefined && !corrected.terms.has(term)) parsed.terms.set(term, weight * KEPT_TYPED_WEIGHT);
    }
  }
}

/** The typed name, whatever spaces and commas separate its words. */
function namePattern(typed: string): RegExp {
  const words = typed
    .split(/[\s,]+/)
    .filter(Boolean)
    .map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
  return new RegExp(words.join('[\\s,]+'));
}

function spellingContext(collection: Collection): SpellingContext {
  const termOf = (word: string) => terms(word)[0] ?? null;
  // Past knownDf a word is known whatever its exact count: live papers are counted that far only.
  const cap = knownDf(collection.docCount);
  return {
    dictionary: collection.spelling,
    docCount: collection.docCount,
    termOf,
    termDf(word: string) {
      const term = termOf(word);
      return term === null ? 0 : liveDocumentFrequency(collection.segments, term, cap);
    },
  };
}

/**
 * The best `k` documents for a plan (within the `within` documents when given): the named authors' papers first when
 * the query names any.
 */
export function rankPlan(
  collection: Collection,
  plan: QueryPlan,
  mode: SearchMode,
  k: number,
  vector: Float32Array | null,
  related?: RelatedTerms,
  within: Uint8Array | null = null,
): RankedDocs {
  const rank = (parsed: ParsedQuery, k: number, vector: Float32Array | null, within: Uint8Array | null) =>
    rankSegments(collection.segments, parsed, mode, k, vector, related, within);
  if (!plan.names.length || !plan.rest) return rank(plan.parsed, k, vector, within);
  const named = new Uint8Array(documentSpace(collection.segments));
  for (const n of plan.names) for (const d of n.docs) if (!within || within[d]) named[d] = 1;
  // Tier 1: the named papers matching the rest of the query, best first; then the other named papers, newest first.
  const bare = { ...plan.rest, text: '', terms: new Map(), bigrams: new Map(), phrases: [], required: [], phraseTerms: [] };
  const matched = hasWords(plan.rest) ? rank(plan.rest, k, vector, named) : null;
  // The other named papers: the mask itself with the matched ones cleared while the tail is ranked (ranking only
  // reads it; a copy would be a byte per paper), then set back so that tier 2 leaves them out too.
  for (const d of matched?.docs ?? []) named[d] = 0;
  const tail = rank(bare, Math.max(0, k - (matched?.docs.length ?? 0)), null, named);
  for (const d of matched?.docs ?? []) named[d] = 1;
  // Tier 2: every other paper, ranked by the whole query.
  const others = named;
  complementMask(others, within);
  const rest = rank(plan.parsed, Math.max(0, k - (matched?.docs.length ?? 0) - tail.docs.length), vector, others);
  const parts = matched ? [matched, tail, rest] : [tail, rest];
  return {
    docs: parts.flatMap((p) => p.docs),
    scores: parts.flatMap((p) => p.scores),
    lexical: parts.flatMap((p) => p.lexical),
    semantic: parts.flatMap((p) => p.semantic),
    total: (matched?.docs.length ?? 0) + tail.total + rest.total,
  };
}

function hasWords(q: ParsedQuery): boolean {
  return q.terms.size > 0 || q.phrases.length > 0 || q.required.length > 0;
}

/**
 * The documents (within `within`, when given) containing every word of a one- or two-word query and at least half
 * the words of a longer one. A query word the index does not know counts as a word no document has.
 */
export function mostWordsMask(collection: Collection, parsed: ParsedQuery, within: Uint8Array | null): Uint8Array {
  const words = [...parsed.terms.keys()];
  const needed = words.length <= 2 ? words.length : Math.ceil(words.length / 2);
  const counts = new Uint16Array(documentSpace(collection.segments));
  for (const { engine, offset } of collection.segments) {
    const cursor = new DocCursor(engine.lexical);
    for (const w of words) {
      const term = engine.lexical.termIds.get(w);
      if (term === undefined) continue;
      for (cursor.open(term); cursor.doc !== END_OF_LIST; cursor.next()) if (!within || within[offset + cursor.doc]) counts[offset + cursor.doc]++;
    }
  }
  const mask = new Uint8Array(counts.length);
  if (needed > 0) for (let d = 0; d < counts.length; d++) mask[d] = counts[d] >= needed ? 1 : 0;
  return mask;
}
