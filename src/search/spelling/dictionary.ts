// The corpus's own spelling dictionary: the surface words of titles and abstracts with their document frequencies,
// and a symmetric-delete index over them (SymSpell, Garbe 2012) to find the words within edit distance 2 of a query
// word without comparing it against every word. Every dictionary word of length ≥ 4 registers the strings obtained
// by deleting up to two letters from its first PREFIX letters; a query word generates the same deletes of its own
// prefix, and any dictionary word sharing one of them is a candidate, checked with the real (Damerau) distance.
//
// Everything is flat typed arrays and one string: the deletes are 32-bit hashes in a sorted table (collisions only
// add candidates the distance check rejects), so at the 74k real papers the dictionary takes a few megabytes where
// a Map of delete strings takes hundreds (docs/search.md, "Spelling", has the measurements). Pure and immutable:
// built once from (word, df) pairs; a snapshot stores its arrays as they are (snapshot.ts).
import { editDistance } from './edit-distance.ts';

/** Deletes are generated from this many leading letters (SymSpell's prefix length). */
const PREFIX = 7;
/** Largest edit distance looked up. */
export const MAX_DISTANCE = 2;
/** Words shorter than this are neither indexed nor corrected: too many short words lie within two edits. */
export const MIN_WORD_LENGTH = 4;
const MAX_WORD_LENGTH = 24;

export interface SpellingData {
  /** Dictionary words concatenated; word i is words[ends[i-1] .. ends[i]). */
  words: string;
  ends: Uint32Array;
  /** Papers containing each word (title or abstract). */
  df: Uint32Array;
  /** Sorted distinct delete hashes; delete k's words are wordIds[offsets[k] .. offsets[k+1]). */
  deleteHashes: Uint32Array;
  deleteOffsets: Uint32Array;
  wordIds: Uint32Array;
}

export interface Suggestion {
  word: string;
  df: number;
  distance: number;
}

/** What a spelling correction consults: one dictionary, or a collection's (base and delta: collection.ts). */
export interface SpellingLookup {
  /** The dictionary words within `maxDistance` edits of `word` (lower case), closest first, then most frequent. */
  suggestions(word: string, maxDistance?: number): Suggestion[];
}

/** Words seen in fewer papers than this are not offered as spelling corrections (more on very large corpora). */
export function spellingMinDf(docCount: number): number {
  return Math.max(3, Math.ceil(docCount / 200_000));
}

/** FNV-1a over the UTF-16 code units of s[from..to), skipping one or two positions. */
function hashDelete(s: string, skipA: number, skipB: number): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    if (i === skipA || i === skipB) continue;
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Hashes of the word's prefix with 0, 1 or 2 letters deleted (duplicates possible; callers tolerate them). */
function deleteHashes(word: string, maxDistance: number, out: number[]): void {
  const p = word.length > PREFIX ? word.slice(0, PREFIX) : word;
  out.push(hashDelete(p, -1, -1));
  if (maxDistance < 1) return;
  for (let a = 0; a < p.length; a++) {
    out.push(hashDelete(p, a, -1));
    if (maxDistance < 2) continue;
    for (let b = a + 1; b < p.length; b++) out.push(hashDelete(p, a, b));
  }
}

export function buildSpellingData(entries: Iterable<{ word: string; df: number }>): SpellingData {
  const words: string[] = [];
  const dfs: number[] = [];
  for (const { word, df } of entries) {
    if (word.length < MIN_WORD_LENGTH || word.length > MAX_WORD_LENGTH) continue;
    words.push(word);
    dfs.push(df);
  }
  // (hash, word) pairs packed in one double each: hash · 2^21 + word id, so one numeric sort groups them.
  if (words.length >= 2 ** 21) throw new RangeError(`spelling dictionary: ${words.length} words is more than 2^21`);
  const hashes: number[] = [];
  let pairs = new Float64Array(words.length * 20);
  let n = 0;
  words.forEach((w, id) => {
    hashes.length = 0;
    deleteHashes(w, MAX_DISTANCE, hashes);
    hashes.sort((a, b) => a - b);
    for (let i = 0; i < hashes.length; i++) {
      if (i > 0 && hashes[i] === hashes[i - 1]) continue;
      if (n === pairs.length) {
        const next = new Float64Array(pairs.length * 2);
        next.set(pairs);
        pairs = next;
      }
      pairs[n++] = hashes[i] * 2 ** 21 + id;
    }
  });
  const sorted = pairs.subarray(0, n).sort();
  const wordIds = new Uint32Array(n);
  const distinct: number[] = [];
  const offsets: number[] = [];
  let last = -1;
  for (let i = 0; i < n; i++) {
    const hash = Math.floor(sorted[i] / 2 ** 21);
    wordIds[i] = sorted[i] - hash * 2 ** 21;
    if (hash !== last) {
      distinct.push(hash);
      offsets.push(i);
      last = hash;
    }
  }
  offsets.push(n);
  const ends = new Uint32Array(words.length);
  let at = 0;
  words.forEach((w, i) => {
    ends[i] = at += w.length;
  });
  return {
    words: words.join(''),
    ends,
    df: Uint32Array.from(dfs),
    deleteHashes: Uint32Array.from(distinct),
    deleteOffsets: Uint32Array.from(offsets),
    wordIds,
  };
}

export class SpellingDictionary implements SpellingLookup {
  /** Per-lookup marks of candidates already checked (the lookup number that last saw each word). */
  private readonly seen: Uint32Array;
  private lookups = 0;

  constructor(readonly data: SpellingData) {
    this.seen = new Uint32Array(data.df.length);
  }

  get size(): number {
    return this.data.df.length;
  }

  /** Bytes held by the arrays and the word string. */
  byteLength(): number {
    const d = this.data;
    return (
      d.words.length * 2 +
      d.ends.byteLength +
      d.df.byteLength +
      d.deleteHashes.byteLength +
      d.deleteOffsets.byteLength +
      d.wordIds.byteLength +
      this.seen.byteLength
    );
  }

  word(i: number): string {
    return this.data.words.slice(i ? this.data.ends[i - 1] : 0, this.data.ends[i]);
  }

  /**
   * The dictionary words within `maxDistance` edits of `word` (lower case), closest first, then most frequent.
   * Words shorter than MIN_WORD_LENGTH get none.
   */
  suggestions(word: string, maxDistance = MAX_DISTANCE): Suggestion[] {
    if (word.length < MIN_WORD_LENGTH || word.length > MAX_WORD_LENGTH + MAX_DISTANCE) return [];
    const d = this.data;
    const hashes: number[] = [];
    deleteHashes(word, Math.min(maxDistance, MAX_DISTANCE), hashes);
    if (++this.lookups === 0xffffffff) {
      this.seen.fill(0);
      this.lookups = 1;
    }
    const stamp = this.lookups;
    const out: Suggestion[] = [];
    for (const h of hashes) {
      const k = lowerBound(d.deleteHashes, h);
      if (k === d.deleteHashes.length || d.deleteHashes[k] !== h) continue;
      for (let j = d.deleteOffsets[k]; j < d.deleteOffsets[k + 1]; j++) {
        const id = d.wordIds[j];
        if (this.seen[id] === stamp) continue;
        this.seen[id] = stamp;
        const start = id ? d.ends[id - 1] : 0;
        const length = d.ends[id] - start;
        if (Math.abs(length - word.length) > maxDistance) continue;
        const candidate = d.words.slice(start, d.ends[id]);
        const distance = editDistance(word, candidate, maxDistance);
        if (distance <= maxDistance) out.push({ word: candidate, df: d.df[id], distance });
      }
    }
    return out.sort(bySuggestionOrder);
  }
}

/** Closest first, then most frequent, then alphabetical. */
export function bySuggestionOrder(a: Suggestion, b: Suggestion): number {
  return a.distance - b.distance || b.df - a.df || (a.word < b.word ? -1 : 1);
}

function lowerBound(xs: Uint32Array, x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
