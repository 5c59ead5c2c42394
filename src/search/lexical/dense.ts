// Membership bitmaps for the densest posting lists, so that MaxScore (topk.ts) can probe a common word in constant
// time. Probing a packed list means decoding the 128-posting block that holds the document; when the candidates are
// a few dozen documents apart and the list holds every second or third paper, nearly every block of the list gets
// decoded and scanned to answer a few probes each. A bitmap says in one word whether the document is in the list,
// and a count of the postings before each 32-bit word gives the posting's position (for its impact). Bitmaps are made
// from the loaded index on first use and cached per index within a bound, like tiers.
import type { LexicalIndex } from './index.ts';
import { DocCursor, END_OF_LIST, LONG_LIST_POSTINGS } from './postings.ts';
import { TermCache } from './term-cache.ts';

export interface DenseList {
  /** Bit d of the bitmap is set when document d is in the list. */
  bits: Uint32Array;
  /** The list's postings in the words before each 32-bit word, plus the list's first global position. */
  before: Uint32Array;
}

/** What a list without a bitmap is given: every slot holds a bitmap-shaped object, so the probe sees one shape. */
export const NO_BITMAP: DenseList = { bits: new Uint32Array(0), before: new Uint32Array(0) };

/** A long list holding at least this share of the documents gets a bitmap (2 bits a document with the counts). */
export const DENSE_MIN_SHARE = 1 / 16;
/** Cached bitmaps of one index take at most this many bytes; the oldest are dropped. */
const CACHE_MAX_BYTES = 96 * 1024 * 1024;

const cache = new TermCache<DenseList>(CACHE_MAX_BYTES, (list) => list.bits.byteLength + list.before.byteLength);

/** The bitmap of `term`, made now or taken from the cache; NO_BITMAP when the list is too sparse to need one. */
export function denseOf(index: LexicalIndex, term: number, minPostings = LONG_LIST_POSTINGS): DenseList {
  const length = index.offsets[term + 1] - index.offsets[term];
  if (length < minPostings || length < index.docCount * DENSE_MIN_SHARE) return NO_BITMAP;
  return cache.get(index, term, () => makeDense(index, term));
}

function makeDense(index: LexicalIndex, term: number): DenseList {
  const words = (index.docCount + 31) >>> 5;
  const bits = new Uint32Array(words);
  for (const c = new DocCursor(index).open(term); c.doc !== END_OF_LIST; c.next()) bits[c.doc >>> 5] |= 1 << (c.doc & 31);
  const before = new Uint32Array(words);
  let count = index.offsets[term];
  for (let w = 0; w < words; w++) {
    before[w] = count;
    count += popcount(bits[w]);
  }
  return { bits, before };
}

/** The global position of `doc`'s posting in the list (where its impact is), or -1 when the list does not hold it. */
export function densePosition(list: DenseList, doc: number): number {
  const word = list.bits[doc >>> 5];
  const shift = doc & 31;
  if (((word >>> shift) & 1) === 0) return -1;
  // (1 << 31) - 1 wraps to 0x7fffffff under the bitwise and: the bits below the 32nd.
  return list.before[doc >>> 5] + popcount(word & ((1 << shift) - 1));
}

function popcount(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  v = (v + (v >>> 4)) & 0x0f0f0f0f;
  return Math.imul(v, 0x01010101) >>> 24;
}
