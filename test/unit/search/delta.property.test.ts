// Stored segments plus a delta must answer as a fresh build of the final papers does. On random corpora and random
// edit sequences (papers added, changed, hidden, shown again, and the delta flushed into a stored segment of its
// own at random points, as a merge does):
// - exactly: which papers match (totals, filters, phrases), that no hidden or superseded version is ever returned,
//   the semantic side (nearest papers and their cosines, similar papers), the papers each author name signs;
// - the spelling dictionary's paper counts exactly, unless a stored paper was replaced by a changed version (its old
//   words keep counting, as its document frequencies do) or a word the base counted too rarely to keep (under spellingMinDf) is involved
//   (the delta's papers then count alone: never more than a fresh build);
// - within the stated tolerance: lexical scores. The delta is scored with the base's statistics, so a paper's
//   BM25F differs from the fresh build's by at most the idf ratio of its query terms times the ratio of the average
//   field lengths (both computed here from the two builds' statistics), plus the impact quantisation (255 levels:
//   3 %, and one 16-bit unit per term); documents ranked above one another in the delta's order never differ by more
//   in the fresh scores.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { IndexablePaper } from '../../../src/db/search.ts';
import { engineCollection } from '../../../src/search/collection.ts';
import { SegmentJoiner } from '../../../src/search/compact.ts';
import { contentHash, Delta, type BaseSegment } from '../../../src/search/delta.ts';
import { segmentOf } from '../../../src/search/snapshot.ts';
import { DEFAULT_HYBRID, SearchEngine } from '../../../src/search/engine.ts';
import { bm25Idf, documentFrequency, lookupTerm } from '../../../src/search/lexical/index.ts';
import { findAuthorNames } from '../../../src/search/names/query-names.ts';
import { parseQuery } from '../../../src/search/query.ts';
import { rankSegments, similarInSegments } from '../../../src/search/segments.ts';
import { QuantizedVectors } from '../../../src/search/semantic/quantized.ts';
import { normalizeInPlace } from '../../../src/search/semantic/embedder.ts';
import { spellingMinDf } from '../../../src/search/spelling/dictionary.ts';
import type { SearchMode } from '../../../src/search/types.ts';

const VOCAB = ['graph', 'neural', 'network', 'diffusion', 'model', 'language', 'vision', 'robot', 'policy', 'sparse', 'token', 'image'];
const CATEGORIES = ['cs.LG', 'cs.CV', 'cs.CL'];
const AUTHORS = ['Ada Lovelace', 'Alan Turing', 'Grace Hopper'];

const words = (min: number, max: number) => fc.array(fc.constantFrom(...VOCAB), { minLength: min, maxLength: max }).map((w) => w.join(' '));
const content = fc.record({
  title: words(1, 4),
  abstract: words(2, 12),
  authors: fc.subarray(AUTHORS, { maxLength: 2 }),
  categories: fc.subarray(CATEGORIES, { minLength: 1, maxLength: 2 }),
  day: fc.constantFrom('2023-05-01', '2024-01-02', '2025-03-04'),
});
type Content = typeof content extends fc.Arbitrary<infer T> ? T : never;

/**
 * An edit: a paper added (new id), changed (new content for an existing id), hidden, or shown again; or the delta
 * flushed into a stored segment of its own (a merge), after which a new delta goes on over all the segments; or,
 * after such a flush, every stored segment but the base joined into one (a compaction).
 */
const edit = fc.oneof(
  fc.record({ kind: fc.constant('add' as const), content }),
  fc.record({ kind: fc.constant('change' as const), pick: fc.nat(), content }),
  fc.record({ kind: fc.constant('hide' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('show' as const), pick: fc.nat() }),
  fc.record({ kind: fc.constant('flush' as const) }),
  fc.record({ kind: fc.constant('compact' as const) }),
);

/** The delta written as a segment (in memory, as the snapshot stores it) and a new delta over every segment. */
function flushed(delta: Delta, n: number): Delta {
  const f = delta.flush();
  const bases: BaseSegment[] = delta.bases.map((b, k) => ({ ...b, live: f.keep[k].live }));
  if (f.add) {
    const c = f.add.content;
    const engine = new SearchEngine(c.lexical, c.docs, c.vectors, null, DEFAULT_HYBRID, c.vocabulary);
    bases.push({ id: `s${n}`, engine, modified: c.docs.modified, hashes: c.docs.hashes, live: f.add.live });
  }
  return new Delta(bases, 8, f.hiddenWords);
}

/** Flushes, then joins every stored segment but the first into one, from the store's current rows (compact.ts). */
function compacted(delta: Delta, n: number, rows: (ids: string[]) => IndexablePaper[]): Delta {
  const after = flushed(delta, n);
  const [base, ...rest] = after.bases;
  if (rest.length < 2) return after;
  const f = after.flush();
  const sources = rest.map((b, k) => ({ id: b.id, content: segmentOf(b.engine, b.modified, b.hashes), live: f.keep[k + 1].live }));
  const joiner = new SegmentJoiner(sources, 8);
  joiner.add(rows(joiner.ids));
  const c = joiner.build();
  const engine = new SearchEngine(c.lexical, c.docs, c.vectors, null, DEFAULT_HYBRID, c.vocabulary);
  const joined: BaseSegment = { id: `j${n}`, engine, modified: c.docs.modified, hashes: c.docs.hashes, live: null };
  return new Delta(
    [{ ...base, live: f.keep[0].live }, joined],
    8,
    f.hiddenWords.filter((h) => h.segment === base.id),
  );
}

const query = fc.oneof(
  words(1, 3),
  fc.tuple(words(1, 2), fc.constantFrom(...CATEGORIES)).map(([w, c]) => `${w} cat:${c}`),
  fc.tuple(fc.constantFrom(...VOCAB), fc.constantFrom(...VOCAB), words(0, 1)).map(([a, b, w]) => `"${a} ${b}" ${w}`),
  fc.constantFrom('author:turing', 'cat:cs.CV', 'year:2024-'),
);

/** A deterministic toy embedding (hashed bag of words): the same text gets the same vector in every build. */
function embed(text: string): Float32Array {
  const v = new Float32Array(8);
  for (const w of text.toLowerCase().split(/\W+/).filter(Boolean)) {
    let h = 7;
    for (let i = 0; i < w.length; i++) h = (h * 31 + w.charCodeAt(i)) >>> 0;
    v[h % 8] += 1;
    v[(h >>> 3) % 8] += 0.5;
  }
  v[0] += 0.01;
  return normalizeInPlace(v);
}

const paperText = (c: Content) => `${c.title}. ${c.abstract}`;

function engineOf(papers: { id: string; c: Content }[]): SearchEngine {
  const engine = SearchEngine.build(papers.map(({ id, c }) => ({ id, ...c })));
  const vectors = new Float32Array(papers.length * 8);
  papers.forEach(({ c }, i) => {
    vectors.set(embed(paperText(c)), i * 8);
  });
  engine.vectors = QuantizedVectors.from(vectors, 8);
  return engine;
}

describe('stored segments + delta rank as a fresh build does', () => {
  it('on random corpora and edits', () => {
    fc.assert(
      fc.property(
        fc.array(content, { minLength: 1, maxLength: 25 }),
        fc.array(edit, { minLength: 1, maxLength: 15 }),
        fc.array(query, { minLength: 1, maxLength: 6 }),
        (initial, edits, queries) => {
          // The store: id → current content and visibility.
          const store = new Map(initial.map((c, i) => [`p${i}`, { c, hidden: false }]));
          const base = engineOf(initial.map((c, i) => ({ id: `p${i}`, c })));
          const hashes = Uint32Array.from(initial, (c) => contentHash(c));
          let delta = new Delta([{ id: 'base', engine: base, modified: new Float64Array(initial.length), hashes, live: null }], 8);
          // Papers whose stored document (base or flushed) serves, with its content hash; the hash of each paper's
          // newest stored version; and whether a stored paper was replaced by a changed version while it served.
          const storedLive = new Map(initial.map((c, i) => [`p${i}`, hashes[i]]));
          const storedNewest = new Map(storedLive);
          let oldWordsCount = false;
          const rowOf = (id: string, n: number): IndexablePaper => {
            const { c, hidden } = store.get(id)!;
            return { id, ...c, hidden, modifiedAt: new Date(1_000_000 + n).toISOString() };
          };
          edits.forEach((e, n) => {
            if (e.kind === 'flush' || e.kind === 'compact') {
              if (e.kind === 'flush') delta = flushed(delta, n);
              else {
                delta = compacted(delta, n, (ids) => ids.map((id) => rowOf(id, n)));
                // Stored copies that were not live went with the joined segments: a base copy is the newest left.
                for (const id of storedNewest.keys()) {
                  if (storedLive.has(id)) continue;
                  if (id.startsWith('p')) storedNewest.set(id, hashes[Number(id.slice(1))]);
                  else storedNewest.delete(id);
                }
              }
              for (const [id, v] of store) {
                if (v.hidden || storedLive.has(id)) continue;
                storedLive.set(id, contentHash(v.c));
                storedNewest.set(id, contentHash(v.c));
              }
              return;
            }
            const ids = [...store.keys()];
            const id = e.kind === 'add' ? `n${n}` : ids[e.pick % ids.length];
            const now = store.get(id);
            if (e.kind === 'change' && storedLive.has(id) && contentHash(e.content) !== storedLive.get(id)) {
              storedLive.delete(id);
              oldWordsCount = true;
            } else if (e.kind === 'hide') storedLive.delete(id);
            else if (e.kind === 'show' && now!.hidden && storedNewest.get(id) === contentHash(now!.c)) storedLive.set(id, contentHash(now!.c));
            if (e.kind === 'add' || e.kind === 'change') store.set(id, { c: e.content, hidden: now?.hidden ?? false });
            else store.set(id, { c: now!.c, hidden: e.kind === 'hide' });
            const row = rowOf(id, n);
            delta.apply([row], [row.hidden ? null : embed(`${row.title}. ${row.abstract}`)]);
          });
          const visible = [...store].filter(([, v]) => !v.hidden).map(([id, v]) => ({ id, c: v.c }));
          const fresh = engineOf(visible);
          const segments = delta.segments();
          const idOf = (doc: number) => {
            const s = segments.findLast((x) => x.offset <= doc)!;
            return s.engine.ids.id(doc - s.offset);
          };
          expect(delta.liveCount).toBe(visible.length);

          for (const q of queries) {
            const parsed = parseQuery(q);
            const vector = embed(parsed.text);
            for (const mode of ['lexical', 'semantic'] as SearchMode[]) {
              const got = rankSegments(segments, parsed, mode, 1000, vector);
              const want = fresh.rank(parsed, mode, 1000, vector);
              const gotIds = got.docs.map(idOf);
              const wantIds = want.docs.map((d) => fresh.ids.id(d));
              // The same papers match (nothing hidden or superseded comes back), and the same number of them.
              expect(new Set(gotIds)).toEqual(new Set(wantIds));
              expect(gotIds.length).toBe(new Set(gotIds).size);
              expect(got.total).toBe(want.total);
              const wantScore = new Map(wantIds.map((id, i) => [id, want.scores[i]]));
              if (mode === 'semantic') {
                gotIds.forEach((id, i) => {
                  expect(got.scores[i]).toBeCloseTo(wantScore.get(id)!, 9);
                });
                continue;
              }
              if (!parsed.terms.size) continue;
              // Lexical: each paper's score within the statistics drift and quantisation of the fresh build's.
              const averages = segments.map((x) => x.engine.lexical.fieldAverages);
              const { low, high } = driftBounds(q, segments[0].idf ?? ((t) => base.idf(t)), averages, fresh);
              const unit = fresh.lexical.impactScale * [...parsed.terms.values(), ...parsed.bigrams.values()].reduce((a, b) => a + b, 0);
              gotIds.forEach((id, i) => {
                const s = wantScore.get(id)!;
                expect(got.scores[i]).toBeGreaterThanOrEqual(s * low * 0.97 - 2 * unit);
                expect(got.scores[i]).toBeLessThanOrEqual(s * high * 1.03 + 2 * unit);
              });
              // Order: a paper ranked above another never trails it in the fresh scores by more than the tolerance.
              for (let i = 1; i < gotIds.length; i++) {
                expect((wantScore.get(gotIds[i - 1])! * (high * 1.03)) / (low * 0.97) + 4 * unit).toBeGreaterThanOrEqual(wantScore.get(gotIds[i])!);
              }
            }
          }
          // Similar papers: the live version's neighbours, with the fresh build's cosines.
          for (const { id } of visible.slice(0, 3)) {
            const got = similarInSegments(segments, id, 1000).map(({ doc, score }) => ({ id: idOf(doc), score }));
            const want = fresh.similar(id, 1000);
            expect(new Set(got.map((x) => x.id))).toEqual(new Set(want.map((x) => x.id)));
            const cos = new Map(want.map((x) => [x.id, x.score]));
            for (const x of got) expect(x.score).toBeCloseTo(cos.get(x.id)!, 9);
          }
          for (const [id, v] of store) if (v.hidden) expect(similarInSegments(segments, id, 5)).toEqual([]);
          // Author names: exactly the live papers a fresh build has for each name.
          const collection = delta.collection();
          const freshCollection = engineCollection(fresh);
          for (const name of AUTHORS) {
            const got = findAuthorNames(name, collection.names)[0]?.docs ?? [];
            const want = findAuthorNames(name, freshCollection.names)[0]?.docs ?? [];
            expect(new Set(Array.from(got, idOf))).toEqual(new Set(Array.from(want, (d) => fresh.ids.id(d))));
          }
          // Spelling: every word's count as a fresh build's (see the header for the two exceptions).
          if (oldWordsCount) return;
          const baseDf = (word: string) => initial.filter((c) => `${c.title} ${c.abstract}`.split(' ').includes(word)).length;
          for (const word of VOCAB) {
            const got = new Map(collection.spelling.suggestions(word).map((x) => [x.word, x.df]));
            const want = new Map(freshCollection.spelling.suggestions(word).map((x) => [x.word, x.df]));
            for (const w of new Set([...got.keys(), ...want.keys()])) {
              const rare = baseDf(w) > 0 && baseDf(w) < spellingMinDf(base.docCount);
              if (rare) expect(got.get(w) ?? 0).toBeLessThanOrEqual(want.get(w) ?? 0);
              else expect(got.get(w), w).toBe(want.get(w));
            }
          }
        },
      ),
      { numRuns: 150 },
    );
  });
});

/**
 * The range of (base + delta score / fresh score) that the statistics allow for a query: per term, the ratio of
 * the collection's idf (tombstoned papers still counted) to the fresh idf, times the ratio of the average field
 * lengths (a BM25F impact moves by at most that factor when the averages do: the saturation is monotone and
 * concave in the normalised frequency).
 */
function driftBounds(q: string, idf: (t: string) => number | undefined, averages: Float64Array[], fresh: SearchEngine): { low: number; high: number } {
  const parsed = parseQuery(q);
  let low = 1;
  let high = 1;
  for (const t of [...parsed.terms.keys(), ...parsed.bigrams.keys()]) {
    const id = lookupTerm(fresh.lexical, t);
    const scored = idf(t);
    if (id === undefined || scored === undefined) continue;
    const ratio = scored / bm25Idf(fresh.lexical.docCount, documentFrequency(fresh.lexical, id));
    low = Math.min(low, ratio);
    high = Math.max(high, ratio);
  }
  let lengths = 1;
  for (const segment of averages) {
    fresh.lexical.fieldAverages.forEach((avg, f) => {
      lengths = Math.max(lengths, segment[f] / avg, avg / segment[f]);
    });
  }
  return { low: low / lengths, high: high * lengths };
}
