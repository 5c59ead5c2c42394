// Packed posting lists must give back exactly the documents they were built from, and a cursor must land where a
// search of the plain list would: lists long enough to span many 128-posting blocks, gaps from 1 to near 2^31.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BLOCK_POSTINGS, DocCursor, END_OF_LIST, packDocs, packGaps, termDocs, type PackedDocs } from '../../../src/search/lexical/postings.ts';

/** Ascending lists from gaps: mostly small (dense terms), some up to a billion (rare terms in a huge corpus). */
const gap = fc.oneof(
  { weight: 6, arbitrary: fc.integer({ min: 1, max: 4 }) },
  { weight: 3, arbitrary: fc.integer({ min: 1, max: 5000 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 1 << 30 }) },
);
const list = fc.tuple(fc.integer({ min: 0, max: 1000 }), fc.array(gap, { maxLength: 700 })).map(([first, gaps]) => {
  const docs = [first];
  for (const g of gaps) {
    const next = docs[docs.length - 1] + g;
    if (next >= END_OF_LIST) break;
    docs.push(next);
  }
  return docs;
});
const lists = fc.array(fc.oneof(list, fc.constant([] as number[])), { minLength: 1, maxLength: 6 });

function pack(termLists: number[][]): PackedDocs {
  const offsets = new Uint32Array(termLists.length + 1);
  termLists.forEach((l, t) => {
    offsets[t + 1] = offsets[t] + l.length;
  });
  return { offsets, ...packDocs(Int32Array.from(termLists.flat()), offsets) };
}

describe('packed postings', () => {
  it('decode to the documents they were packed from, at their positions', () => {
    fc.assert(
      fc.property(lists, (termLists) => {
        const packed = pack(termLists);
        termLists.forEach((l, t) => {
          expect(Array.from(termDocs(packed, t))).toEqual(l);
          const cursor = new DocCursor(packed).open(t);
          for (let i = 0; i < l.length; i++, cursor.next()) {
            expect(cursor.pos).toBe(packed.offsets[t] + i);
            expect(cursor.remaining).toBe(l.length - i);
          }
          expect(cursor.doc).toBe(END_OF_LIST);
          expect(cursor.remaining).toBe(0);
        });
      }),
      { numRuns: 200 },
    );
  });

  it('seek lands on the first document at or after the target, never moving back', () => {
    fc.assert(
      fc.property(lists, fc.array(fc.nat(), { minLength: 1, maxLength: 30 }), fc.nat(5), (termLists, rawTargets, which) => {
        const packed = pack(termLists);
        const t = which % termLists.length;
        const l = termLists[t];
        const top = (l[l.length - 1] ?? 0) + 2;
        // Targets in the list's range, ascending or not: a cursor only moves forward.
        const targets = rawTargets.map((x) => x % top);
        const cursor = new DocCursor(packed).open(t);
        let expected = 0;
        for (const target of targets) {
          while (expected < l.length && l[expected] < target) expected++;
          cursor.seek(target);
          if (expected < l.length) {
            expect(cursor.doc).toBe(l[expected]);
            expect(cursor.pos).toBe(packed.offsets[t] + expected);
          } else {
            expect(cursor.doc).toBe(END_OF_LIST);
          }
        }
      }),
      { numRuns: 300 },
    );
  });

  it('take about a byte a posting on dense lists', () => {
    const docs = Array.from({ length: 100 * BLOCK_POSTINGS }, (_, i) => i * 3 + (i % 2));
    const packed = pack([docs]);
    expect(packed.packedGaps.byteLength).toBeLessThanOrEqual(docs.length);
    expect(Array.from(termDocs(packed, 0))).toEqual(docs);
  });

  it('are written past the 2^27th word (2^32 bits) where they belong, not over the first words', () => {
    // At 2.8M papers the gaps fill 268M words; a bit position counted in 32 bits wrapped there and the gaps of
    // the later half were written over the first lists. Only the pages written are committed, not 512 MB.
    const wordAt = 2 ** 27 + 3;
    const packedGaps = new Uint32Array(wordAt + 64);
    const docs = Int32Array.from({ length: BLOCK_POSTINGS }, (_, i) => i * 700 + (i % 3));
    const bits = 10;
    packGaps(packedGaps, wordAt, bits, docs, 0, docs.length);
    expect(packedGaps.subarray(0, 64).every((w) => w === 0)).toBe(true);
    const packed: PackedDocs = {
      offsets: Uint32Array.of(0, docs.length),
      termBlocks: Uint32Array.of(0, 1),
      blockFirst: Int32Array.of(docs[0]),
      blockWords: Uint32Array.of(wordAt),
      blockBits: Uint8Array.of(bits),
      packedGaps,
    };
    expect(Array.from(termDocs(packed, 0))).toEqual(Array.from(docs));
  });
});
