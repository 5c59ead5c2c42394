// The search engine over one snapshot of the papers: pure in-memory retrieval (lexical top-k, semantic
// nearest neighbours, hybrid rerank), no I/O. The service builds one from the database; eval and the benchmark
// build one from files.
import {
  DEFAULT_BM25,
  AUTHOR_PREFIX,
  CATEGORY_PREFIX,
  LexicalIndexBuilder,
  lookupTerm,
  scoringIdf,
  type Bm25Params,
  type LexicalIndex,
} from './lexical/index.ts';
import { rankSegments, similarInSegments } from './segments.ts';
import { DocCursor } from './lexical/postings.ts';
import type { RelatedTerm } from './semantic/embedder.ts';
import { allowedCount, allowedList, conjunction, countMatches, disjunction, topK, TopKHeap, type QueryTerm, type TopK } from './lexical/topk.ts';
import { AuthorIndex, AuthorIndexBuilder, type AuthorIndexData } from './names/author-index.ts';
import { docMask, nameDocs } from './names/query-names.ts';
import { PaperIds } from './paper-ids.ts';
import { buildSpellingData, SpellingDictionary, spellingMinDf, type SpellingData } from './spelling/dictionary.ts';
import { SurfaceWordCounter } from './spelling/surface-words.ts';
import type { ParsedQuery } from './query.ts';
import { ANN_MIN_DOCS } from './semantic/prepare.ts';
import type { QuantizedVectors } from './semantic/quantized.ts';
import type { VectorIndex } from './semantic/vector-index.ts';
import type { SearchMode } from './types.ts';

export interface EngineDoc {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  /** YYYY-MM-DD (announcement, else submission), or null. */
  day: string | null;
}

export interface HybridParams {
  /** Lexical candidates reranked. */
  poolSize: number;
  /** Semantic nearest neighbours added to the pool (papers sharing no words with the query). */
  semanticCandidates: number;
  /** Weight of the z-scored semantic similarity against the z-scored lexical score (1). */
  semanticWeight: number;
  /**
   * What a related word is worth when the embedder has word neighbours: the lexical score gains this times
   * relatedWordMatch before the z-scores (2: a relative of similarity 0.71 counts about as one occurrence of itself).
   */
  relatedWeight: number;
  /** Queries with more distinct words than this keep only their most selective ones, and half as many word pairs (see pruneLongQuery). */
  longQueryTerms: number;
  /** ...and their words' postings stop at this share of the corpus (at least 8 words kept). */
  longQueryPostings: number;
}

export const DEFAULT_HYBRID: HybridParams = {
  poolSize: 100,
  semanticCandidates: 20,
  semanticWeight: 0.5,
  relatedWeight: 2,
  longQueryTerms: 24,
  longQueryPostings: 0.3,
};

export interface RankedDocs {
  docs: number[];
  scores: number[];
  lexical: (number | undefined)[];
  semantic: (number | undefined)[];
  total: number;
}

/** Up to this many candidate documents, an exact scan (about 2 ms per 10,000 papers) replaces the ANN graph. */
const EXACT_SCAN_MAX = ANN_MIN_DOCS;
/** A filtered graph search asks for k × 4 neighbours, then k × 32, before scanning exactly. */
const GRAPH_OVERFETCH = [4, 32] as const;

/** Days since 1970-01-01 for a YYYY-MM-DD string, or -1. */
function dayNumber(day: string | null): number {
  if (!day || !/^\d{4}-\d{2}-\d{2}/.test(day)) return -1;
  const t = Date.parse(day.slice(0, 10) + 'T00:00:00Z');
  return Number.isNaN(t) ? -1 : Math.floor(t / 86_400_000);
}

/** Document number → paper id, day (days since 1970, -1 unknown) and year (0 unknown). */
export interface DocTable {
  ids: PaperIds;
  days: Int32Array;
  years: Int16Array;
}

/** The year of a YYYY… day string, or 0. */
function yearOf(day: string | null): number {
  return day && /^\d{4}/.test(day) ? Number(day.slice(0, 4)) : 0;
}

export function docTable(docs: readonly { id: string; day: string | null }[]): DocTable {
  return {
    ids: PaperIds.from(docs.map((d) => d.id)),
    days: Int32Array.from(docs, (d) => dayNumber(d.day)),
    years: Int16Array.from(docs, (d) => yearOf(d.day)),
  };
}

/**
 * What a build counts besides the postings: the surface words of titles and abstracts with their paper counts
 * (the spelling dictionary, spelling/) and the author names as units (names/). Plain typed arrays and strings,
 * stored in the snapshot as sections of their own.
 */
export interface Vocabulary {
  spelling: SpellingData;
  authorNames: AuthorIndexData;
}

export interface BuiltIndexes {
  lexical: LexicalIndex;
  vocabulary: Vocabulary;
  table: DocTable;
}

/**
 * The lexical index, the vocabulary and the document table of the same documents, each document analysed once.
 * Documents are added one at a time and need not be kept, so a build can stream its papers from the store
 * rather than hold all their text (gigabytes at 2.8M papers).
 */
export class IndexesBuilder {
  private readonly lexical: LexicalIndexBuilder;
  private readonly words = new SurfaceWordCounter();
  private readonly names = new AuthorIndexBuilder();
  private readonly ids: string[] = [];
  private readonly days: number[] = [];
  private readonly years: number[] = [];

  constructor(
    params: Bm25Params = DEFAULT_BM25,
    /** Papers a word needs to enter the spelling dictionary (default: spellingMinDf of the build's size; 1 for a segment whose counts add up with others'). */
    private readonly options: { minWordDf?: number } = {},
  ) {
    this.lexical = new LexicalIndexBuilder(params);
  }

  get count(): number {
    return this.ids.length;
  }

  add(doc: EngineDoc): void {
    this.names.add(this.lexical.add(doc, this.words.add), doc.authors);
    this.words.nextPaper();
    this.ids.push(doc.id);
    this.days.push(dayNumber(doc.day));
    this.years.push(yearOf(doc.day));
  }

  build(): BuiltIndexes {
    const lexical = this.lexical.build();
    return {
      lexical,
      vocabulary: {
        spelling: buildSpellingData(this.words.entries(this.options.minWordDf ?? spellingMinDf(lexical.docCount))),
        authorNames: this.names.build(),
      },
      table: { ids: PaperIds.from(this.ids), days: Int32Array.from(this.days), years: Int16Array.from(this.years) },
    };
  }
}

export function buildIndexes(docs: Iterable<EngineDoc>, params: Bm25Params = DEFAULT_BM25): BuiltIndexes {
  const builder = new IndexesBuilder(params);
  for (const doc of docs) builder.add(doc);
  return builder.build();
}

const EMPTY_VOCABULARY: Vocabulary = {
  spelling: buildSpellingData([]),
  authorNames: { keys: new Float64Array(0), offsets: new Uint32Array(1), docs: new Int32Array(0) },
};

/** A query word or word pair as one index knows it: its term number there and its query weight. */
export interface QueryCandidate extends QueryTerm {
  text: string;
}

export class SearchEngine {
  readonly ids: PaperIds;
  readonly days: Int32Array;
  readonly years: Int16Array;
  /** Author names as units (names/): free-text name lookups and `author:"Full Name"`. */
  readonly authorNames: AuthorIndex;
  /** The spelling dictionary of these documents (spelling/). */
  readonly spelling: SpellingDictionary;

  constructor(
    readonly lexical: LexicalIndex,
    docs: DocTable | readonly { id: string; day: string | null }[],
    /** One unit vector per document, or null when there is no embedder. */
    public vectors: QuantizedVectors | null,
    public vectorIndex: VectorIndex | null = null,
    readonly hybrid: HybridParams = DEFAULT_HYBRID,
    /** Left out for an engine that only ranks: no spelling words, no author names as units. */
    readonly vocabulary: Vocabulary = EMPTY_VOCABULARY,
  ) {
    const table = 'ids' in docs ? docs : docTable(docs);
    this.ids = table.ids;
    this.days = table.days;
    this.years = table.years;
    this.authorNames = new AuthorIndex(vocabulary.authorNames);
    this.spelling = new SpellingDictionary(vocabulary.spelling);
  }

  static build(docs: Iterable<EngineDoc>, params: Bm25Params = DEFAULT_BM25, hybrid: HybridParams = DEFAULT_HYBRID): SearchEngine {
    return SearchEngine.from(buildIndexes(docs, params), hybrid);
  }

  static from(built: BuiltIndexes, hybrid: HybridParams = DEFAULT_HYBRID): SearchEngine {
    return new SearchEngine(built.lexical, built.table, null, null, hybrid, built.vocabulary);
  }

  get docCount(): number {
    return this.ids.count;
  }

  /**
   * Documents passing the query's filters and phrases (and `within`, when given), or null when there is nothing to
   * pass. Empty (all zero) when none pass. `pairKnown` says whether the collection has a phrase's word pair
   * (default: whether this index has postings for it); an unknown pair is checked as its two words. When nothing
   * narrows `within`, it is returned itself, not a copy (at 2.8M papers a copy is 2.8 MB a query, and name queries
   * made two): the result is read, never written.
   */
  allowedDocs(parsed: ParsedQuery, pairKnown?: (pair: string) => boolean, within: Uint8Array | null = null): Uint8Array | null {
    const ix = this.lexical;
    const id = (t: string) => lookupTerm(ix, t) ?? -1;
    let allowed: Uint8Array | null = within;
    const f = parsed.filters;
    if (f.categories.length)
      allowed = disjunction(
        ix,
        f.categories.map((c) => id(CATEGORY_PREFIX + c)),
        allowed,
      );
    f.authors.forEach((words, i) => {
      // A full name is matched as a unit ("Wei He" is not any Wei with any He); a single word as a word of a name.
      const named = nameDocs(f.authorText[i] ?? '', this.authorNames);
      allowed = named
        ? docMask(this.docCount, named.docs, allowed)
        : conjunction(
            ix,
            words.map((w) => id(AUTHOR_PREFIX + w)),
            allowed,
          );
    });
    const conjoined = this.conjoinedTerms(parsed, pairKnown);
    if (conjoined.length) allowed = conjunction(ix, conjoined, allowed);
    if (f.yearFrom !== undefined || f.yearTo !== undefined) {
      const from = f.yearFrom ?? 0;
      const to = f.yearTo ?? 9999;
      if (!allowed) allowed = new Uint8Array(this.docCount).fill(1);
      else if (allowed === within) allowed = within.slice();
      for (let d = 0; d < this.docCount; d++) if (allowed[d] && (this.years[d] < from || this.years[d] > to)) allowed[d] = 0;
    }
    return allowed;
  }

  /**
   * The terms whose lists hold every document allowedDocs allows: each quoted phrase's word pairs (a pair without
   * postings, which a large corpus drops when seen once, stands as its two words) and the required words. -1 for a
   * term this index does not know (then nothing is allowed).
   */
  private conjoinedTerms(parsed: ParsedQuery, pairKnown?: (pair: string) => boolean): number[] {
    const ix = this.lexical;
    const id = (t: string) => lookupTerm(ix, t) ?? -1;
    const phraseTerms = parsed.phrases.flat().flatMap((pair) => {
      const p = id(pair);
      const known = pairKnown ? pairKnown(pair) : p >= 0 && ix.offsets[p + 1] > ix.offsets[p];
      return known ? [p] : pair.split(' ').map(id);
    });
    return [...phraseTerms, ...parsed.required.map(id)];
  }

  /**
   * The shortest list that holds every allowed document (see conjoinedTerms), for the ranking to walk instead of the
   * query words' lists; undefined when the query has no phrase or required word.
   */
  coveringTerm(parsed: ParsedQuery, pairKnown?: (pair: string) => boolean): number | undefined {
    const ix = this.lexical;
    let best: number | undefined;
    for (const t of this.conjoinedTerms(parsed, pairKnown)) {
      if (t < 0) return undefined;
      if (best === undefined || ix.offsets[t + 1] - ix.offsets[t] < ix.offsets[best + 1] - ix.offsets[best]) best = t;
    }
    return best;
  }

  /** The query's words and word pairs that this index knows, with their weights, unpruned. */
  queryCandidates(parsed: ParsedQuery): { words: QueryCandidate[]; pairs: QueryCandidate[] } {
    const ix = this.lexical;
    const words: QueryCandidate[] = [];
    const pairs: QueryCandidate[] = [];
    for (const [text, weight] of parsed.terms) {
      const term = ix.termIds.get(text);
      if (term !== undefined) words.push({ text, term, weight });
    }
    for (const [text, weight] of parsed.bigrams) {
      const term = lookupTerm(ix, text);
      if (term !== undefined) pairs.push({ text, term, weight });
    }
    return { words, pairs };
  }

  /**
   * Query terms with weights. Long queries (a pasted abstract) keep only their `longQueryTerms` most selective
   * terms: the common ones add little to the ranking but dominate the cost (docs/decisions/0004-search-topk.md).
   */
  queryTerms(parsed: ParsedQuery): QueryTerm[] {
    const { words, pairs } = this.queryCandidates(parsed);
    const { longQueryTerms: max, longQueryPostings: share } = this.hybrid;
    const budget = share * this.lexical.docCount;
    const strip = (q: QueryTerm[]) => q.map(({ term, weight }) => ({ term, weight }));
    return strip(pruneLongQuery(this.lexical, words, max, budget)).concat(strip(pruneLongQuery(this.lexical, pairs, Math.ceil(max / 2), budget)));
  }

  /** The idf this index's impacts carry for a word or pair (undefined when it has no postings here). */
  idf(term: string): number | undefined {
    const id = lookupTerm(this.lexical, term);
    return id === undefined ? undefined : scoringIdf(this.lexical, id);
  }

  /** The k best for the query's terms (from queryTerms), with the number of papers matching any of its words. */
  lexicalTopK(parsed: ParsedQuery, q: QueryTerm[], k: number, allowed: Uint8Array | null, covering?: number): TopK & { total: number } {
    const top = topK(this.lexical, q, k, allowed, covering);
    // A quoted word that is also a query word is in every paper the filter allows: they all match, no need to look.
    if (allowed !== null && parsed.phraseTerms.some((words) => words.some((w) => parsed.terms.has(w)))) return { ...top, total: allowedCount(allowed) };
    const unigramIds = [...parsed.terms.keys()].map((t) => this.lexical.termIds.get(t)).filter((x): x is number => x !== undefined);
    const total = countMatches(this.lexical, unigramIds, allowed).count;
    return { ...top, total };
  }

  /** BM25F of one document for the query (for semantic candidates outside the lexical pool). */
  scoreDoc(q: QueryTerm[], doc: number): number {
    const ix = this.lexical;
    const cursor = new DocCursor(ix);
    let s = 0;
    for (const { term, weight } of q) {
      cursor.open(term).seek(doc);
      if (cursor.doc === doc) s += weight * ix.impactLevels[ix.impacts[cursor.pos]];
    }
    return s * ix.impactScale;
  }

  cosine(query: Float32Array, doc: number): number {
    return this.vectors ? this.vectors.dot(query, doc) : 0;
  }

  /**
   * Nearest documents to a vector, filtered. A narrow filter (phrase, author, category) is scanned exactly over
   * the documents it allows; otherwise the ANN graph is asked for more than k and filtered, with an exact scan
   * as the fallback when the filter rejects too many.
   */
  nearest(query: Float32Array, k: number, allowed: Uint8Array | null, exclude = -1): { docs: number[]; scores: number[] } {
    if (!this.vectors || k <= 0) return { docs: [], scores: [] };
    const allowedTotal = allowed ? allowedCount(allowed) : this.docCount;
    // The graph's nearest k × 32 hold about k allowed papers when the filter lets a 32nd of them through; a
    // narrower filter would only be scanned after two wasted graph searches.
    const graphPays = allowedTotal > EXACT_SCAN_MAX && allowedTotal * GRAPH_OVERFETCH[1] >= this.docCount;
    if (this.vectorIndex && this.vectorIndex.size() === this.docCount && graphPays) {
      for (const factor of GRAPH_OVERFETCH) {
        const found = this.vectorIndex.search(query, Math.min(this.docCount, k * factor + 1));
        const docs: number[] = [];
        const scores: number[] = [];
        for (const d of found) {
          if (d === exclude || (allowed && !allowed[d])) continue;
          docs.push(d);
          scores.push(this.cosine(query, d));
          if (docs.length === k) break;
        }
        if (docs.length === k || found.length >= this.docCount) return sortBy(docs, scores);
      }
    }
    // Exact: every allowed document, best k kept in a heap (ties: lower document first). The allowed ones are
    // listed first: at 2.8M papers, passing over every document for a filter of 181 took 12 ms.
    const heap = new TopKHeap(k);
    const docs = allowed ? allowedList(allowed)! : null;
    const count = docs ? docs.length : this.docCount;
    for (let i = 0; i < count; i++) {
      const d = docs ? docs[i] : i;
      if (d !== exclude) heap.offer(d, this.cosine(query, d));
    }
    const top = heap.sorted(1);
    return { docs: Array.from(top.docs), scores: Array.from(top.scores) };
  }

  /** Filter-only queries (author:…, category:…): the allowed papers, newest first, at most k. */
  newestAllowed(allowed: Uint8Array, k: number): { docs: number[]; total: number } {
    const docs = allowedList(allowed)!;
    docs.sort((a, b) => this.days[b] - this.days[a] || b - a);
    return { docs: [...docs.subarray(0, k)], total: docs.length };
  }

  /**
   * Ranked documents for a parsed query (within the `within` documents, when given): the best `k` (offset included
   * by the caller). `related` gives a query word's close relatives (the embedder's word neighbours) for the hybrid
   * rerank. The ranking itself is segments.ts's, over this engine alone (the service ranks a base and its delta
   * together).
   */
  rank(parsed: ParsedQuery, mode: SearchMode, k: number, vector: Float32Array | null, related?: RelatedTerms, within: Uint8Array | null = null): RankedDocs {
    return rankSegments([{ engine: this, offset: 0, live: null }], parsed, mode, k, vector, related, within);
  }

  /**
   * For each document, the query words it lacks but says in other words: for every kept query word that the
   * document does not contain, the best s² · idf(r) over the word's relatives r that it does contain, s being
   * their similarity. The relative counts as an occurrence of itself, discounted by s², so a common stand-in
   * ("cancer" for "carcinoma") earns little and a document containing every query word earns nothing here (BM25
   * already counts those). Squaring keeps loose relatives from adding up to a match. `idf` defaults to this
   * index's own; a delta segment is given the statistics its impacts were computed with.
   */
  relatedWordMatch(
    keptWords: Iterable<string>,
    docs: number[],
    related: RelatedTerms,
    idf: (term: string) => number | undefined = (t) => this.idf(t),
  ): number[] {
    const ix = this.lexical;
    const order = docs.map((_, i) => i).sort((a, b) => docs[a] - docs[b]);
    const scores = new Array<number>(docs.length).fill(0);
    const has = new Uint8Array(docs.length);
    const best = new Float64Array(docs.length);
    const cursor = new DocCursor(ix);
    for (const text of keptWords) {
      const term = ix.termIds.get(text);
      if (term === undefined) has.fill(0);
      else markPresent(cursor.open(term), docs, order, has);
      best.fill(0);
      for (const r of related(text)) {
        const id = ix.termIds.get(r.term);
        const relativeIdf = id === undefined ? undefined : idf(r.term);
        if (id === undefined || relativeIdf === undefined) continue;
        const credit = r.similarity * r.similarity * relativeIdf;
        cursor.open(id);
        for (const i of order) {
          if (has[i] || credit <= best[i]) continue;
          cursor.seek(docs[i]);
          if (cursor.doc === docs[i]) best[i] = credit;
        }
      }
      for (let i = 0; i < docs.length; i++) if (!has[i]) scores[i] += best[i];
    }
    return scores;
  }

  /** Papers nearest in meaning to a stored paper. */
  similar(id: string, k: number): { id: string; score: number }[] {
    return similarInSegments([{ engine: this, offset: 0, live: null }], id, k).map((x) => ({ id: this.ids.id(x.doc), score: x.score }));
  }
}

function sortBy(docs: number[], scores: number[]): { docs: number[]; scores: number[] } {
  const order = docs.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || docs[a] - docs[b]);
  return { docs: order.map((i) => docs[i]), scores: order.map((i) => scores[i]) };
}

/** A query word's related index terms, closest first. */
export type RelatedTerms = (term: string) => readonly RelatedTerm[];

/** has[i] = 1 when docs[i] is in the cursor's list; `order` visits docs in ascending document order. */
function markPresent(cursor: DocCursor, docs: number[], order: number[], has: Uint8Array): void {
  for (const i of order) {
    cursor.seek(docs[i]);
    has[i] = cursor.doc === docs[i] ? 1 : 0;
  }
}

export function zScores(xs: number[]): number[] {
  if (!xs.length) return [];
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) * (b - mean), 0) / xs.length);
  return xs.map((x) => (sd > 1e-12 ? (x - mean) / sd : 0));
}

const MIN_LONG_QUERY_TERMS = 8;

/**
 * Long queries (a pasted abstract) keep their `maxTerms` most selective terms (highest largest impact, i.e. the
 * rarest), and stop earlier once the kept terms' postings reach `maxPostings` (but keep at least 8), with
 * repetition damped to 1 + ln(count): common words repeated in an abstract would otherwise bring their long posting
 * lists back in and dominate the cost while adding little to the ranking (docs/decisions/0004-search-topk.md).
 * Short queries are returned unchanged.
 */
export function pruneLongQuery<T extends QueryTerm>(ix: LexicalIndex, q: T[], maxTerms: number, maxPostings = Infinity): T[] {
  return pruneTerms(
    q,
    maxTerms,
    maxPostings,
    (t) => ix.maxImpact[t.term],
    (t) => ix.offsets[t.term + 1] - ix.offsets[t.term],
    (a, b) => a.term - b.term,
  );
}

/** pruneLongQuery over terms described by an upper bound, a posting count and a tie order (several indexes at once). */
export function pruneTerms<T extends { weight: number }>(
  q: T[],
  maxTerms: number,
  maxPostings: number,
  bound: (t: T) => number,
  df: (t: T) => number,
  tie: (a: T, b: T) => number,
): T[] {
  if (q.length <= maxTerms) return q;
  const kept: T[] = [];
  let postings = 0;
  for (const t of [...q].sort((a, b) => bound(b) - bound(a) || tie(a, b))) {
    const n = df(t);
    if (kept.length === maxTerms || (kept.length >= MIN_LONG_QUERY_TERMS && postings + n > maxPostings)) break;
    postings += n;
    // Repetition is damped; a weight below one (a misspelling kept beside its correction) stays as it is.
    kept.push({ ...t, weight: t.weight > 1 ? 1 + Math.log(t.weight) : t.weight });
  }
  return kept;
}
