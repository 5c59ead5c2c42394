// The index drops word pairs seen in fewer than minBigramDf papers and renumbers what is left (pairs looked up by
// binary search in a sorted key array): every kept term must keep exactly its postings, every dropped pair must
// be unknown, on random corpora.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLexicalIndex, DEFAULT_BM25, lookupTerm, type IndexDoc, type LexicalIndex } from '../../../src/search/lexical/index.ts';
import { terms } from '../../../src/search/text/analyze.ts';

const VOCAB = ['graph', 'neural', 'network', 'diffusion', 'model', 'language', 'vision', 'robot', 'policy', 'sparse', 'token', 'image'];
const text = fc.array(fc.constantFrom(...VOCAB), { maxLength: 25 }).map((ws) => ws.join(' '));
const doc: fc.Arbitrary<IndexDoc> = fc.record({ title: text, abstract: text, authors: fc.constant([]), categories: fc.constant(['cs.LG']) });

function postings(index: LexicalIndex, term: number | undefined): number[][] {
  if (term === undefined) return [];
  const out: number[][] = [];
  for (let p = index.offsets[term]; p < index.offsets[term + 1]; p++) out.push([index.docs[p], index.impacts[p]]);
  return out;
}

describe('pair dropping and term renumbering', () => {
  it('keeps every word and every pair seen in at least minBigramDf papers, with the same postings', () => {
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 40 }), fc.integer({ min: 2, max: 4 }), (docs, minBigramDf) => {
        const all = buildLexicalIndex(docs, { ...DEFAULT_BM25, minBigramDf: 1 });
        const pruned = buildLexicalIndex(docs, { ...DEFAULT_BM25, minBigramDf });
        expect(pruned.docs.length).toBeLessThanOrEqual(all.docs.length);
        // Terms as the index stores them (stemmed).
        const stems = VOCAB.map((w) => terms(w)[0]);
        let pairsKept = 0;
        for (const a of stems) {
          // Word postings do not depend on pair dropping (pairs have their own field and length).
          expect(postings(pruned, lookupTerm(pruned, a))).toEqual(postings(all, lookupTerm(all, a)));
          for (const b of stems) {
            const pair = `${a} ${b}`;
            const full = postings(all, lookupTerm(all, pair));
            const kept = lookupTerm(pruned, pair);
            if (full.length >= minBigramDf) {
              expect(kept).toBeDefined();
              pairsKept++;
              expect(postings(pruned, kept).map(([d]) => d)).toEqual(full.map(([d]) => d));
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
