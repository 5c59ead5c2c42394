// Top-k retrieval over the inverted index without scoring every match: MaxScore (Turtle & Flood 1995) with
// the essential/non-essential split of Jia et al. Each term has an upper bound (query weight × the term's largest
// impact). Once the k-th best score θ exceeds the summed bounds of a set of terms, those terms can no longer bring a
// document into the top k on their own: they stop driving the traversal and are only probed (by galloping search)
// for documents the other terms propose, and a probe sequence stops as soon as the remaining bounds cannot lift the
// document above θ. Which terms to probe: the weakest (the classic choice) or the longest lists that fit, whichever
// leaves fewer postings to walk (EssentialSplit). docs/decisions/0004-search-topk.md says why.
//
// Ties are broken by lower document number, in this and in the brute-force reference, so both agree exactly.
import type { LexicalIndex } from './index.ts';
import { DocCursor, END_OF_LIST } from './postings.ts';

export interface QueryTerm {
  term: number;
  weight: number;
}

export interface TopK {
  docs: Int32Array;
  scores: Float64Array;
}

/** A document filter: allowed[d] is 1 for an allowed document, 0 otherwise; or null for all. */
export type DocFilter = Uint8Array | null;

/** Min-heap of (score, doc) where the root is the worst entry: lowest score, then highest doc. */
export class TopKHeap {
  readonly docs: Int32Array;
  readonly scores: Float64Array;
  size = 0;
  constructor(readonly k: number) {
    this.docs = new Int32Array(k);
    this.scores = new Float64Array(k);
  }
  private worse(i: number, j: number): boolean {
    const si = this.scores[i];
    const sj = this.scores[j];
    return si < sj || (si === sj && this.docs[i] > this.docs[j]);
  }
  private swap(i: number, j: number): void {
    const d = this.docs[i];
    this.docs[i] = this.docs[j];
    this.docs[j] = d;
    const s = this.scores[i];
    this.scores[i] = this.scores[j];
    this.scores[j] = s;
  }
  get full(): boolean {
    return this.size === this.k;
  }
  /** The score a new document must beat (strictly) once the heap is full. */
  get threshold(): number {
    return this.size === this.k ? this.scores[0] : -Infinity;
  }
  /** Offers a document; documents arrive in ascending order, so an equal score never displaces. */
  offer(doc: number, score: number): boolean {
    if (this.size < this.k) {
      let i = this.size++;
      this.docs[i] = doc;
      this.scores[i] = score;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(i, p)) break;
        this.swap(i, p);
        i = p;
      }
      return true;
    }
    if (!(score > this.scores[0])) return false;
    this.docs[0] = doc;
    this.scores[0] = score;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.worse(l, m)) m = l;
      if (r < this.size && this.worse(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
    return true;
  }
  /** Best first: score descending, then doc ascending; scores multiplied by `scale`. */
  sorted(scale: number): TopK {
    const order = Array.from({ length: this.size }, (_, i) => i).sort((a, b) => this.scores[b] - this.scores[a] || this.docs[a] - this.docs[b]);
    return {
      docs: Int32Array.from(order, (i) => this.docs[i]),
      scores: Float64Array.from(order, (i) => this.scores[i] * scale),
    };
  }
}

/** The k best documents for a weighted OR of terms, by MaxScore. */
export function topKMaxScore(index: LexicalIndex, query: QueryTerm[], k: number, allowed: DocFilter = null): TopK {
  const heap = new TopKHeap(Math.max(1, k));
  const terms = scoringTerms(index, query).map((q) => ({ ...q, bound: q.weight * index.maxImpact[q.term] }));
  const n = terms.length;
  if (!n || k <= 0) return { docs: new Int32Array(0), scores: new Float64Array(0) };
  const impacts = index.impacts;
  const levels = index.impactLevels;
  const cursors = terms.map((q) => new DocCursor(index).open(q.term));
  const weight = Float64Array.from(terms, (q) => q.weight);
  const split = new EssentialSplit(
    terms.map((q) => q.bound),
    cursors.map((c) => c.remaining),
  );
  let threshold = -Infinity;
  for (;;) {
    // Next candidate: the smallest current doc among the essential lists.
    const { essential, probed, rest } = split;
    let doc = END_OF_LIST;
    for (let j = 0; j < split.essentialCount; j++) {
      const d = cursors[essential[j]].doc;
      if (d < doc) doc = d;
    }
    if (doc === END_OF_LIST) break;
    let score = 0;
    for (let j = 0; j < split.essentialCount; j++) {
      const i = essential[j];
      const c = cursors[i];
      if (c.doc === doc) {
        score += weight[i] * levels[impacts[c.pos]];
        c.next();
      }
    }
    if (allowed !== null && allowed[doc] === 0) continue;
    for (let j = 0; j < split.probedCount; j++) {
      if (score + rest[j] <= threshold) break;
      const i = probed[j];
      const c = cursors[i];
      c.seek(doc);
      if (c.doc === doc) score += weight[i] * levels[impacts[c.pos]];
    }
    if (score > threshold || !heap.full) {
      heap.offer(doc, score);
      if (heap.full && heap.threshold > threshold) {
        threshold = heap.threshold;
        // A list that becomes essential again resumes after this document, like the others.
        for (const i of split.update(threshold)) cursors[i].seek(doc + 1);
      }
    }
  }
  return heap.sorted(index.impactScale);
}

/**
 * MaxScore's split of the query's lists into essential ones, which propose the candidate documents, and probed
 * ones, looked up only for those candidates. Any lists whose bounds sum to at most θ may be probed: a document in
 * none of the others scores at most θ and cannot enter the top k. The classic split probes the lists with the
 * smallest bounds; that walks a long list with a high bound (a common word typed twice) even when a short list
 * with a higher bound (the query's rare word pair) could drive instead. Both are tried and the split that leaves
 * fewer postings to walk wins: the classic one, or the longest lists first while their bounds fit under θ.
 */
export class EssentialSplit {
  /** Term indexes that drive the traversal: essential[0 .. essentialCount). */
  readonly essential: Int32Array;
  essentialCount: number;
  /** Term indexes probed for candidates, highest bound first: probed[0 .. probedCount). */
  readonly probed: Int32Array;
  probedCount = 0;
  /** rest[j]: the summed bounds of probed[j ..]: what probing can still add to a candidate's score. */
  readonly rest: Float64Array;
  private readonly byBound: number[];
  private readonly byLength: number[];
  private readonly isProbed: Uint8Array;
  /** Scratch: the split being weighed, and the classic one while the other is. */
  private readonly next: Uint8Array;
  private readonly classic: Uint8Array;

  constructor(
    private readonly bounds: readonly number[],
    private readonly lengths: readonly number[],
  ) {
    const n = bounds.length;
    this.essential = Int32Array.from({ length: n }, (_, i) => i);
    this.essentialCount = n;
    this.probed = new Int32Array(n);
    this.rest = new Float64Array(n);
    this.byBound = Array.from({ length: n }, (_, i) => i).sort((a, b) => bounds[a] - bounds[b] || a - b);
    this.byLength = Array.from({ length: n }, (_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
    this.isProbed = new Uint8Array(n);
    this.next = new Uint8Array(n);
    this.classic = new Uint8Array(n);
  }

  /** Re-splits for the new θ; returns the lists that were probed and are essential again. */
  update(threshold: number): number[] {
    const n = this.bounds.length;
    this.choose(this.byBound, threshold, true);
    const classicWalked = this.walked();
    this.classic.set(this.next);
    this.choose(this.byLength, threshold, false);
    if (classicWalked <= this.walked()) this.next.set(this.classic);
    const resumed: number[] = [];
    for (let i = 0; i < n; i++) if (this.isProbed[i] && !this.next[i]) resumed.push(i);
    this.isProbed.set(this.next);
    this.essentialCount = 0;
    this.probedCount = 0;
    for (let i = 0; i < n; i++) if (!this.isProbed[i]) this.essential[this.essentialCount++] = i;
    for (let r = n - 1; r >= 0; r--) {
      const i = this.byBound[r];
      if (this.isProbed[i]) this.probed[this.probedCount++] = i;
    }
    let sum = 0;
    for (let j = this.probedCount - 1; j >= 0; j--) this.rest[j] = sum += this.bounds[this.probed[j]];
    return resumed;
  }

  /** Marks in `next` the lists taken in `order` while their bounds fit under θ (stopping at the first misfit when `prefix`). */
  private choose(order: readonly number[], threshold: number, prefix: boolean): void {
    this.next.fill(0);
    let sum = 0;
    for (const i of order) {
      if (sum + this.bounds[i] > threshold) {
        if (prefix) return;
        continue;
      }
      sum += this.bounds[i];
      this.next[i] = 1;
    }
  }

  /** Postings of the lists `next` leaves essential. */
  private walked(): number {
    let total = 0;
    for (let i = 0; i < this.bounds.length; i++) if (!this.next[i]) total += this.lengths[i];
    return total;
  }
}

/** Up to this many postings in all, accumulating every posting beats MaxScore's per-document bookkeeping. */
export const ACCUMULATE_MAX_POSTINGS = 50_000;
/** With more terms than this, MaxScore's per-document candidate selection costs more than accumulating. */
export const MAXSCORE_MAX_TERMS = 12;

/**
 * The k best documents: accumulation when the query's posting lists are short in total (rare words) or the query
 * has many terms (a pruned pasted abstract), document-at-a-time MaxScore otherwise (a few common words, where
 * skipping pays). Same results either way; docs/decisions/0004-search-topk.md says why.
 */
export function topK(index: LexicalIndex, query: QueryTerm[], k: number, allowed: DocFilter = null): TopK {
  let postings = 0;
  for (const q of query) postings += index.offsets[q.term + 1] - index.offsets[q.term];
  if (allowed !== null) {
    const candidates = allowedList(allowed, maxProbed(postings, query.length));
    if (candidates !== null) return topKCandidates(index, query, k, candidates);
  }
  const accumulate = postings <= ACCUMULATE_MAX_POSTINGS || query.length > MAXSCORE_MAX_TERMS;
  return accumulate ? topKAccumulate(index, query, k, allowed) : topKMaxScore(index, query, k, allowed);
}

/**
 * Up to how many allowed documents are probed one by one (a seek per term each) rather than the terms' postings
 * walked: a seek costs about as much as walking five postings. A quoted phrase (2 words and their pair) probes
 * up to a fifteenth of its postings; a pasted abstract with a phrase in it (a hundred words) far fewer, where
 * probing every allowed paper in every word once took 110 ms at 1M papers.
 */
function maxProbed(postings: number, terms: number): number {
  return postings / (5 * Math.max(1, terms));
}

/** How many documents the filter allows (its bytes are 0 or 1: four are summed at once by one multiplication). */
export function allowedCount(allowed: Uint8Array): number {
  let count = 0;
  let d = 0;
  if (allowed.byteOffset % 4 === 0) {
    const words = new Uint32Array(allowed.buffer, allowed.byteOffset, allowed.length >>> 2);
    for (let w = 0; w < words.length; w++) count += Math.imul(words[w], 0x01010101) >>> 24;
    d = words.length * 4;
  }
  for (; d < allowed.length; d++) count += allowed[d];
  return count;
}

/**
 * The allowed documents in ascending order, or null when there are more than `max`. Skips four filter bytes at a
 * time where the filter is aligned: a narrow filter (a phrase) is mostly zero, and at 1M papers a byte-by-byte
 * pass cost a millisecond.
 */
function allowedList(allowed: Uint8Array, max: number): Int32Array | null {
  const out: number[] = [];
  let d = 0;
  if (allowed.byteOffset % 4 === 0) {
    const words = new Uint32Array(allowed.buffer, allowed.byteOffset, allowed.length >>> 2);
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      for (let b = w * 4; b < w * 4 + 4; b++) {
        if (allowed[b] === 0) continue;
        if (out.length >= max) return null;
        out.push(b);
      }
    }
    d = words.length * 4;
  }
  for (; d < allowed.length; d++) {
    if (allowed[d] === 0) continue;
    if (out.length >= max) return null;
    out.push(d);
  }
  return Int32Array.from(out);
}

/**
 * Scores only the given documents (ascending), probing each term's postings by galloping search. For a narrow
 * filter (a quoted phrase, an author): MaxScore would walk the words' whole lists without ever filling its top k
 * when the phrase matches fewer than k papers (55 ms at 1M papers), where this costs a few probes per candidate.
 */
export function topKCandidates(index: LexicalIndex, query: QueryTerm[], k: number, candidates: Int32Array): TopK {
  if (k <= 0) return { docs: new Int32Array(0), scores: new Float64Array(0) };
  const terms = scoringTerms(index, query);
  const n = terms.length;
  const cursors = terms.map((q) => new DocCursor(index).open(q.term));
  const impacts = index.impacts;
  const levels = index.impactLevels;
  const heap = new TopKHeap(k);
  for (let j = 0; j < candidates.length; j++) {
    const d = candidates[j];
    let score = 0;
    let matched = false;
    for (let i = 0; i < n; i++) {
      const c = cursors[i];
      c.seek(d);
      if (c.doc === d) {
        score += terms[i].weight * levels[impacts[c.pos]];
        matched = true;
      }
    }
    if (matched) heap.offer(d, score);
  }
  return heap.sorted(index.impactScale);
}

/**
 * Documents per accumulation block: 16k float64 scores (128 kB) stay in the core's cache, where one accumulator for
 * a million documents (8 MB) made every posting a cache miss.
 */
const BLOCK = 1 << 14;

// Scratch for accumulation, reused across queries (JavaScript runs one query at a time) and left zeroed.
const scratch = { acc: new Float64Array(BLOCK), touched: new Int32Array(BLOCK) };

/**
 * Term-at-a-time accumulation, one block of documents at a time: every query term's postings that fall in the
 * block are added into a block-sized accumulator, then the block's scored documents are offered to the top k in
 * document order (so ties resolve as in MaxScore: lower document first). A score above zero marks a document as
 * touched (query terms with impact 0 are dropped up front), so when the lists are long enough to touch a good share
 * of every block the inner loop is a bare multiply-add and the block is swept afterwards (twice the speed of
 * tracking touched documents, measured at 1M papers); shorter lists record the documents they touch and sort them.
 * Tests pass a small `block` to cross block boundaries on small corpora.
 */
export function topKAccumulate(index: LexicalIndex, query: QueryTerm[], k: number, allowed: DocFilter = null, block = BLOCK): TopK {
  if (k <= 0) return { docs: new Int32Array(0), scores: new Float64Array(0) };
  if (block > BLOCK) throw new RangeError(`block ${block} is larger than the scratch (${BLOCK})`);
  const terms = scoringTerms(index, query);
  const n = terms.length;
  const cursors = terms.map((q) => new DocCursor(index).open(q.term));
  const weight = Float64Array.from(terms, (q) => q.weight);
  let postings = 0;
  for (let i = 0; i < n; i++) postings += cursors[i].remaining;
  const sweep = postings * 8 > index.docCount;
  const { acc, touched } = scratch;
  const impacts = index.impacts;
  const levels = index.impactLevels;
  const heap = new TopKHeap(k);
  for (let base = 0; base < index.docCount; base += block) {
    let count = 0;
    const limit = base + block;
    for (let i = 0; i < n; i++) {
      const w = weight[i];
      const c = cursors[i];
      if (sweep) {
        for (; c.doc < limit; c.next()) acc[c.doc - base] += w * levels[impacts[c.pos]];
      } else {
        for (; c.doc < limit; c.next()) {
          const o = c.doc - base;
          if (acc[o] === 0) touched[count++] = o;
          acc[o] += w * levels[impacts[c.pos]];
        }
      }
    }
    // Offer in document order. Every accumulator is cleared, scored or not, and only a score above the k-th best
    // (any positive score while the heap fills) takes the branch: testing "score === 0" first mispredicted on the
    // fifth of documents that scored and made the sweep five times slower (3 ms per million documents → 0.6 ms).
    const offsets = sweep ? null : touched.subarray(0, count).sort();
    const last = sweep ? Math.min(block, index.docCount - base) : count;
    let threshold = heap.full ? heap.threshold : 0;
    for (let i = 0; i < last; i++) {
      const o = offsets === null ? i : offsets[i];
      const score = acc[o];
      acc[o] = 0;
      if (score > threshold && (allowed === null || allowed[base + o] !== 0)) {
        heap.offer(base + o, score);
        threshold = heap.full ? heap.threshold : 0;
      }
    }
  }
  return heap.sorted(index.impactScale);
}

/** Query terms that can score: positive weight and some posting with a positive impact (filter terms have none). */
function scoringTerms(index: LexicalIndex, query: QueryTerm[]): QueryTerm[] {
  return query.filter((q) => q.weight > 0 && index.maxImpact[q.term] > 0);
}

/** Reference implementation: scores every posting of every query term, then sorts. For tests and baselines. */
export function topKExhaustive(index: LexicalIndex, query: QueryTerm[], k: number, allowed: DocFilter = null): TopK {
  const acc = new Float64Array(index.docCount);
  const seen = new Uint8Array(index.docCount);
  // Quantised impacts times small integer weights sum exactly in float64, in any order.
  for (const q of scoringTerms(index, query)) {
    for (const c = new DocCursor(index).open(q.term); c.doc !== END_OF_LIST; c.next()) {
      acc[c.doc] += q.weight * index.impactLevels[index.impacts[c.pos]];
      seen[c.doc] = 1;
    }
  }
  const heap = new TopKHeap(Math.max(1, k));
  if (k <= 0) return { docs: new Int32Array(0), scores: new Float64Array(0) };
  for (let d = 0; d < index.docCount; d++) {
    if (seen[d] && (allowed === null || allowed[d] !== 0)) heap.offer(d, acc[d]);
  }
  return heap.sorted(index.impactScale);
}

/**
 * Documents containing every one of the given terms, as a filter (intersected into `into` when given): the
 * shortest list proposes, the others are probed by galloping search, and only the result is allocated.
 */
export function conjunction(index: LexicalIndex, termIdsList: number[], into: Uint8Array | null): Uint8Array {
  const out = new Uint8Array(index.docCount);
  if (!termIdsList.length || termIdsList.some((t) => t < 0)) return out;
  const df = (t: number) => index.offsets[t + 1] - index.offsets[t];
  const [first, ...rest] = [...termIdsList].sort((a, b) => df(a) - df(b));
  const others = rest.map((t) => new DocCursor(index).open(t));
  for (const c = new DocCursor(index).open(first); c.doc !== END_OF_LIST; c.next()) {
    const d = c.doc;
    if (into !== null && into[d] === 0) continue;
    let all = true;
    for (let i = 0; i < others.length && all; i++) {
      others[i].seek(d);
      all = others[i].doc === d;
    }
    if (all) out[d] = 1;
  }
  return out;
}

/** Documents containing any of the given terms (within `into` when given). */
export function disjunction(index: LexicalIndex, termIdsList: number[], into: Uint8Array | null): Uint8Array {
  const out = new Uint8Array(index.docCount);
  for (const t of termIdsList) {
    if (t < 0) continue;
    for (const c = new DocCursor(index).open(t); c.doc !== END_OF_LIST; c.next()) if (into === null || into[c.doc]) out[c.doc] = 1;
  }
  return out;
}

/**
 * Per index: the call number (1–255) that last counted each document, so marks need a clearing pass only once in
 * 255 calls. Bytes, not wider stamps: at 1M papers the array stays 1 MB, within the core's cache.
 */
const matchMarks = new WeakMap<LexicalIndex, { stamps: Uint8Array; call: number }>();

/**
 * How many documents match any of the terms and pass the filter. Exact when the postings are short enough to
 * walk cheaply; above that, estimated assuming terms occur independently (the UI shows "about N").
 */
export function countMatches(index: LexicalIndex, termIdsList: number[], allowed: DocFilter, exactBudget = 150_000): { count: number; exact: boolean } {
  let total = 0;
  for (const t of termIdsList) total += index.offsets[t + 1] - index.offsets[t];
  if (termIdsList.length === 1 && allowed === null) return { count: total, exact: true };
  const candidates = allowed === null ? null : allowedList(allowed, maxProbed(total, termIdsList.length));
  if (candidates !== null) {
    // A narrow filter: probe each allowed document instead of walking the terms' postings.
    const cursors = termIdsList.map((t) => new DocCursor(index).open(t));
    let c = 0;
    for (let j = 0; j < candidates.length; j++) {
      const d = candidates[j];
      let any = false;
      for (const cursor of cursors) {
        cursor.seek(d);
        any ||= cursor.doc === d;
      }
      if (any) c++;
    }
    return { count: c, exact: true };
  }
  if (total <= exactBudget) {
    // Stamp each matching document with this call's number: cost in postings, not in corpus size.
    let marks = matchMarks.get(index);
    if (!marks) matchMarks.set(index, (marks = { stamps: new Uint8Array(index.docCount), call: 0 }));
    if (marks.call === 255) {
      marks.stamps.fill(0);
      marks.call = 0;
    }
    const { stamps } = marks;
    const call = ++marks.call;
    let c = 0;
    const cursor = new DocCursor(index);
    for (const t of termIdsList) {
      for (cursor.open(t); cursor.doc !== END_OF_LIST; cursor.next()) {
        const d = cursor.doc;
        if (allowed === null || allowed[d] !== 0) {
          // Counted without a data-dependent branch: whether a document was seen is close to a coin toss.
          c += stamps[d] === call ? 0 : 1;
          stamps[d] = call;
        }
      }
    }
    return { count: c, exact: true };
  }
  let none = 1;
  for (const t of termIdsList) none *= 1 - (index.offsets[t + 1] - index.offsets[t]) / Math.max(1, index.docCount);
  const share = allowed === null ? 1 : allowedCount(allowed) / Math.max(1, index.docCount);
  return { count: Math.round(index.docCount * (1 - none) * share), exact: false };
}
