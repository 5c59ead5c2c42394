import { describe, expect, it } from 'vitest';
import { pruneLongQuery, SearchEngine } from '../../../src/search/engine.ts';
import { DEFAULT_BM25 } from '../../../src/search/lexical/index.ts';
import { parseQuery } from '../../../src/search/query.ts';
import { rankSegments } from '../../../src/search/segments.ts';
import { seededRandom } from '../../../src/domain/seeded-random.ts';
import { QuantizedVectors } from '../../../src/search/semantic/quantized.ts';

const docs = [
  { id: 'a', title: 'Speculative decoding', abstract: 'Draft models speed up decoding.', authors: ['Ada Lovelace'], categories: ['cs.CL'], day: '2024-05-01' },
  { id: 'b', title: 'Decoding speculative execution', abstract: 'CPU side channels.', authors: ['Alan Turing'], categories: ['cs.CR'], day: '2025-02-01' },
  { id: 'c', title: 'Diffusion models', abstract: 'Score matching for images.', authors: ['Grace Hopper'], categories: ['cs.CV'], day: '2023-01-01' },
];

describe('SearchEngine', () => {
  for (const minBigramDf of [1, 2] as const) {
    it(`answers phrases in order, also when unique pairs are dropped (minBigramDf ${minBigramDf})`, () => {
      const engine = SearchEngine.build(docs, { ...DEFAULT_BM25, minBigramDf });
      const ranked = engine.rank(parseQuery('"speculative decoding"'), 'lexical', 10, null);
      // With the pair dropped, the phrase degrades to "both words" (b matches too); with it, only a.
      expect(ranked.docs.map((d) => engine.ids.id(d))).toEqual(minBigramDf === 1 ? ['a'] : ['a', 'b']);
    });
  }

  it('applies category, author and year filters; filter-only queries list newest first', () => {
    const engine = SearchEngine.build(docs);
    const ids = (q: string) => engine.rank(parseQuery(q), 'lexical', 10, null).docs.map((d) => engine.ids.id(d));
    expect(ids('decoding cat:cs.CR')).toEqual(['b']);
    expect(ids('decoding author:lovelace')).toEqual(['a']);
    expect(ids('decoding year:2025')).toEqual(['b']);
    expect(ids('year:2023-2025')).toEqual(['b', 'a', 'c']);
    expect(ids('author:nobody')).toEqual([]);
  });

  it('counts the papers matching any query word within the filter, phrases and categories included', () => {
    const VOCAB = ['graph', 'neural', 'network', 'diffusion', 'model', 'sparse', 'token', 'image'];
    const rand = seededRandom(7);
    const words = (n: number) => Array.from({ length: n }, () => VOCAB[Math.floor(rand() * VOCAB.length)]).join(' ');
    const corpus = Array.from({ length: 300 }, (_, i) => ({
      id: `p${i}`,
      title: words(3),
      abstract: words(12),
      authors: [],
      categories: [i % 3 ? 'cs.LG' : 'cs.CV'],
      day: '2024-01-01',
    }));
    const engine = SearchEngine.build(corpus);
    for (let q = 0; q < 40; q++) {
      const [a, b, c] = [words(1), words(1), words(1)];
      const text = [`"${a} ${b}" ${c}`, `${c} "${a}"`, `"${a} ${b}" cat:cs.CV`, `${a} ${c} cat:cs.CV`][q % 4];
      const parsed = parseQuery(text);
      const quoted = [...text.matchAll(/"([^"]+)"/g)].map((m) => m[1].split(' '));
      const free = text
        .replace(/cat:\S+/, '')
        .replace(/"/g, ' ')
        .split(/\s+/)
        .filter(Boolean);
      const expected = corpus.filter(
        (doc) =>
          (!text.includes('cat:') || doc.categories[0] === 'cs.CV') &&
          quoted.every((phrase) => [doc.title, doc.abstract].some((f) => ` ${f} `.includes(` ${phrase.join(' ')} `))) &&
          free.some((w) => `${doc.title} ${doc.abstract}`.split(' ').includes(w)),
      ).length;
      expect(engine.rank(parsed, 'lexical', 10, null).total).toBe(expected);
    }
  });

  it('without vectors, hybrid and semantic fall back to lexical or nothing', () => {
    const engine = SearchEngine.build(docs);
    const q = parseQuery('diffusion');
    expect(engine.rank(q, 'hybrid', 10, null).docs.map((d) => engine.ids.id(d))).toEqual(['c']);
    expect(engine.similar('a', 3)).toEqual([]);
  });
});

describe('pruneLongQuery', () => {
  // Word i appears in i + 1 papers, so lower-numbered words are rarer (higher bound).
  const words = Array.from({ length: 40 }, (_, i) => `w${String.fromCharCode(97 + (i % 26))}${String.fromCharCode(97 + Math.floor(i / 26))}x`);
  const papers = Array.from({ length: 40 }, (_, d) => ({
    id: `p${d}`,
    title: 'paper',
    abstract: words.filter((_, i) => d <= i).join(' '),
    authors: [],
    categories: [],
    day: null,
  }));
  const engine = SearchEngine.build(papers);
  const ix = engine.lexical;
  const query = words.map((w) => ({ term: ix.termIds.get(parseQuery(w).terms.keys().next().value!)!, weight: 2 }));
  const df = (t: number) => ix.offsets[t + 1] - ix.offsets[t];

  it('keeps the rarest terms up to the term cap, damping repeated words', () => {
    const kept = pruneLongQuery(ix, query, 24);
    expect(kept).toHaveLength(24);
    expect(kept.map((t) => df(t.term)).sort((a, b) => a - b)).toEqual(Array.from({ length: 24 }, (_, i) => i + 1));
    expect(kept.every((t) => t.weight === 1 + Math.log(2))).toBe(true);
  });

  it('stops at the postings budget but keeps at least 8 terms', () => {
    // The rarest words have 1, 2, 3, ... postings: 1+…+10 = 55 ≤ 60 < 66.
    expect(pruneLongQuery(ix, query, 24, 60)).toHaveLength(10);
    expect(pruneLongQuery(ix, query, 24, 1)).toHaveLength(8);
  });

  it('leaves short queries alone', () => {
    expect(pruneLongQuery(ix, query.slice(0, 5), 24, 1)).toEqual(query.slice(0, 5));
  });
});

describe('related words in the hybrid rerank', () => {
  const paper = (id: string, title: string, abstract: string) => ({ id, title, abstract, authors: [], categories: [], day: null });
  // "ships" comes before "automobiles" in document order, so on a BM25 tie it ranks first.
  const papers = [
    paper('p1', 'Car engines', 'Engines of cars.'),
    paper('p2', 'Ship engines', 'Engines of ships.'),
    paper('p3', 'Automobile engines', 'Engines of automobiles.'),
    paper('p4', 'Banana bread', 'Baking.'),
  ];
  const base = SearchEngine.build(papers);
  // Every paper has the same vector, so the semantic side cannot tell them apart.
  const engine = new SearchEngine(base.lexical, papers, QuantizedVectors.from(Float32Array.from(papers.flatMap(() => [1, 0])), 2));
  const related = (term: string) => (term === 'car' ? [{ term: 'automobil', similarity: 0.8 }] : []);

  it('credits a paper for a query word it says in other words: similarity² · the relative’s idf', () => {
    // "automobile" in two papers and "car" in one, so the two idfs differ: the relative's counts.
    const more = [...papers, paper('p5', 'Automobile history', 'Old automobiles.')];
    const five = SearchEngine.build(more);
    const credit = five.relatedWordMatch(parseQuery('car engines').terms.keys(), [4, 3, 2, 1, 0], related);
    const automobileIdf = Math.log(1 + (5 - 2 + 0.5) / (2 + 0.5));
    expect(credit[0]).toBeCloseTo(0.64 * automobileIdf, 12);
    expect(credit[1]).toBe(0);
    expect(credit[2]).toBeCloseTo(0.64 * automobileIdf, 12);
    expect(credit[3]).toBe(0);
    expect(credit[4]).toBe(0); // has "car" itself: BM25 already counts it
  });

  it('lifts the paper that says the query word differently above one that lacks it', () => {
    const parsed = parseQuery('car engines');
    const ids = (r: { docs: number[] }) => r.docs.map((d) => engine.ids.id(d));
    expect(ids(engine.rank(parsed, 'hybrid', 3, Float32Array.from([1, 0])))).toEqual(['p1', 'p2', 'p3']);
    expect(ids(engine.rank(parsed, 'hybrid', 3, Float32Array.from([1, 0]), related))).toEqual(['p1', 'p3', 'p2']);
  });
});

describe('ranking within a set of papers', () => {
  it("leaves the caller's mask as it was, with or without filters and tombstones", () => {
    const first = SearchEngine.build(docs);
    const second = SearchEngine.build(docs.map((d) => ({ ...d, id: `${d.id}2` })));
    // The first segment's paper b is superseded; the second segment is whole.
    const segments = [
      { engine: first, offset: 0, live: Uint8Array.of(1, 0, 1) },
      { engine: second, offset: 3, live: null },
    ];
    for (const q of ['decoding', 'decoding year:2025', '"speculative decoding"', 'year:2023-2024']) {
      const within = Uint8Array.of(1, 1, 0, 1, 1, 0);
      const ranked = rankSegments(segments, parseQuery(q), 'lexical', 10, null, undefined, within);
      expect([...within], q).toEqual([1, 1, 0, 1, 1, 0]);
      // Only papers within the mask and live: never b (superseded), c or c2 (outside).
      for (const d of ranked.docs) expect([0, 3, 4], q).toContain(d);
    }
  });
});
