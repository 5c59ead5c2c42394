// The high-impact tier of a long posting list: its postings whose impact is among the list's highest (mostly the
// papers with the word in their title, which BM25F weighs several times an abstract word), and the largest impact of
// all the others. MaxScore (topk.ts) may then walk a common word's tier, a thirtieth of its list, and only probe
// the rest of the list, bounded by that lower impact. Tiers are cut from the loaded index on first use (a pass over
// the list: about 10 ms for a million postings) and kept per index, within a bound on their total size.
import type { LexicalIndex } from './index.ts';
import { DocCursor, END_OF_LIST, LONG_LIST_POSTINGS } from './postings.ts';
import { TermCache } from './term-cache.ts';

export interface Tier {
  /** Documents of the tier's postings, ascending, and each one's impact level. */
  docs: Int32Array;
  levels: Float64Array;
  /** The largest impact level among the postings outside the tier. */
  low: number;
}

/** A tier holds at most this share of its list. */
export const TIER_SHARE = 1 / 32;
/** Cached tiers of one index hold at most this many postings in all (12 bytes each); the oldest are dropped. */
const CACHE_MAX_POSTINGS = 4_000_000;

const cache = new TermCache<Tier | null>(CACHE_MAX_POSTINGS, (tier) => tier?.docs.length ?? 0);

/** The tier of `term`, cut now or taken from the cache; null when the list is short or has no tier worth the name. */
export function tierOf(index: LexicalIndex, term: number, minPostings = LONG_LIST_POSTINGS): Tier | null {
  if (index.offsets[term + 1] - index.offsets[term] < minPostings) return null;
  return cache.get(index, term, () => cutTier(index, term));
}

/**
 * Cuts at the lowest impact level that keeps the tier within its share of the list (by the list's histogram of
 * impact codes). Null when even the highest level alone is over that share (a word in nine papers of ten, all with
 * about the same small impact): the list has no small high tier.
 */
export function cutTier(index: LexicalIndex, term: number): Tier | null {
  const from = index.offsets[term];
  const to = index.offsets[term + 1];
  const { impacts, impactLevels: levels } = index;
  const count = new Float64Array(256);
  for (let p = from; p < to; p++) count[impacts[p]]++;
  // Codes by level, highest first (levels ascend with codes, but the cut does not rely on it).
  const codes = Array.from({ length: 256 }, (_, c) => c)
    .filter((c) => count[c] > 0)
    .sort((a, b) => levels[b] - levels[a]);
  const allowed = Math.floor((to - from) * TIER_SHARE);
  let kept = 0;
  let cut = 0;
  while (cut < codes.length && kept + count[codes[cut]] <= allowed) kept += count[codes[cut++]];
  if (cut === 0 || cut === codes.length) return null;
  const inTier = new Uint8Array(256);
  for (let i = 0; i < cut; i++) inTier[codes[i]] = 1;
  const docs = new Int32Array(kept);
  const tierLevels = new Float64Array(kept);
  let n = 0;
  for (const c = new DocCursor(index).open(term); c.doc !== END_OF_LIST; c.next()) {
    const code = impacts[c.pos];
    if (inTier[code]) {
      docs[n] = c.doc;
      tierLevels[n++] = levels[code];
    }
  }
  return { docs, levels: tierLevels, low: levels[codes[cut]] };
}
