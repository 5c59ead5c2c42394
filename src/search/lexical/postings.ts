// The document numbers of the posting lists, block-compressed. Each term's ascending documents are cut into
// blocks of 128 postings; a block keeps its first document in full and the other 127 as gaps (minus one),
// bit-packed at the width of the block's largest gap. At 1M papers that is about 1.5 bytes a posting with the block
// headers (420 MB) where plain 32-bit documents took four (1.1 GB), and a cursor still skips whole blocks by their
// first documents.
//
// Postings keep their global positions (offsets[t] + rank within the term), so impacts stay a flat array.

export const BLOCK_POSTINGS = 128;

/** Lists shorter than this are walked and probed as they are: a high-impact tier or a bitmap would save little. */
export const LONG_LIST_POSTINGS = 50_000;

/** Past the last posting of a list: larger than any document number. */
export const END_OF_LIST = 0x7fffffff;

export interface PackedDocs {
  /** Postings of term t are positions offsets[t] .. offsets[t + 1]. */
  offsets: Uint32Array;
  /** Blocks of term t are blocks termBlocks[t] .. termBlocks[t + 1]. */
  termBlocks: Uint32Array;
  /** First document of each block. */
  blockFirst: Int32Array;
  /** Where each block's gaps start in packedGaps (in 32-bit words), and their width in bits. */
  blockWords: Uint32Array;
  blockBits: Uint8Array;
  packedGaps: Uint32Array;
}

const bitsFor = (gap: number) => 32 - Math.clz32(gap);

/** Packs `docs` (ascending within each term's range of `offsets`). */
export function packDocs(docs: Int32Array, offsets: Uint32Array): Omit<PackedDocs, 'offsets'> {
  const terms = offsets.length - 1;
  const termBlocks = new Uint32Array(terms + 1);
  for (let t = 0; t < terms; t++) termBlocks[t + 1] = termBlocks[t] + Math.ceil((offsets[t + 1] - offsets[t]) / BLOCK_POSTINGS);
  const blocks = termBlocks[terms];
  const blockFirst = new Int32Array(blocks);
  const blockWords = new Uint32Array(blocks);
  const blockBits = new Uint8Array(blocks);
  // Two passes: widths and sizes first, so the packed array is allocated once at its exact size.
  let words = 0;
  for (let t = 0; t < terms; t++) {
    for (let b = termBlocks[t], start = offsets[t]; b < termBlocks[t + 1]; b++, start += BLOCK_POSTINGS) {
      const end = Math.min(start + BLOCK_POSTINGS, offsets[t + 1]);
      let widest = 0;
      for (let p = start + 1; p < end; p++) widest |= docs[p] - docs[p - 1] - 1;
      blockFirst[b] = docs[start];
      blockWords[b] = words;
      blockBits[b] = bitsFor(widest);
      words += Math.ceil(((end - start - 1) * blockBits[b]) / 32);
    }
  }
  const packedGaps = new Uint32Array(words);
  for (let t = 0; t < terms; t++) {
    for (let b = termBlocks[t], start = offsets[t]; b < termBlocks[t + 1]; b++, start += BLOCK_POSTINGS) {
      packGaps(packedGaps, blockWords[b], blockBits[b], docs, start, Math.min(start + BLOCK_POSTINGS, offsets[t + 1]));
    }
  }
  return { termBlocks, blockFirst, blockWords, blockBits, packedGaps };
}

/**
 * Writes the gaps (minus one) of docs[start + 1 .. end) at `bits` bits each into `packedGaps` from word `wordAt`,
 * lowest bits first. The position is kept as a word and a shift: a bit count (wordAt × 32) passes 2^32 from word
 * 2^27 on (512 MB of gaps, reached at 2.8M papers), where 32-bit shifts wrapped it and the gaps overwrote the
 * first words.
 */
export function packGaps(packedGaps: Uint32Array, wordAt: number, bits: number, docs: Int32Array, start: number, end: number): void {
  if (bits === 0) return;
  let word = wordAt;
  let shift = 0;
  for (let p = start + 1; p < end; p++) {
    const gap = docs[p] - docs[p - 1] - 1;
    packedGaps[word] |= gap << shift;
    if (shift + bits > 32) packedGaps[word + 1] |= gap >>> (32 - shift);
    shift += bits;
    if (shift >= 32) {
      word++;
      shift -= 32;
    }
  }
}

/**
 * Walks one term's postings in document order: `doc` is the current document (END_OF_LIST when done) and `pos`
 * its global posting position. One block at a time is decoded into a small buffer.
 */
export class DocCursor {
  doc = END_OF_LIST;
  private readonly buffer = new Int32Array(BLOCK_POSTINGS);
  /** Index of the current posting in the buffer, and the buffer's length. */
  private at = 0;
  private length = 0;
  private block = 0;
  private lastBlock = 0;
  /** Global position of the buffer's first posting; end of the term's postings. */
  private blockStart = 0;
  private end = 0;

  constructor(private readonly lists: PackedDocs) {}

  /** Positions the cursor on the first posting of `term`. */
  open(term: number): this {
    this.block = this.lists.termBlocks[term];
    this.lastBlock = this.lists.termBlocks[term + 1];
    this.blockStart = this.lists.offsets[term];
    this.end = this.lists.offsets[term + 1];
    if (this.block < this.lastBlock) this.load();
    else this.finish();
    return this;
  }

  /** Global position of the current posting (where its impact is). */
  get pos(): number {
    return this.blockStart + this.at;
  }

  /** Postings left, the current one included. */
  get remaining(): number {
    return this.end - this.blockStart - this.at;
  }

  next(): void {
    if (++this.at < this.length) this.doc = this.buffer[this.at];
    else this.nextBlock();
  }

  /** Moves to the first posting with a document ≥ target (never backwards). */
  seek(target: number): void {
    if (this.doc >= target) return;
    const first = this.lists.blockFirst;
    if (this.block + 1 < this.lastBlock && first[this.block + 1] <= target) {
      // Gallop over the blocks' first documents, then binary search: the last block starting at or before target.
      let lo = this.block + 1;
      let step = 1;
      let hi = lo + 1;
      while (hi < this.lastBlock && first[hi] <= target) {
        lo = hi;
        step <<= 1;
        hi = lo + step;
      }
      if (hi > this.lastBlock) hi = this.lastBlock;
      while (lo + 1 < hi) {
        const mid = (lo + hi) >>> 1;
        if (first[mid] <= target) lo = mid;
        else hi = mid;
      }
      this.blockStart += (lo - this.block) * BLOCK_POSTINGS;
      this.block = lo;
      this.load();
    }
    // The target is in this block or before the next one's first document.
    const buffer = this.buffer;
    let at = this.at;
    while (at < this.length && buffer[at] < target) at++;
    if (at < this.length) {
      this.at = at;
      this.doc = buffer[at];
    } else {
      this.at = this.length - 1;
      this.nextBlock();
    }
  }

  /**
   * Adds weight × impact of every posting before document `limit` into acc[doc - base] and stops at the first posting
   * at or past it: accumulation's inner loop, run over the decoded block without a call per posting.
   */
  addUntil(limit: number, acc: Float64Array, base: number, weight: number, impacts: Uint8Array, levels: Float64Array): void {
    const buffer = this.buffer;
    while (this.doc < limit) {
      const start = this.blockStart;
      const length = this.length;
      let at = this.at;
      let doc = buffer[at];
      while (doc < limit) {
        acc[doc - base] += weight * levels[impacts[start + at]];
        if (++at === length) break;
        doc = buffer[at];
      }
      if (at < length) {
        this.at = at;
        this.doc = doc;
        return;
      }
      this.at = length - 1;
      this.nextBlock();
    }
  }

  private nextBlock(): void {
    if (++this.block < this.lastBlock) {
      this.blockStart += BLOCK_POSTINGS;
      this.load();
    } else {
      this.finish();
    }
  }

  private finish(): void {
    this.doc = END_OF_LIST;
    this.blockStart = this.end;
    this.at = 0;
    this.length = 0;
  }

  /** Decodes the current block and points at its first posting. */
  private load(): void {
    const b = this.block;
    const { blockFirst, blockBits, blockWords, packedGaps } = this.lists;
    const n = Math.min(BLOCK_POSTINGS, this.end - this.blockStart);
    const out = this.buffer;
    let doc = blockFirst[b];
    out[0] = doc;
    const bits = blockBits[b];
    if (bits === 0) {
      for (let j = 1; j < n; j++) out[j] = ++doc;
    } else {
      const mask = (2 ** bits - 1) | 0; // gaps are below 2^31: at most 31 bits
      // `word` holds the `free` bits of the current 32-bit word not yet read, lowest first.
      let at = blockWords[b];
      let word = packedGaps[at++];
      let free = 32;
      for (let j = 1; j < n; j++) {
        let gap: number;
        if (free >= bits) {
          gap = word & mask;
          word >>>= bits;
          free -= bits;
        } else {
          const next = packedGaps[at++];
          gap = (word | (next << free)) & mask;
          word = next >>> (bits - free);
          free += 32 - bits;
        }
        doc += gap + 1;
        out[j] = doc;
      }
    }
    this.length = n;
    this.at = 0;
    this.doc = out[0];
  }
}

/** All documents of a term, decoded (tests, small lists). */
export function termDocs(lists: PackedDocs, term: number): Int32Array {
  const out = new Int32Array(lists.offsets[term + 1] - lists.offsets[term]);
  const cursor = new DocCursor(lists).open(term);
  for (let i = 0; cursor.doc !== END_OF_LIST; i++, cursor.next()) out[i] = cursor.doc;
  return out;
}
