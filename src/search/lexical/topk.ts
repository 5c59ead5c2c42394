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
import { type DenseList, denseOf, densePosition, NO_BITMAP } from './dense.ts';
import { DocCursor, END_OF_LIST, LONG_LIST_POSTINGS } from './postings.ts';
import { tierOf } from './tiers.ts';

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

/**
 * The k best documents for a weighted OR of terms, by MaxScore. A long list with a high-impact tier (tiers.ts) counts
 * as two lists for the split, its tier and its rest: when θ allows probing the rest (bounded by its lower impact),
 * the tier alone drives. A dense list is probed by its bitmap (dense.ts). `longList` (the fewest postings that get a
 * tier or a bitmap) lets tests give them to the short lists of small corpora.
 */
export function topKMaxScore(index: LexicalIndex, query: QueryTerm[], k: number, allowed: DocFilter = null, longList = LONG_LIST_POSTINGS): TopK {
  const heap = new TopKHeap(Math.max(1, k));
  const terms = scoringTerms(index, query);
  const n = terms.length;
  if (!n || k <= 0) return { docs: new Int32Array(0), scores: new Float64Array(0) };
  const impacts = index.impacts;
  const levels = index.impactLevels;
  const cursors = perTerm(terms, (q) => new DocCursor(index).open(q.term));
  const weight = Float64Array.from(terms, (q) => q.weight);
  const bound = Float64Array.from(terms, (q) => q.weight * index.maxImpact[q.term]);
  const tiers = perTerm(terms, (q) => tierOf(index, q.term, longList));
  // A dense list is probed by its bitmap, without moving its cursor (which seeks when the list drives again).
  const dense = perTerm(terms, (q) => denseOf(index, q.term, longList));
  // The lists the split weighs: each term's whole list, or its rest and then its tier.
  const listTerm: number[] = [];
  const listBounds: number[] = [];
  const listLengths: number[] = [];
  terms.forEach((_, i) => {
    const tier = tiers[i];
    const length = cursors[i].remaining;
    if (tier) {
      listTerm.push(i, i);
      listBounds.push(weight[i] * tier.low, bound[i]);
      listLengths.push(length - tier.docs.length, tier.docs.length);
    } else {
      listTerm.push(i);
      listBounds.push(bound[i]);
      listLengths.push(length);
    }
  });
  const split = new EssentialSplit(listBounds, listLengths);
  // Per term, after each split: its whole list drives (WHOLE), its tier drives and the rest is probed (TIER), or
  // its whole list is probed (PROBED).
  const WHOLE = 0;
  const TIER = 1;
  const PROBED = 2;
  const mode = new Uint8Array(n);
  const wholeDrivers = new Int32Array(n);
  const tierDrivers = new Int32Array(n);
  const probes = new Int32Array(n);
  const rest = new Float64Array(n);
  let wholeCount = n;
  let tierCount = 0;
  let probeCount = 0;
  for (let i = 0; i < n; i++) wholeDrivers[i] = i;
  const tierAt = new Int32Array(n);
  const countedAt = new Int32Array(n).fill(-1);
  const tierDoc = (i: number) => (tierAt[i] < tiers[i]!.docs.length ? tiers[i]!.docs[tierAt[i]] : END_OF_LIST);
  const resplit = (threshold: number, doc: number) => {
    split.update(threshold);
    mode.fill(WHOLE);
    for (let v = 0; v < listTerm.length; v++) {
      const i = listTerm[v];
      if (!split.probed[v]) continue;
      // A rest is listed before its tier, so the tier's flag decides between TIER and PROBED.
      mode[i] = tiers[i] && v + 1 < listTerm.length && listTerm[v + 1] === i && !split.probed[v + 1] ? TIER : PROBED;
      if (mode[i] === TIER) v++;
    }
    wholeCount = tierCount = probeCount = 0;
    for (let i = 0; i < n; i++) {
      if (mode[i] === WHOLE) {
        wholeDrivers[wholeCount++] = i;
        cursors[i].seek(doc + 1);
      } else {
        probes[probeCount++] = i;
        if (mode[i] === TIER) {
          tierDrivers[tierCount++] = i;
          tierAt[i] = firstAfter(tiers[i]!.docs, doc, tierAt[i]);
        }
      }
    }
    const probeBound = (i: number) => (mode[i] === TIER ? weight[i] * tiers[i]!.low : bound[i]);
    probes.subarray(0, probeCount).sort((a, b) => probeBound(b) - probeBound(a) || a - b);
    let sum = 0;
    for (let j = probeCount - 1; j >= 0; j--) rest[j] = sum += probeBound(probes[j]);
  };
  let threshold = -Infinity;
  for (;;) {
    // Next candidate: the smallest current doc among the lists and tiers that drive.
    let doc = END_OF_LIST;
    for (let j = 0; j < wholeCount; j++) {
      const d = cursors[wholeDrivers[j]].doc;
      if (d < doc) doc = d;
    }
    for (let j = 0; j < tierCount; j++) {
      const d = tierDoc(tierDrivers[j]);
      if (d < doc) doc = d;
    }
    if (doc === END_OF_LIST) break;
    let score = 0;
    for (let j = 0; j < wholeCount; j++) {
      const i = wholeDrivers[j];
      const c = cursors[i];
      if (c.doc === doc) {
        score += weight[i] * levels[impacts[c.pos]];
        c.next();
      }
    }
    for (let j = 0; j < tierCount; j++) {
      const i = tierDrivers[j];
      if (tierDoc(i) === doc) {
        score += weight[i] * tiers[i]!.levels[tierAt[i]++];
        countedAt[i] = doc;
      }
    }
    if (allowed !== null && allowed[doc] === 0) continue;
    for (let j = 0; j < probeCount; j++) {
      if (score + rest[j] <= threshold) break;
      const i = probes[j];
      // A document in the term's tier was counted from it: the rest of the list does not hold it.
      if (countedAt[i] === doc) continue;
      const p = probe(cursors[i], dense[i], doc);
      if (p >= 0) score += weight[i] * levels[impacts[p]];
    }
    if (score > threshold || !heap.full) {
      heap.offer(doc, score);
      if (heap.full && heap.threshold > threshold) {
        threshold = heap.threshold;
        resplit(threshold, doc);
      }
    }
  }
  return heap.sorted(index.impactScale);
}

/**
 * One value per item, in an array built by push. V8's optimised Array.prototype.map makes holey arrays where the
 * builtin makes packed ones, so the top-k loops, compiled for one kind, were thrown away on meeting the other (a
 * "wrong map" deopt in the middle of a timed query: name and phrase queries at 2.8M took 20–25 ms instead of 5).
 */
function perTerm<T, U>(items: ArrayLike<T>, make: (item: T, i: number) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < items.length; i++) out.push(make(items[i], i));
  return out;
}

/** The position of `doc`'s posting in a list, or -1: by the list's bitmap when it has one, else by moving its cursor. */
function probe(cursor: DocCursor, bitmap: DenseList, doc: number): number {
  if (bitmap !== NO_BITMAP) return densePosition(bitmap, doc);
  cursor.seek(doc);
  return cursor.doc === doc ? cursor.pos : -1;
}

/** The first index at or after `from` whose document is after `doc` (by galloping, then binary search). */
function firstAfter(docs: Int32Array, doc: number, from: number): number {
  let lo = from;
  let step = 1;
  while (lo + step < docs.length && docs[lo + step] <= doc) {
    lo += step;
    step <<= 1;
  }
  let hi = Math.min(docs.length, lo + step);
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid] <= doc) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * MaxScore's split of the query's lists into those that drive the traversal, proposing candidate documents, and those
 * only probed for the candidates. Any lists whose bounds sum to at most θ may be probed: a document in none of the
 * others scores at most θ and cannot enter the top k. The classic split probes the lists with the smallest bounds;
 * that walks a long list with a high bound (a common word typed twice) even when a short list with a higher bound
 * (the query's rare word pair) could drive instead. Both are tried and the split that leaves fewer postings to walk
 * wins: the classic one, or the longest lists first while their bounds fit under θ.
 */
export class EssentialSplit {
  /** probed[v] is 1 when list v is probed under the last θ, 0 when it drives. */
  readonly probed: Uint8Array;
  private readonly byBound: number[];
  private readonly byLength: number[];
  /** Scratch: the classic split while the other is weighed. */
  private readonly classic: Uint8Array;

  constructor(
    private readonly bounds: readonly number[],
    private readonly lengths: readonly number[],
  ) {
    const n = bounds.length;
    this.probed = new Uint8Array(n);
    this.classic = new Uint8Array(n);
    this.byBound = perTerm(bounds, (_, i) => i).sort((a, b) => bounds[a] - bounds[b] || a - b);
    this.byLength = perTerm(bounds, (_, i) => i).sort((a, b) => lengths[b] - lengths[a] || a - b);
  }

  update(threshold: number): void {
    this.choose(this.byBound, threshold, true);
    const classicWalked = this.walked();
    this.classic.set(this.probed);
    this.choose(this.byLength, threshold, false);
    if (classicWalked <= this.walked()) this.probed.set(this.classic);
  }

  /** Marks as probed the lists taken in `order` while their bounds fit under θ (stopping at the first misfit when `prefix`). */
  private choose(order: readonly number[], threshold: number, prefix: boolean): void {
    this.probed.fill(0);
    let sum = 0;
    for (const v of order) {
      if (sum + this.bounds[v] > threshold) {
        if (prefix) return;
        continue;
      }
      sum += this.bounds[v];
      this.probed[v] = 1;
    }
  }

  /** Postings of the lists that drive. */
  private walked(): number {
    let total = 0;
    for (let v = 0; v < this.bounds.length; v++) if (!this.probed[v]) total += this.lengths[v];
    return total;
  }
}

/** Up to this many postings in all, accumulating every posting beats MaxScore's per-document bookkeeping. */
export const ACCUMULATE_MAX_POSTINGS = 50_000;
/** With more terms than this, MaxScore's per-document candidate selection costs more than accumulating. */
export const MAXSCORE_MAX_TERMS = 12;

/**
 * The k best allowed documents when every allowed document is in one list, `covering` (a quoted phrase's word pair,
 * a required word): that list is walked alone and, for each allowed document in it, the query's terms are probed
 * strongest first (a dense list by its bitmap) until the rest cannot lift the document above the k-th best. A phrase
 * of two common words walks its pair's list instead of the words' (63,000 postings instead of 560,000 for "latent
 * space" at 2.8M papers).
 */
export function topKCovered(index: LexicalIndex, query: QueryTerm[], k: number, allowed: Uint8Array, covering: number, longList = LONG_LIST_POSTINGS): TopK {
  if (k <= 0) return { docs: new Int32Array(0), scores: new Float64Array(0) };
  const scoring = scoringTerms(index, query);
  // The covering list's own term (a phrase's pair is a query term too) is scored from the walk: its impact is known
  // before any probe, and with the other terms' bounds it often shows that a document cannot enter the top k.
  let ownWeight = 0;
  for (const q of scoring) if (q.term === covering) ownWeight += q.weight;
  const terms = perTerm(
    scoring.filter((q) => q.term !== covering),
    (q) => ({ term: q.term, weight: q.weight, bound: q.weight * index.maxImpact[q.term] }),
  ).sort((a, b) => b.bound - a.bound || a.term - b.term);
  const n = terms.length;
  const cursors = perTerm(terms, (q) => new DocCursor(index).open(q.term));
  const dense = perTerm(terms, (q) => denseOf(index, q.term, longList));
  const rest = new Float64Array(n + 1);
  for (let j = n - 1; j >= 0; j--) rest[j] = rest[j + 1] + terms[j].bound;
  const impacts = index.impacts;
  const levels = index.impactLevels;
  const heap = new TopKHeap(k);
  let threshold = -Infinity;
  for (const c = new DocCursor(index).open(covering); c.doc !== END_OF_LIST; c.next()) {
    const d = c.doc;
    if (allowed[d] === 0) continue;
    let score = ownWeight * levels[impacts[c.pos]];
    let matched = ownWeight > 0;
    for (let j = 0; j < n; j++) {
      // Cut short, the document scores at most θ, which does not enter the full heap.
      if (score + rest[j] <= threshold) break;
      const p = probe(cursors[j], dense[j], d);
      if (p >= 0) {
        score += terms[j].weight * levels[impacts[p]];
        matched = true;
      }
    }
    if (matched && (score > threshold || !heap.full)) {
      heap.offer(d, score);
      if (heap.full) threshold = heap.threshold;
    }
  }
  return heap.sorted(index.impactScale);
}

/**
 * The k best documents: accumulation when the query's posting lists are short in total (rare words) or the query
 * has many terms (a pruned pasted abstract), document-at-a-time MaxScore otherwise (a few common words, where
 * skipping pays). Under a filter, the allowed documents are scored one by one when they are few, and the one list
 * that holds them all (`covering`, when the caller knows one) is walked when it is short. Same results either way;
 * docs/decisions/0004-search-topk.md says why.
 */
export function topK(index: LexicalIndex, query: QueryTerm[], k: number, allowed: DocFilter = null, covering?: number): TopK {
  let postings = 0;
  for (const q of query) postings += index.offsets[q.term + 1] - index.offsets[q.term];
  if (allowed !== null) {
    const candidates = allowedList(allowed, maxProbed(postings, query.length));
    if (candidates !== null) return topKCandidates(index, query, k, candidates);
    if (covering !== undefined && (index.offsets[covering + 1] - index.offsets[covering]) * query.length <= postings)
      return topKCovered(index, query, k, allowed, covering);
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

/**
 * How many documents the filter allows (its bytes are 0 or 1: four are summed at once by one multiplication). Past
 * `limit` the count may stop early, at some number above it: a caller that only asks whether a filter is narrow
 * (allowedList) does not pay for passing over a broad one in full.
 */
export function allowedCount(allowed: Uint8Array, limit = Number.POSITIVE_INFINITY): number {
  let count = 0;
  let d = 0;
  if (allowed.byteOffset % 4 === 0) {
    const words = new Uint32Array(allowed.buffer, allowed.byteOffset, allowed.length >>> 2);
    for (let from = 0; from < words.length && count <= limit; from += COUNT_CHUNK) {
      const to = Math.min(words.length, from + COUNT_CHUNK);
      for (let w = from; w < to; w++) count += Math.imul(words[w], 0x01010101) >>> 24;
    }
    if (count > limit) return count;
    d = words.length * 4;
  }
  for (; d < allowed.length; d++) count += allowed[d];
  return count;
}

/** Words counted between checks against allowedCount's limit. */
const COUNT_CHUNK = 4096;

/**
 * Makes `mask` (0/1 bytes) its complement within `within` (every document when null): 1 where `within` allows and
 * `mask` was 0. Four bytes at a time where both are aligned: at 2.8M papers a byte-by-byte pass cost 3 ms a query.
 */
export function complementMask(mask: Uint8Array, within: Uint8Array | null): void {
  let d = 0;
  if (mask.byteOffset % 4 === 0 && (within === null || within.byteOffset % 4 === 0)) {
    const words = new Uint32Array(mask.buffer, mask.byteOffset, mask.length >>> 2);
    const allowed = within && new Uint32Array(within.buffer, within.byteOffset, mask.length >>> 2);
    for (let w = 0; w < words.length; w++) words[w] = ~words[w] & (allowed ? allowed[w] : 0x01010101) & 0x01010101;
    d = words.length * 4;
  }
  for (; d < mask.length; d++) mask[d] = (within ? within[d] : 1) & (mask[d] ^ 1);
}

/**
 * The allowed documents in ascending order, or null when there are more than `max`. Counted first (allowedCount),
 * so that a filter over the limit costs no list, then filled skipping four zero bytes at a time where the filter
 * is aligned: a narrow filter (a phrase) is mostly zero. At 2.8M papers, gathering a phrase's 63,000 papers into a
 * growing array only to find them over the limit cost 9 ms a query.
 */
export function allowedList(allowed: Uint8Array, max = Number.POSITIVE_INFINITY): Int32Array | null {
  const count = allowedCount(allowed, max);
  if (count > max) return null;
  const out = new Int32Array(count);
  let n = 0;
  let d = 0;
  if (allowed.byteOffset % 4 === 0) {
    const words = new Uint32Array(allowed.buffer, allowed.byteOffset, allowed.length >>> 2);
    for (let w = 0; w < words.length; w++) {
      if (words[w] === 0) continue;
      for (let b = w * 4; b < w * 4 + 4; b++) if (allowed[b] !== 0) out[n++] = b;
    }
    d = words.length * 4;
  }
  for (; d < allowed.length; d++) if (allowed[d] !== 0) out[n++] = d;
  return out;
}

/**
 * Scores only the given documents (ascending), probing each term by its bitmap or by galloping search. For a narrow
 * filter (a quoted phrase, an author): MaxScore would walk the words' whole lists without ever filling its top k
 * when the phrase matches fewer than k papers (55 ms at 1M papers), where this costs a few probes per candidate.
 */
export function topKCandidates(index: LexicalIndex, query: QueryTerm[], k: number, candidates: Int32Array, longList = LONG_LIST_POSTINGS): TopK {
  if (k <= 0) return { docs: new Int32Array(0), scores: new Float64Array(0) };
  const terms = scoringTerms(index, query);
  const n = terms.length;
  const cursors = perTerm(terms, (q) => new DocCursor(index).open(q.term));
  const dense = perTerm(terms, (q) => denseOf(index, q.term, longList));
  const impacts = index.impacts;
  const levels = index.impactLevels;
  const heap = new TopKHeap(k);
  for (let j = 0; j < candidates.length; j++) {
    const d = candidates[j];
    let score = 0;
    let matched = false;
    for (let i = 0; i < n; i++) {
      const p = probe(cursors[i], dense[i], d);
      if (p >= 0) {
        score += terms[i].weight * levels[impacts[p]];
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
  const cursors = perTerm(terms, (q) => new DocCursor(index).open(q.term));
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
        c.addUntil(limit, acc, base, w, impacts, levels);
      } else {
        for (; c.doc < limit; c.next()) {
          const o = c.doc - base;
          if (acc[o] === 0) touched[count++] = o;
          acc[o] += w * levels[impacts[c.pos]];
        }
      }
    }
    // Offer in document order. Only a score above the k-th best (any positive score while the heap fills) takes the
    // branch: testing "score === 0" first mispredicted on the fifth of documents that scored and made the sweep five
    // times slower (3 ms per million documents → 0.6 ms). A swept block is cleared afterwards in one fill.
    let threshold = heap.full ? heap.threshold : 0;
    if (sweep) {
      const last = Math.min(block, index.docCount - base);
      for (let o = 0; o < last; o++) {
        if (acc[o] > threshold && (allowed === null || allowed[base + o] !== 0)) {
          heap.offer(base + o, acc[o]);
          threshold = heap.full ? heap.threshold : 0;
        }
      }
      acc.fill(0, 0, last);
      continue;
    }
    const offsets = touched.subarray(0, count).sort();
    for (let i = 0; i < count; i++) {
      const o = offsets[i];
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
  const others = perTerm(rest, (t) => new DocCursor(index).open(t));
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
    const cursors = perTerm(termIdsList, (t) => new DocCursor(index).open(t));
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
