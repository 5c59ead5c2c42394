// Ranking over several index segments as one collection: the stored segments of the snapshot and the small delta
// of papers added, changed or hidden since it was written (see delta.ts). Each segment numbers its documents from 0; globally a
// segment's documents come after the previous segment's (offset). A segment's `live` mask removes superseded and
// hidden documents (tombstones). Every query step that one engine does (filters and phrases, query terms and
// long-query pruning, lexical top-k and match counts, nearest neighbours, the hybrid pool and rerank, the
// related-word credit, filter-only listings, similar papers) is done here per segment and combined, so the delta's
// papers are found exactly as the base's are, and a tombstoned document never comes back.
//
// Scores of different segments are comparable because a delta is built with the stored segments' statistics (N,
// df, average field lengths: lexical/index.ts, BuildOptions.statistics) and each stored segment's impacts are
// rescaled to the collection's current idf (weightScale); docs/search.md ("Persistence and incremental
// updates") states what that makes exact and what approximate. With one segment and no tombstones this is exactly
// the single-engine ranking it replaced.
import type { QueryTerm } from './lexical/topk.ts';
import { allowedCount } from './lexical/topk.ts';
import { DocCursor, END_OF_LIST } from './lexical/postings.ts';
import { lookupTerm } from './lexical/index.ts';
import type { RankedDocs, RelatedTerms, SearchEngine } from './engine.ts';
import { pruneTerms, zScores } from './engine.ts';
import { hasFilters, type ParsedQuery } from './query.ts';
import type { SearchMode } from './types.ts';

export interface Segment {
  engine: SearchEngine;
  /** Global number of the segment's document 0. */
  offset: number;
  /** live[d] = 0 for a superseded or hidden document; null when every document is live. */
  live: Uint8Array | null;
  /** The collection's idf of a word or pair, for the related-word credit (default: the engine's own statistics). */
  idf?: (term: string) => number | undefined;
  /**
   * Query weight multiplier per word or pair: the base's impacts carry the idf of its own build, rescaled to the
   * collection's current idf (default 1).
   */
  weightScale?: (term: string) => number;
}

const EMPTY: RankedDocs = { docs: [], scores: [], lexical: [], semantic: [], total: 0 };

/**
 * The filter with tombstones removed, or the live mask alone. A filter made for this query is narrowed in place; the
 * caller's own mask (`shared`, which allowedDocs hands back when nothing narrows it) is copied first.
 */
function restrict(filter: Uint8Array | null, live: Uint8Array | null, shared: Uint8Array | null): Uint8Array | null {
  if (!live) return filter;
  if (!filter) return live;
  const out = filter === shared ? filter.slice() : filter;
  const words = out.length >>> 2;
  const a = new Uint32Array(out.buffer, out.byteOffset, words);
  const b = new Uint32Array(live.buffer, live.byteOffset, words);
  for (let i = 0; i < words; i++) a[i] &= b[i];
  for (let d = words * 4; d < out.length; d++) out[d] &= live[d];
  return out;
}

function liveCount(segment: Segment, allowed: Uint8Array | null): number {
  return allowed ? allowedCount(allowed) : segment.engine.docCount;
}

interface Located {
  segment: number;
  doc: number;
}

/** Where a global document number lives. */
function locate(segments: Segment[], doc: number): Located {
  for (let s = segments.length - 1; s >= 0; s--) if (doc >= segments[s].offset) return { segment: s, doc: doc - segments[s].offset };
  throw new RangeError(`no segment holds document ${doc}`);
}

/** Lists already sorted by score (desc) then document (asc), merged and cut to k. */
function mergeSorted(lists: { docs: ArrayLike<number>; scores: ArrayLike<number> }[], offsets: number[], k: number): { docs: number[]; scores: number[] } {
  const all: { doc: number; score: number }[] = [];
  lists.forEach((l, s) => {
    for (let i = 0; i < l.docs.length; i++) all.push({ doc: l.docs[i] + offsets[s], score: l.scores[i] });
  });
  if (lists.length > 1) all.sort((a, b) => b.score - a.score || a.doc - b.doc);
  const top = all.slice(0, k);
  return { docs: top.map((x) => x.doc), scores: top.map((x) => x.score) };
}

interface GlobalTerms {
  /** Each segment's query terms (its own term numbers). */
  perSegment: QueryTerm[][];
  /** The kept query words, in query order (for the related-word credit). */
  keptWords: string[];
  any: boolean;
}

/**
 * The query's terms over all segments: a word's upper bound is its largest impact in any segment and its postings
 * the sum, so a pasted abstract keeps the same words in every segment (pruning per segment would let a delta paper
 * score on words the base's papers are not scored on).
 */
function queryTerms(segments: Segment[], parsed: ParsedQuery): GlobalTerms {
  const candidates = segments.map((s) => s.engine.queryCandidates(parsed));
  const hybrid = segments[0].engine.hybrid;
  const docs = segments.reduce((n, s) => n + s.engine.docCount, 0);
  const budget = hybrid.longQueryPostings * docs;
  const perSegment: QueryTerm[][] = segments.map(() => []);
  let keptWordSet = new Set<string>();
  for (const kind of ['words', 'pairs'] as const) {
    const byText = new Map<string, { text: string; weight: number; bound: number; df: number; tie: number; terms: (number | undefined)[]; scales: number[] }>();
    candidates.forEach((c, s) => {
      const ix = segments[s].engine.lexical;
      for (const { text, term, weight } of c[kind]) {
        let entry = byText.get(text);
        if (!entry)
          byText.set(
            text,
            (entry = { text, weight, bound: 0, df: 0, tie: s * 2 ** 32 + term, terms: segments.map(() => undefined), scales: segments.map(() => 1) }),
          );
        entry.terms[s] = term;
        entry.scales[s] = segments[s].weightScale?.(text) ?? 1;
        entry.bound = Math.max(entry.bound, ix.maxImpact[term] * entry.scales[s]);
        entry.df += ix.offsets[term + 1] - ix.offsets[term];
      }
    });
    const max = kind === 'words' ? hybrid.longQueryTerms : Math.ceil(hybrid.longQueryTerms / 2);
    const kept = pruneTerms(
      [...byText.values()],
      max,
      budget,
      (t) => t.bound,
      (t) => t.df,
      (a, b) => a.tie - b.tie,
    );
    for (const t of kept)
      t.terms.forEach((term, s) => {
        if (term !== undefined) perSegment[s].push({ term, weight: t.weight * t.scales[s] });
      });
    if (kind === 'words') keptWordSet = new Set(kept.map((t) => t.text));
  }
  // A word only tombstoned or superseded papers contain is unknown, as it is to a fresh build.
  const any = perSegment.some((q, s) => q.some((t) => hasLivePosting(segments[s], t.term)));
  return { perSegment, keptWords: [...parsed.terms.keys()].filter((w) => keptWordSet.has(w)), any };
}

function hasLivePosting({ engine, live }: Segment, term: number): boolean {
  const cursor = new DocCursor(engine.lexical).open(term);
  while (cursor.doc !== END_OF_LIST && live && !live[cursor.doc]) cursor.next();
  return cursor.doc !== END_OF_LIST;
}

/** Nearest documents over all segments (global numbers), best first. */
function nearest(
  segments: Segment[],
  vector: Float32Array,
  k: number,
  allowed: (Uint8Array | null)[],
  exclude?: Located,
): { docs: number[]; scores: number[] } {
  const lists = segments.map((s, i) => s.engine.nearest(vector, k, allowed[i], exclude?.segment === i ? exclude.doc : -1));
  return mergeSorted(
    lists,
    segments.map((s) => s.offset),
    k,
  );
}

/** The number of global document numbers the segments use (superseded and hidden documents included). */
export function documentSpace(segments: Segment[]): number {
  const last = segments[segments.length - 1];
  return last.offset + last.engine.docCount;
}

/**
 * Ranked documents (global numbers) for a parsed query over the segments: the best `k`, within the `within`
 * documents when given (a mask over global numbers, documentSpace long).
 */
export function rankSegments(
  segments: Segment[],
  parsed: ParsedQuery,
  mode: SearchMode,
  k: number,
  vector: Float32Array | null,
  related?: RelatedTerms,
  within: Uint8Array | null = null,
): RankedDocs {
  // A query with no known word embeds to the zero vector: it means nothing, not "everything equally".
  const queryVector = vector && vector.some((x) => x !== 0) ? vector : null;
  // A phrase's word pair is checked as a pair in every segment when any live paper has it (else as its two words).
  const pairs = new Set(
    parsed.phrases.flat().filter((pair) =>
      segments.some((s) => {
        const term = lookupTerm(s.engine.lexical, pair);
        return term !== undefined && hasLivePosting(s, term);
      }),
    ),
  );
  const views = segments.map((s) => within && within.subarray(s.offset, s.offset + s.engine.docCount));
  const filters = segments.map((s, i) => s.engine.allowedDocs(parsed, (pair) => pairs.has(pair), views[i]));
  const filtered = filters[0] !== null;
  const allowed = filters.map((f, i) => restrict(f, segments[i].live, views[i]));
  const offsets = segments.map((s) => s.offset);
  const terms = queryTerms(segments, parsed);
  if (!terms.any || (mode === 'semantic' && queryVector)) {
    if (mode !== 'lexical' && queryVector && parsed.text) {
      const near = nearest(segments, queryVector, k, allowed);
      const total = segments.reduce((n, s, i) => n + liveCount(s, allowed[i]), 0);
      return { docs: near.docs, scores: near.scores, lexical: near.docs.map(() => undefined), semantic: near.scores, total };
    }
    if (!terms.any && filtered && (hasFilters(parsed) || within)) {
      const lists = segments.map((s, i) => s.engine.newestAllowed(allowed[i]!, k));
      const all = lists.flatMap((l, s) => l.docs.map((d) => ({ doc: d + offsets[s], day: segments[s].engine.days[d] })));
      all.sort((a, b) => b.day - a.day || b.doc - a.doc);
      const top = all.slice(0, k).map((x) => x.doc);
      return {
        docs: top,
        scores: top.map(() => 0),
        lexical: top.map(() => undefined),
        semantic: top.map(() => undefined),
        total: lists.reduce((n, l) => n + l.total, 0),
      };
    }
    return EMPTY;
  }
  const hybrid = segments[0].engine.hybrid;
  const useSemantic = mode === 'hybrid' && queryVector !== null && segments.some((s) => s.engine.vectors !== null);
  const depth = useSemantic ? Math.max(k, hybrid.poolSize) : k;
  const tops = segments.map((s, i) =>
    s.engine.lexicalTopK(
      parsed,
      terms.perSegment[i],
      depth,
      allowed[i],
      s.engine.coveringTerm(parsed, (pair) => pairs.has(pair)),
    ),
  );
  const lexical = { ...mergeSorted(tops, offsets, depth), total: tops.reduce((n, t) => n + t.total, 0) };
  if (!useSemantic) {
    const docs = lexical.docs.slice(0, k);
    const scores = lexical.scores.slice(0, k);
    return { docs, scores, lexical: scores, semantic: docs.map(() => undefined), total: lexical.total };
  }
  // Hybrid: rerank the lexical pool plus the nearest papers by meaning with a blend of z-scores.
  const pool = new Map<number, number>();
  lexical.docs.forEach((d, i) => {
    pool.set(d, lexical.scores[i]);
  });
  if (hybrid.semanticCandidates > 0) {
    for (const d of nearest(segments, queryVector!, hybrid.semanticCandidates, allowed).docs) {
      if (pool.has(d)) continue;
      const at = locate(segments, d);
      pool.set(d, segments[at.segment].engine.scoreDoc(terms.perSegment[at.segment], at.doc));
    }
  }
  const docs = [...pool.keys()];
  const where = docs.map((d) => locate(segments, d));
  const lex = docs.map((d) => pool.get(d)!);
  const sem = where.map(({ segment, doc }) => segments[segment].engine.cosine(queryVector!, doc));
  // A query word the paper lacks but says otherwise counts as part of an occurrence (relatedWordMatch).
  const u = hybrid.relatedWeight;
  let credited = lex;
  if (related && u > 0) {
    const credit = new Array<number>(docs.length).fill(0);
    segments.forEach((s, i) => {
      const members = docs.flatMap((_, j) => (where[j].segment === i ? [j] : []));
      if (!members.length) return;
      const scores = s.engine.relatedWordMatch(
        terms.keptWords,
        members.map((j) => where[j].doc),
        related,
        s.idf,
      );
      members.forEach((j, m) => {
        credit[j] = scores[m];
      });
    });
    credited = lex.map((x, i) => x + u * credit[i]);
  }
  const zl = zScores(credited);
  const zs = zScores(sem);
  const w = hybrid.semanticWeight;
  const blended = docs.map((_, i) => zl[i] + w * zs[i]);
  const order = docs
    .map((_, i) => i)
    .sort((a, b) => blended[b] - blended[a] || docs[a] - docs[b])
    .slice(0, k);
  return {
    docs: order.map((i) => docs[i]),
    scores: order.map((i) => blended[i]),
    lexical: order.map((i) => lex[i]),
    semantic: order.map((i) => sem[i]),
    total: Math.max(lexical.total, pool.size),
  };
}

/** How many live documents within `within` the query's filters and phrases allow (its words aside). */
export function countAllowed(segments: Segment[], parsed: ParsedQuery, within: Uint8Array): number {
  let n = 0;
  for (const s of segments) {
    const own = within.subarray(s.offset, s.offset + s.engine.docCount);
    const allowed = restrict(s.engine.allowedDocs(parsed, undefined, own), s.live, own);
    n += allowed ? allowedCount(allowed) : s.engine.docCount;
  }
  return n;
}

/** The k documents (global numbers) nearest in meaning to a paper's live version, itself excluded. */
export function similarInSegments(segments: Segment[], id: string, k: number): { doc: number; score: number }[] {
  for (let s = segments.length - 1; s >= 0; s--) {
    const { engine, live } = segments[s];
    const doc = engine.ids.doc(id);
    if (doc === undefined || (live && !live[doc])) continue;
    if (!engine.vectors) return [];
    const near = nearest(
      segments,
      engine.vectors.vector(doc),
      k,
      segments.map((x) => x.live),
      { segment: s, doc },
    );
    return near.docs.map((d, i) => ({ doc: d, score: near.scores[i] }));
  }
  return [];
}
