// `npm run bench -- search [--synthetic N] [--queries Q] [--no-baselines] [--no-semantic]`
//
// Search latency on the 74k real papers of ../shared/data/arxiv-daily-listings (or N synthetic papers made of
// fragments of the real ones, so vocabulary, term frequencies and local word order follow the real corpus),
// over six query classes: common words, rare words, quoted phrases, pasted abstracts, author names (real full names
// from the corpus) and typos (a title word with one letter changed, dropped, added or swapped). Reports p50/p95/p99
// for lexical, semantic and hybrid (spelling correction and author names + embed + rank + highlights/snippets of
// the 10 shown hits, the path the service takes, after one untimed warm-up pass over every query), what the query
// planning alone costs, index build times and resident memory, against SQLite FTS5
// `ORDER BY bm25` and MiniSearch over the same papers in the same run (MiniSearch is skipped above 200k papers:
// it needs several GB there), and against two variants of our own lexical path: scoring every posting (no top-k
// pruning) and MaxScore without long-query pruning (rank only).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import Sqlite from 'better-sqlite3';
import MiniSearch from 'minisearch';
import { engineCollection } from '../src/search/collection.ts';
import { buildIndexes, DEFAULT_HYBRID, SearchEngine, type EngineDoc } from '../src/search/engine.ts';
import { highlight, snippet } from '../src/search/highlight.ts';
import { buildLexicalIndex, DEFAULT_BM25, documentFrequency, indexMemory, lookupTerm, postingCount } from '../src/search/lexical/index.ts';
import { topKExhaustive, topKMaxScore } from '../src/search/lexical/topk.ts';
import { planQuery, rankPlan } from '../src/search/pipeline.ts';
import { parseQuery } from '../src/search/query.ts';
import { CorpusEmbedder, trainCorpusModel } from '../src/search/semantic/corpus-embedder.ts';
import { paperText } from '../src/search/semantic/embedder.ts';
import { seededRandom } from '../src/domain/seeded-random.ts';
import { QuantizedVectors } from '../src/search/semantic/quantized.ts';
import { HnswIndex } from '../src/search/semantic/vector-index.ts';
import { STOPWORDS } from '../src/search/text/stopwords.ts';
import type { SearchMode } from '../src/search/types.ts';
import { indexDir, writeSnapshot } from '../src/search/snapshot.ts';
import { saveCorpusModel, searchDir } from '../src/search/store.ts';

const DATA = path.resolve(import.meta.dirname, '../../shared/data/arxiv-daily-listings/days');
export type QueryClass = 'common' | 'rare' | 'phrase' | 'long' | 'name' | 'typo';
export const CLASSES: QueryClass[] = ['common', 'rare', 'phrase', 'long', 'name', 'typo'];

interface RealPaper {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  day: string;
}

export type { RealPaper };

export function loadRealPapers(): RealPaper[] {
  if (!fs.existsSync(DATA)) throw new Error(`${DATA} is missing: the search benchmark needs ../shared/data`);
  const seen = new Map<string, RealPaper>();
  for (const file of fs
    .readdirSync(DATA)
    .filter((f) => f.endsWith('.jsonl.gz'))
    .sort()) {
    const day = file.slice(0, 10);
    for (const line of zlib
      .gunzipSync(fs.readFileSync(path.join(DATA, file)))
      .toString('utf8')
      .split('\n')) {
      if (!line.trim()) continue;
      const r = JSON.parse(line);
      if (!r.id || seen.has(r.id)) continue;
      seen.set(r.id, {
        id: r.id,
        title: String(r.title ?? '')
          .replace(/\s+/g, ' ')
          .trim(),
        abstract: String(r.summary ?? '')
          .replace(/\s+/g, ' ')
          .trim(),
        authors: Array.isArray(r.authors) ? r.authors.map(String) : [],
        categories: Array.isArray(r.categories) ? r.categories.map(String) : [],
        day,
      });
    }
  }
  return [...seen.values()];
}

/** Synthetic paper i: fragments of real titles and abstracts chosen by a generator seeded with i. */
export function syntheticFactory(real: RealPaper[]) {
  const titles = wordTable(real.map((p) => p.title));
  const abstracts = wordTable(real.map((p) => p.abstract));
  const fragment = (source: WordTable, rand: () => number, min: number, max: number) => {
    const text = Math.floor(rand() * source.texts.length);
    const words = source.first[text + 1] - source.first[text];
    const len = min + Math.floor(rand() * (max - min + 1));
    const start = Math.floor(rand() * Math.max(1, words - len));
    return source.words(text, start, Math.min(words, start + len));
  };
  return (i: number): RealPaper => {
    const rand = seededRandom(i * 2654435761);
    const model = real[Math.floor(rand() * real.length)];
    const title = [fragment(titles, rand, 3, 6), fragment(titles, rand, 2, 5)].join(' ');
    const parts: string[] = [];
    const target = 120 + Math.floor(rand() * 100);
    let words = 0;
    while (words < target) {
      const f = fragment(abstracts, rand, 6, 14);
      parts.push(f);
      words += f.split(' ').length;
    }
    return { id: `syn.${i}`, title, abstract: parts.join(' '), authors: model.authors, categories: model.categories, day: model.day };
  };
}

/**
 * Texts with the character offset of every word (texts are single-spaced), so a run of words is one substring:
 * 4 bytes a word where arrays of split words cost about 30 (half a gigabyte for the 74k abstracts, which the
 * resident-memory figure would otherwise carry).
 */
interface WordTable {
  texts: string[];
  /** Words of text t are starts[first[t] .. first[t + 1]). */
  first: Uint32Array;
  starts: Uint32Array;
  /** Words [from, to) of text t, joined by single spaces. */
  words(t: number, from: number, to: number): string;
}

function wordTable(texts: string[]): WordTable {
  const first = new Uint32Array(texts.length + 1);
  const starts: number[] = [];
  texts.forEach((text, t) => {
    starts.push(0);
    for (let i = text.indexOf(' '); i >= 0; i = text.indexOf(' ', i + 1)) starts.push(i + 1);
    first[t + 1] = starts.length;
  });
  const offsets = Uint32Array.from(starts);
  return {
    texts,
    first,
    starts: offsets,
    words(t, from, to) {
      const base = first[t];
      const end = base + to < first[t + 1] ? offsets[base + to] - 1 : texts[t].length;
      return texts[t].slice(offsets[base + from], end);
    },
  };
}

export function makeQueries(real: RealPaper[], perClass: number): Record<QueryClass, string[]> {
  const rand = seededRandom(12345);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const index = buildLexicalIndex(
    real.slice(0, 20_000).map((p) => ({ ...p })),
    DEFAULT_BM25,
  );
  const words = new Map<string, number>();
  for (const p of real.slice(0, 20_000)) {
    for (const w of p.title.toLowerCase().match(/[a-z]{4,}/g) ?? []) if (!STOPWORDS.has(w)) words.set(w, (words.get(w) ?? 0) + 1);
  }
  const dfOf = (w: string) => {
    const id = index.termIds.get(parseQuery(w).terms.keys().next().value ?? '');
    return id === undefined ? 0 : documentFrequency(index, id);
  };
  const byDf = [...words.keys()].map((w) => [w, dfOf(w)] as const).sort((a, b) => b[1] - a[1]);
  const common = byDf.slice(0, 60).map(([w]) => w);
  const rare = byDf.filter(([, df]) => df >= 2 && df <= 10).map(([w]) => w);
  const out: Record<QueryClass, string[]> = { common: [], rare: [], phrase: [], long: [], name: [], typo: [] };
  const authorCounts = new Map<string, number>();
  for (const p of real.slice(0, 20_000)) for (const a of p.authors) authorCounts.set(a, (authorCounts.get(a) ?? 0) + 1);
  const authors = [...authorCounts].filter(([a, n]) => n >= 3 && a.includes(' ')).map(([a]) => a);
  const titleWords = [...words.keys()].filter((w) => w.length >= 6);
  const letters = 'abcdefghijklmnopqrstuvwxyz';
  const typo = (w: string) => {
    const i = 1 + Math.floor(rand() * (w.length - 2));
    const c = letters[Math.floor(rand() * 26)];
    return [
      w.slice(0, i) + w.slice(i + 1),
      w.slice(0, i) + c + w.slice(i),
      w.slice(0, i) + c + w.slice(i + 1),
      w.slice(0, i) + w[i + 1] + w[i] + w.slice(i + 2),
    ][Math.floor(rand() * 4)];
  };
  for (let i = 0; i < perClass; i++) {
    out.common.push([pick(common), pick(common), pick(common)].slice(0, 2 + (i % 2)).join(' '));
    out.rare.push([pick(rare), pick(rare)].slice(0, 1 + (i % 2)).join(' '));
    for (;;) {
      const t = pick(real)
        .title.split(' ')
        .filter((w) => /^[A-Za-z]{4,}$/.test(w) && !STOPWORDS.has(w.toLowerCase()));
      if (t.length >= 2) {
        const j = Math.floor(rand() * (t.length - 1));
        out.phrase.push(`"${t[j]} ${t[j + 1]}"`);
        break;
      }
    }
    out.long.push(pick(real).abstract);
    out.name.push(pick(authors));
    out.typo.push([typo(pick(titleWords)), pick(common)].slice(0, 1 + (i % 2)).join(' '));
  }
  return out;
}

function percentiles(xs: number[]): { p50: number; p95: number; p99: number } {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))];
  return { p50: at(0.5), p95: at(0.95), p99: at(0.99) };
}

function time<T>(fn: () => T): [T, number] {
  const t = performance.now();
  const r = fn();
  return [r, performance.now() - t];
}

export const mb = (bytes: number) => `${Math.round(bytes / 1048576)} MB`;

/**
 * Resident memory once build garbage is collected (`npm run bench` runs node with --expose-gc). V8 frees the
 * backing stores of collected typed arrays on a background thread, so read after it has had time to.
 */
export async function residentAfterGc(): Promise<number> {
  global.gc?.();
  await new Promise((resolve) => setTimeout(resolve, 1000));
  global.gc?.();
  return process.memoryUsage().rss;
}

/** Where resident memory sits: the JS heap, typed arrays, and the rest (native code, allocator slack, usearch). */
export function memoryParts(): string {
  const m = process.memoryUsage();
  return `JS heap ${mb(m.heapUsed)} used of ${mb(m.heapTotal)}, typed arrays ${mb(m.arrayBuffers)}, other ${mb(m.rss - m.heapTotal - m.arrayBuffers)}`;
}

/**
 * The semantic side: model trained on the real papers, every corpus paper embedded, HNSW graph, int8 vectors
 * attached to the engine. A function of its own so the float vectors (640 MB at 1M) are garbage once it returns,
 * as they are in the service, and do not sit in the resident-memory figure.
 */
function buildSemantic(real: RealPaper[], corpusSize: number, paperAt: (i: number) => RealPaper, engine: SearchEngine): CorpusEmbedder {
  const [model, trainMs] = time(() => trainCorpusModel(real.map((p) => paperText(p.title, p.abstract))));
  const embedder = new CorpusEmbedder(model);
  const dims = embedder.dimensions;
  const vectors = new Float32Array(corpusSize * dims);
  const embedStart = performance.now();
  for (let i = 0; i < corpusSize; i++) {
    const p = paperAt(i);
    vectors.set(embedder.embedOne(paperText(p.title, p.abstract)), i * dims);
  }
  const embedMs = performance.now() - embedStart;
  const annStart = performance.now();
  engine.vectorIndex = HnswIndex.build(vectors, dims);
  const annMs = performance.now() - annStart;
  engine.vectors = QuantizedVectors.from(vectors, dims);
  console.log(
    `semantic: trained ${model.vocabulary.length} words × ${dims} in ${Math.round(trainMs)} ms; embedded in ${Math.round(embedMs)} ms (int8 vectors ${mb(engine.vectors.byteLength)}); HNSW built in ${Math.round(annMs)} ms`,
  );
  return embedder;
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      synthetic: { type: 'string' },
      queries: { type: 'string', default: '60' },
      'no-baselines': { type: 'boolean', default: false },
      'no-semantic': { type: 'boolean', default: false },
      snapshot: { type: 'string' },
    },
  });
  const perClass = Number(values.queries);
  const real = loadRealPapers();
  const synthetic = values.synthetic ? Number(values.synthetic) : 0;
  const corpusSize = synthetic || real.length;
  const makeSynthetic = syntheticFactory(real);
  const paperAt = synthetic ? makeSynthetic : (i: number) => real[i];
  console.log(`corpus: ${corpusSize.toLocaleString('en-US')} ${synthetic ? 'synthetic' : 'real'} papers; ${perClass} queries per class`);
  const rssStart = process.memoryUsage().rss;

  // Lexical index.
  function* docs(): Generator<EngineDoc> {
    for (let i = 0; i < corpusSize; i++) yield paperAt(i);
  }
  const coldStart = performance.now();
  const [built, buildMs] = time(() => buildIndexes(docs(), DEFAULT_BM25));
  const { lexical } = built;
  const engine = SearchEngine.from(built, DEFAULT_HYBRID);
  const lexicalMemory = indexMemory(lexical);
  console.log(
    `lexical index with spelling words and author names: ${Math.round(buildMs)} ms, ${lexical.termIds.size.toLocaleString('en-US')} words + ${lexical.bigramKeys.length.toLocaleString('en-US')} word pairs, ${postingCount(lexical).toLocaleString('en-US')} postings ` +
      `(${mb(lexicalMemory.postings)} postings, ${mb(lexicalMemory.terms)} term tables, ${mb(lexicalMemory.pairs)} pair keys), RSS ${mb(await residentAfterGc())}`,
  );

  const embedder = values['no-semantic'] ? null : buildSemantic(real, corpusSize, paperAt, engine);
  console.log(`cold build (lexical index + embedder training + embedding + HNSW): ${((performance.now() - coldStart) / 1000).toFixed(1)} s`);
  const rss = await residentAfterGc();
  const rssParts = memoryParts();

  const queries = makeQueries(real, perClass);
  if (values.snapshot) saveBenchSnapshot(path.resolve(values.snapshot), engine, embedder, { synthetic, perClass, queries });
  // Through the pipeline (spelling correction and author names, as the service does), then each query as typed:
  // the same-run baseline for what query understanding costs.
  const results = { ...measureLatencies(engine, embedder, queries, paperAt), ...measureLatencies(engine, embedder, queries, paperAt, false) };

  const baselines: Record<string, Record<QueryClass, ReturnType<typeof percentiles>>> = {};
  // What query understanding costs on its own: spelling correction and author names (planQuery), per class.
  baselines['planning only'] = {} as Record<QueryClass, ReturnType<typeof percentiles>>;
  const collection = engineCollection(engine);
  for (const cls of CLASSES) baselines['planning only'][cls] = percentiles(queries[cls].map((q) => time(() => planQuery(collection, q))[1]));
  const corrected = CLASSES.map((c) => `${c} ${queries[c].filter((q) => planQuery(collection, q).correction).length}`).join(', ');
  const named = CLASSES.map((c) => `${c} ${queries[c].filter((q) => planQuery(collection, q).names.length).length}`).join(', ');
  console.log(
    `spelling dictionary ${engine.spelling.size.toLocaleString('en-US')} words, ${mb(engine.spelling.byteLength())}; author index ${mb(engine.authorNames.byteLength())}`,
  );
  console.log(`queries corrected: ${corrected}; queries read as author names: ${named}`);
  // The top-k decision (docs/decisions/0004-search-topk.md): the same index and queries, scoring every posting,
  // and MaxScore without the long-query pruning.
  const variants: [string, (q: string) => void][] = [
    ['exhaustive', (q) => topKExhaustive(lexical, engine.queryTerms(parseQuery(q)), 10)],
    [
      'maxscore-all',
      (q) => {
        const parsed = parseQuery(q);
        const all = [...parsed.terms, ...parsed.bigrams].map(([t, w]) => ({ term: lookupTerm(lexical, t) ?? -1, weight: w })).filter((x) => x.term >= 0);
        topKMaxScore(lexical, all, 10);
      },
    ],
  ];
  for (const [name, fn] of variants) {
    baselines[name] = {} as Record<QueryClass, ReturnType<typeof percentiles>>;
    for (const cls of CLASSES) {
      const lat: number[] = [];
      for (const [n, q] of queries[cls].entries()) {
        const [, ms] = time(() => fn(q));
        if (n >= 3) lat.push(ms);
      }
      baselines[name][cls] = percentiles(lat);
    }
  }
  if (!values['no-baselines']) {
    const fts = new Sqlite(':memory:');
    fts.exec("CREATE VIRTUAL TABLE p USING fts5(title, abstract, tokenize='porter unicode61')");
    const insert = fts.prepare('INSERT INTO p(rowid, title, abstract) VALUES (?, ?, ?)');
    const [, ftsBuild] = time(() =>
      fts.transaction(() => {
        for (let i = 0; i < corpusSize; i++) {
          const p = paperAt(i);
          insert.run(i + 1, p.title, p.abstract);
        }
      })(),
    );
    const select = fts.prepare('SELECT rowid, bm25(p, 3.0, 1.0) AS s FROM p WHERE p MATCH ? ORDER BY s LIMIT 10');
    const ftsQuery = (q: string) => {
      const words = [...new Set(q.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [])].filter((w) => !STOPWORDS.has(w)).slice(0, 300);
      const phrase = /^".*"$/.test(q.trim());
      return phrase ? `"${words.join(' ')}"` : words.map((w) => `"${w}"`).join(' OR ');
    };
    baselines['FTS5 bm25'] = {} as Record<QueryClass, ReturnType<typeof percentiles>>;
    for (const cls of CLASSES) {
      const lat: number[] = [];
      for (const [n, q] of queries[cls].entries()) {
        const m = ftsQuery(q);
        if (!m) continue;
        const [, ms] = time(() => select.all(m));
        if (n >= 3) lat.push(ms);
      }
      baselines['FTS5 bm25'][cls] = percentiles(lat);
    }
    console.log(`FTS5: built in ${Math.round(ftsBuild)} ms`);
    fts.close();
    if (corpusSize <= 200_000) {
      const mini = new MiniSearch({ fields: ['title', 'abstract'], idField: 'i', searchOptions: { boost: { title: 3 }, combineWith: 'OR' } });
      const [, miniBuild] = time(() => {
        for (let i = 0; i < corpusSize; i++) {
          const p = paperAt(i);
          mini.add({ i, title: p.title, abstract: p.abstract });
        }
      });
      console.log(`MiniSearch: built in ${Math.round(miniBuild)} ms`);
      baselines.MiniSearch = {} as Record<QueryClass, ReturnType<typeof percentiles>>;
      for (const cls of CLASSES) {
        const lat: number[] = [];
        // Pasted abstracts take seconds each in MiniSearch: a dozen is enough to see it.
        const qs = cls === 'long' ? queries[cls].slice(0, 12) : queries[cls];
        for (const [n, q] of qs.entries()) {
          const [, ms] = time(() => mini.search(q.replace(/"/g, '')).slice(0, 10));
          if (n >= 3) lat.push(ms);
        }
        baselines.MiniSearch[cls] = percentiles(lat);
      }
    }
  }

  console.log(
    `\nlatency in ms (p50 / p95 / p99), top 10 with highlights; resident memory after build: ${mb(rss)} (${mb(rss - rssStart)} more than before building; the process also holds the 74k source papers; ${rssParts})`,
  );
  printLatencies({ ...results, ...baselines });
  for (const base of Object.keys(baselines)) {
    if (base === 'planning only') continue;
    const ratios = CLASSES.map((c) => `${c} ${(baselines[base][c].p95 / results.lexical[c].p95).toFixed(1)}×`).join(', ');
    console.log(`p95 speed-up of lexical over ${base}: ${ratios}`);
  }
  console.log(
    `\nreproduce: npm run bench -- search${synthetic ? ` --synthetic ${synthetic}` : ''} --queries ${perClass}${values['no-baselines'] ? ' --no-baselines' : ''}${values['no-semantic'] ? ' --no-semantic' : ''}${values.snapshot ? ` --snapshot ${values.snapshot}` : ''}`,
  );
}

export type Latencies = Record<string, Record<QueryClass, ReturnType<typeof percentiles>>>;

/**
 * p50/p95/p99 per mode and query class for one search as a user sees it: plan (spelling correction and author
 * names, unless `pipeline` is false: the query as typed), embed, rank, and highlight the 10 shown hits, after one
 * untimed warm-up pass over every query (a serving process has long since compiled these paths; timing from a cold
 * start charged the JIT's work to whichever class came first).
 */
export function measureLatencies(
  engine: SearchEngine,
  embedder: CorpusEmbedder | null,
  queries: Record<QueryClass, string[]>,
  paperAt: (doc: number) => RealPaper,
  pipeline = true,
): Latencies {
  const modes: SearchMode[] = embedder ? ['lexical', 'semantic', 'hybrid'] : ['lexical'];
  const collection = engineCollection(engine);
  const related = embedder ? (t: string) => embedder.relatedTerms(t) : undefined;
  const searchOnce = (mode: SearchMode, q: string): number => {
    const [{ ranked, parsed }, rankMs] = time(() => {
      const plan = pipeline ? planQuery(collection, q) : null;
      const parsed = plan ? plan.parsed : parseQuery(q);
      const qv = mode !== 'lexical' && embedder ? embedder.embedOne(parsed.text) : null;
      return { ranked: plan ? rankPlan(collection, plan, mode, 10, qv, related) : engine.rank(parsed, mode, 10, qv, related), parsed };
    });
    // Fetching the shown papers stands in for the database read and is not timed (at 1M it regenerates them).
    const shown = ranked.docs.map(paperAt);
    const [, highlightMs] = time(() => {
      const wanted = new Set(parsed.terms.keys());
      for (const p of shown) {
        highlight(p.title, wanted);
        snippet(p.abstract, wanted);
      }
    });
    return rankMs + highlightMs;
  };
  for (const mode of modes) for (const cls of CLASSES) for (const q of queries[cls]) searchOnce(mode, q);
  const results: Latencies = {};
  for (const mode of modes) {
    const name = pipeline ? mode : `${mode}, as typed`;
    results[name] = {} as Record<QueryClass, ReturnType<typeof percentiles>>;
    for (const cls of CLASSES) results[name][cls] = percentiles(queries[cls].map((q) => searchOnce(mode, q)));
  }
  return results;
}

export function printLatencies(results: Latencies): void {
  const fmt = (x: number) => (x < 10 ? x.toFixed(2) : x.toFixed(1)).padStart(8);
  console.log(`${'engine'.padEnd(20)}${CLASSES.map((c) => c.padStart(27)).join('')}`);
  for (const [name, r] of Object.entries(results)) {
    console.log(`${name.padEnd(20)}${CLASSES.map((c) => (r[c] ? `${fmt(r[c].p50)} /${fmt(r[c].p95)} /${fmt(r[c].p99)}` : ' '.repeat(27))).join('')}`);
  }
}

export interface BenchSnapshotInfo {
  synthetic: number;
  perClass: number;
  queries: Record<QueryClass, string[]>;
}

/**
 * Writes the engine as the service's snapshot format under DIR (as <DIR>/search/index), with the trained model
 * beside it and the queries, so `npm run bench -- search-start --dir DIR` can time a start from it.
 */
function saveBenchSnapshot(dir: string, engine: SearchEngine, embedder: CorpusEmbedder | null, info: BenchSnapshotInfo): void {
  const started = performance.now();
  const n = engine.docCount;
  writeSnapshot(dir, {
    lexical: engine.lexical,
    vocabulary: engine.vocabulary,
    docs: { ids: engine.ids, days: engine.days, years: engine.years, modified: new Float64Array(n), hashes: new Uint32Array(n) },
    vectors: engine.vectors,
    ann: engine.vectorIndex instanceof HnswIndex ? engine.vectorIndex : null,
    annFile: null,
    papers: { count: n, highWater: null },
    embedder: embedder ? { id: embedder.id, dimensions: embedder.dimensions } : null,
  });
  if (embedder) saveCorpusModel(searchDir(dir), embedder.model);
  fs.writeFileSync(path.join(dir, 'bench-queries.json'), JSON.stringify(info));
  const bytes = fs
    .readdirSync(indexDir(dir), { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .reduce((sum, e) => sum + fs.statSync(path.join(e.parentPath, e.name)).size, 0);
  console.log(`snapshot: written to ${indexDir(dir)} in ${((performance.now() - started) / 1000).toFixed(1)} s (${mb(bytes)})`);
}
