// The MaxScore top-k path must return exactly what scoring every posting would: same documents in the same order
// (ties broken by lower document number), same scores, on random corpora, queries, weights, k and filters.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildLexicalIndex, DEFAULT_BM25, termCount, type IndexDoc } from '../../../src/search/lexical/index.ts';
import {
  conjunction,
  countMatches,
  topK,
  topKAccumulate,
  topKCandidates,
  topKExhaustive,
  topKMaxScore,
  type QueryTerm,
} from '../../../src/search/lexical/topk.ts';
import { termDocs } from '../../../src/search/lexical/postings.ts';

const VOCAB = [
  'graph',
  'neural',
  'network',
  'diffusion',
  'model',
  'language',
  'vision',
  'robot',
  'policy',
  'learning',
  'sparse',
  'attention',
  'token',
  'image',
  'gpt-4',
  '3d',
];

const word = fc.constantFrom(...VOCAB);
const text = fc.array(word, { minLength: 0, maxLength: 30 }).map((ws) => ws.join(' '));
const doc: fc.Arbitrary<IndexDoc> = fc.record({
  title: text,
  abstract: text,
  authors: fc.array(fc.constantFrom('Ada Lovelace', 'Alan Turing', 'Grace Hopper'), { maxLength: 2 }),
  categories: fc.constant([]),
});

function expectSameTopK(index: ReturnType<typeof buildLexicalIndex>, query: QueryTerm[], k: number, allowed: Uint8Array | null) {
  const fast = topKMaxScore(index, query, k, allowed);
  const slow = topKExhaustive(index, query, k, allowed);
  // Impacts are 16-bit integers and weights small integers, so sums are exact in any order: the two must agree
  // exactly, ties included (lower document first).
  expect([...fast.docs]).toEqual([...slow.docs]);
  expect([...fast.scores]).toEqual([...slow.scores]);
  const candidates = Int32Array.from({ length: index.docCount }, (_, d) => d).filter((d) => allowed === null || allowed[d] !== 0);
  const probed = topKCandidates(index, query, k, candidates);
  expect([...probed.docs]).toEqual([...slow.docs]);
  expect([...probed.scores]).toEqual([...slow.scores]);
  const chosen = topK(index, query, k, allowed);
  expect([...chosen.docs]).toEqual([...slow.docs]);
  for (const block of [undefined, 1, 7]) {
    const acc = topKAccumulate(index, query, k, allowed, block);
    expect([...acc.docs]).toEqual([...slow.docs]);
    expect([...acc.scores]).toEqual([...slow.scores]);
  }
}

describe('MaxScore and accumulation top-k equal brute-force BM25F', () => {
  it('on random corpora, queries, weights and k', () => {
    fc.assert(
      fc.property(
        fc.array(doc, { minLength: 1, maxLength: 60 }),
        fc.array(fc.record({ term: fc.nat(400), weight: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 1, max: 20 }),
        fc.option(fc.array(fc.boolean(), { minLength: 60, maxLength: 60 }), { nil: null }),
        (docs, rawQuery, k, mask) => {
          const index = buildLexicalIndex(docs, DEFAULT_BM25);
          // Words, filter terms and word pairs alike.
          const terms = termCount(index);
          if (!terms) return;
          const query = rawQuery.map((q) => ({ term: q.term % terms, weight: q.weight }));
          const allowed = mask ? Uint8Array.from(mask.slice(0, index.docCount), Number) : null;
          expectSameTopK(index, query, k, allowed);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('with many tied scores (identical documents)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 10 }), (copies, k) => {
        const docs = Array.from({ length: copies }, (_, i) => ({ title: 'graph neural', abstract: i % 3 ? 'network' : 'model', authors: [], categories: [] }));
        const index = buildLexicalIndex(docs, DEFAULT_BM25);
        const query = Array.from({ length: index.termIds.count }, (_, term) => ({ term, weight: 1 }));
        expectSameTopK(index, query, k, null);
      }),
    );
  });

  it('postings are sorted by document and impacts positive for words', () => {
    fc.assert(
      fc.property(fc.array(doc, { minLength: 1, maxLength: 40 }), (docs) => {
        const index = buildLexicalIndex(docs, DEFAULT_BM25);
        for (let id = 0; id < index.termIds.count; id++) {
          const term = index.termIds.at(id);
          const docs = termDocs(index, id);
          for (let i = 1; i < docs.length; i++) expect(docs[i]).toBeGreaterThan(docs[i - 1]);
          if (!term.includes(':')) for (let p = index.offsets[id]; p < index.offsets[id + 1]; p++) expect(index.impacts[p]).toBeGreaterThan(0);
        }
      }),
      { numRuns: 50 },
    );
  });

  it('match counts are exact below the budget, twice in a row (marks are cleared)', () => {
    fc.assert(
      fc.property(
        fc.array(doc, { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(400), { minLength: 1, maxLength: 6 }),
        fc.option(fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), { nil: null }),
        (docs, rawTerms, mask) => {
          const index = buildLexicalIndex(docs, DEFAULT_BM25);
          // Documents with no words at all make an index with no terms to ask for.
          fc.pre(termCount(index) > 0);
          const terms = [...new Set(rawTerms.map((t) => t % termCount(index)))];
          const allowed = mask ? Uint8Array.from(mask.slice(0, index.docCount), Number) : null;
          const matching = new Set<number>();
          for (const t of terms) for (const d of termDocs(index, t)) matching.add(d);
          const expected = [...matching].filter((d) => allowed === null || allowed[d] === 1).length;
          expect(countMatches(index, terms, allowed)).toEqual({ count: expected, exact: true });
          expect(countMatches(index, terms, allowed)).toEqual({ count: expected, exact: true });
        },
      ),
      { numRuns: 100 },
    );
  });

  it('conjunctions keep exactly the documents holding every term (within the filter)', () => {
    fc.assert(
      fc.property(
        fc.array(doc, { minLength: 1, maxLength: 40 }),
        fc.array(fc.nat(400), { minLength: 1, maxLength: 4 }),
        fc.option(fc.array(fc.boolean(), { minLength: 40, maxLength: 40 }), { nil: null }),
        (docs, rawTerms, mask) => {
          const index = buildLexicalIndex(docs, DEFAULT_BM25);
          fc.pre(termCount(index) > 0);
          const terms = rawTerms.map((t) => t % termCount(index));
          const into = mask ? Uint8Array.from(mask.slice(0, index.docCount), Number) : null;
          const has = (t: number, d: number) => termDocs(index, t).includes(d);
          const expected = Array.from({ length: index.docCount }, (_, d) => Number((into === null || into[d] === 1) && terms.every((t) => has(t, d))));
          expect([...conjunction(index, terms, into)]).toEqual(expected);
        },
      ),
      { numRuns: 100 },
    );
  });
});
