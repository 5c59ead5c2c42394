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
  topKCovered,
  topKExhaustive,
  topKMaxScore,
  EssentialSplit,
  complementMask,
  allowedCount,
  allowedList,
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
  const slow = topKExhaustive(index, query, k, allowed);
  // Impacts are 16-bit integers and weights small integers, so sums are exact in any order: the two must agree
  // exactly, ties included (lower document first). MaxScore and the probing paths run as they do on these small
  // lists (no tiers, no bitmaps) and with every list of 32 postings or more long: split into its high-impact tier
  // and the rest, and probed by its bitmap when it holds a 16th of the documents.
  const candidates = Int32Array.from({ length: index.docCount }, (_, d) => d).filter((d) => allowed === null || allowed[d] !== 0);
  for (const longList of [undefined, 32]) {
    const fast = topKMaxScore(index, query, k, allowed, longList);
    expect([...fast.docs]).toEqual([...slow.docs]);
    expect([...fast.scores]).toEqual([...slow.scores]);
    const probed = topKCandidates(index, query, k, candidates, longList);
    expect([...probed.docs]).toEqual([...slow.docs]);
    expect([...probed.scores]).toEqual([...slow.scores]);
  }
  const chosen = topK(index, query, k, allowed);
  expect([...chosen.docs]).toEqual([...slow.docs]);
  // Each query term's list as the one that holds every allowed document (as a quoted phrase's pair does).
  for (const { term } of query.slice(0, 3)) {
    const within = Uint8Array.from({ length: index.docCount }, (_, d) => (allowed === null ? 1 : allowed[d]));
    const covered = conjunction(index, [term], within);
    const expected = topKExhaustive(index, query, k, covered);
    for (const got of [topKCovered(index, query, k, covered, term), topKCovered(index, query, k, covered, term, 32), topK(index, query, k, covered, term)]) {
      expect([...got.docs]).toEqual([...expected.docs]);
      expect([...got.scores]).toEqual([...expected.scores]);
    }
  }
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

  it('on larger corpora with a few weighted words, where the essential split changes as θ rises', () => {
    // Long lists of common words and short ones of rare words, weighted unevenly: MaxScore re-splits its lists as
    // the k-th score rises, and a list it probed may come to drive the traversal again.
    const common = fc.constantFrom('graph', 'neural', 'network', 'model');
    const rare = fc.constantFrom('diffusion', 'sparse', 'token', 'robot', 'gpt-4', '3d');
    const words = fc.array(fc.oneof({ arbitrary: common, weight: 6 }, { arbitrary: rare, weight: 1 }), { minLength: 1, maxLength: 12 });
    const paper: fc.Arbitrary<IndexDoc> = fc.record({
      title: words.map((w) => w.join(' ')),
      abstract: words.map((w) => w.join(' ')),
      authors: fc.constant<string[]>([]),
      categories: fc.constant<string[]>([]),
    });
    fc.assert(
      fc.property(
        fc.array(paper, { minLength: 50, maxLength: 300 }),
        fc.array(
          fc.record({
            word: fc.constantFrom('graph', 'neural', 'network', 'model', 'diffusion', 'sparse', 'token', 'robot'),
            weight: fc.integer({ min: 1, max: 4 }),
          }),
          {
            minLength: 2,
            maxLength: 5,
          },
        ),
        fc.integer({ min: 1, max: 8 }),
        (docs, words, k) => {
          const index = buildLexicalIndex(docs, DEFAULT_BM25);
          const query = words.flatMap((w) => {
            const term = index.termIds.get(w.word);
            return term === undefined ? [] : [{ term, weight: w.weight }];
          });
          expectSameTopK(index, query, k, null);
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

describe("MaxScore's essential split", () => {
  const probed = (split: EssentialSplit) => [...split.probed].flatMap((p, v) => (p ? [v] : []));

  it('lets a short list with a high bound drive when that leaves fewer postings to walk', () => {
    // "proposing proposed languages" at 2.8M papers: two common words (one typed twice) and two rare word pairs.
    const split = new EssentialSplit([2722, 5227, 5444, 6576], [1_452_681, 2137, 1_397_644, 2372]);
    split.update(-Infinity);
    expect(probed(split)).toEqual([]);
    split.update(10_660);
    // The classic split (smallest bounds probed) would walk the 1.4M postings of the word typed twice.
    expect(probed(split)).toEqual([0, 2]);
  });

  it('keeps the classic split when it walks less', () => {
    const split = new EssentialSplit([6, 3, 4], [100, 90, 10]);
    split.update(5);
    expect(probed(split)).toEqual([1]);
    // At θ = 6 the longest list fits alone and walks less (100 postings left) than the classic split (110).
    split.update(6);
    expect(probed(split)).toEqual([0]);
    split.update(7);
    expect(probed(split)).toEqual([1, 2]);
  });
});

describe('document masks', () => {
  it('complementMask and allowedList agree with byte-by-byte passes, aligned or not', () => {
    fc.assert(
      fc.property(
        fc.array(fc.boolean(), { minLength: 0, maxLength: 70 }),
        fc.option(fc.array(fc.boolean(), { minLength: 71, maxLength: 71 }), { nil: null }),
        fc.integer({ min: 0, max: 1 }),
        (bits, withinBits, shift) => {
          // A shift of one byte makes the views unaligned, as a segment's slice of a larger mask can be.
          const view = (b: boolean[]) =>
            new Uint8Array(b.length + shift)
              .fill(0)
              .map((_, i) => (i >= shift && b[i - shift] ? 1 : 0))
              .subarray(shift);
          const mask = view(bits);
          const within = withinBits ? view(withinBits.slice(0, bits.length)) : null;
          const expected = bits.map((b, d) => ((within ? within[d] : 1) && !b ? 1 : 0));
          complementMask(mask, within);
          expect([...mask]).toEqual(expected);
          expect([...allowedList(mask)!]).toEqual(expected.flatMap((b, d) => (b ? [d] : [])));
        },
      ),
    );
  });

  it('allowedList is null exactly when a filter allows more than its limit, however far the count has to go', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70_000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.nat(), fc.nat(70_000), (length, share, seed, max) => {
        // Masks long enough to span several of allowedCount's chunks (4,096 words), so that its early stop is reached.
        let state = seed || 1;
        const mask = Uint8Array.from({ length }, () => {
          state = (Math.imul(state, 1103515245) + 12345) >>> 0;
          return state / 2 ** 32 < share ? 1 : 0;
        });
        const expected: number[] = [];
        for (let d = 0; d < length; d++) if (mask[d]) expected.push(d);
        const list = allowedList(mask, max);
        if (expected.length > max) expect(list).toBeNull();
        else expect([...list!]).toEqual(expected);
        expect(allowedCount(mask)).toBe(expected.length);
        expect(allowedCount(mask, max) > max).toBe(expected.length > max);
      }),
      { numRuns: 60 },
    );
  });
});
