// The index drops word pairs seen in fewer than minBigramDf papers and renumbers what is left (pairs looked up by
// binary search in a sorted key array): every kept term must keep exactly its postings, every dropped pair must
// be unknown, on random corpora. Impacts are stored as 8-bit codes whose levels must follow the impacts closely.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/domain/seeded-random.ts';
import {
  buildLexicalIndex,
  DEFAULT_BM25,
  lookupTerm,
  postingCount,
  quantizeImpacts,
  type IndexDoc,
  type LexicalIndex,
} from '../../../src/search/lexical/index.ts';
import { termDocs } from '../../../src/search/lexical/postings.ts';
import { terms } from '../../../src/search/text/analyze.ts';

const VOCAB = ['graph', 'neural', 'network', 'diffusion', 'model', 'language', 'vision', 'robot', 'policy', 'sparse', 'token', 'image'];
const text = fc.array(fc.constantFrom(...VOCAB), { maxLength: 25 }).map((ws) => ws.join(' '));
const doc: fc.Arbitrary<IndexDoc> = fc.record({ title: text, abstract: text, authors: fc.constant([]), categories: fc.constant(['cs.LG']) });

/** Documents of a term's postings (impacts depend on each index's own 8-bit codebook, so they are not compared). */
function postings(index: LexicalIndex, term: number | undefined): number[] {
  if (term === undefined) return [];
  return Array.from(termDocs(index, term));
}

describe('pair dropping and term renumbering', () => {
  it('keeps every word and every pair seen in at least minBigramDf papers, with the same postings', () => {
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 40 }), fc.integer({ min: 2, max: 4 }), (docs, minBigramDf) => {
        const all = buildLexicalIndex(docs, { ...DEFAULT_BM25, minBigramDf: 1 });
        const pruned = buildLexicalIndex(docs, { ...DEFAULT_BM25, minBigramDf });
        expect(postingCount(pruned)).toBeLessThanOrEqual(postingCount(all));
        // Terms as the index stores them (stemmed).
        const stems = VOCAB.map((w) => terms(w)[0]);
        let pairsKept = 0;
        for (const a of stems) {
          expect(postings(pruned, lookupTerm(pruned, a))).toEqual(postings(all, lookupTerm(all, a)));
          for (const b of stems) {
            const pair = `${a} ${b}`;
            const full = postings(all, lookupTerm(all, pair));
            const kept = lookupTerm(pruned, pair);
            if (full.length >= minBigramDf) {
              expect(kept).toBeDefined();
              pairsKept++;
              expect(postings(pruned, kept)).toEqual(full);
            } else {
              expect(kept).toBeUndefined();
            }
          }
        }
        expect(pruned.bigramKeys.length).toBe(pairsKept);
        expect(pruned.offsets.length - 1).toBe(pruned.firstBigram + pruned.bigramKeys.length);
      }),
      { numRuns: 60 },
    );
  });
});

describe('quantizeImpacts', () => {
  it('keeps up to 255 distinct impacts exactly and zero as code 0', () => {
    const wide = Uint16Array.from([0, 5, 900, 5, 65535, 0, 1]);
    const { codes, levels } = quantizeImpacts(wide);
    expect(Array.from(codes, (c) => levels[c])).toEqual([...wide]);
  });

  it('places levels where impacts crowd: within 1% there, order kept, positives stay positive', () => {
    const rand = seededRandom(3);
    // 90% of impacts in a narrow band, the rest spread up to the top of the range.
    const wide = Uint16Array.from({ length: 50_000 }, () => (rand() < 0.9 ? 3000 + Math.floor(rand() * 3000) : 1 + Math.floor(rand() * 65000)));
    const { codes, levels } = quantizeImpacts(wide);
    let worstInBand = 0;
    for (let p = 0; p < wide.length; p++) {
      const level = levels[codes[p]];
      expect(level).toBeGreaterThan(0);
      if (wide[p] >= 3000 && wide[p] < 6000) worstInBand = Math.max(worstInBand, Math.abs(level - wide[p]) / wide[p]);
    }
    expect(worstInBand).toBeLessThan(0.01);
    const order = [...wide.keys()].sort((a, b) => wide[a] - wide[b]);
    for (let i = 1; i < order.length; i++) expect(levels[codes[order[i]]]).toBeGreaterThanOrEqual(levels[codes[order[i - 1]]]);
  });
});
