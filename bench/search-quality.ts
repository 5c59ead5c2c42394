// Search quality on three collections, for lexical, semantic and hybrid in one run:
//
// - paraphrases: the whole store a user gets from the shared data (74,728 listing papers + the Hugging Face papers
//   not in the listings, 80,017), indexed and embedded from title, abstract and authors; each Hugging Face
//   `ai_summary` (a one-sentence paraphrase written by a language model, never indexed) is a query whose only
//   right answer is its paper. Split by a hash of the paper id (eval/known-item.ts): choices are made on 'tune',
//   'held-out' only reports. 'Short descriptions' are the same sentences without the paper's own rare words and
//   cut to 12 content words (shortDescription), the harder case of someone describing a paper they cannot name.
// - arXiv titles: 1,000 of the 74,728 listing papers (seeded) are indexed and embedded from their abstract only,
//   and each one's title is a query for itself; the embedder never sees a held-out title.
// - SciFact (BEIR): through the production path (a throwaway store, the search service, the embedder trained on
//   the 5,183 abstracts), nDCG@10 on the test split (or train, for choices).
//
// The paraphrase and title sets are measured twice, as typed (parse and rank) and through the query pipeline the
// service uses (spelling correction and author names first, pipeline.ts), so what query understanding costs
// known-item search shows; SciFact goes through the service, so through the pipeline.
//
//   npm run bench -- search-quality [--sets paraphrases,titles,scifact] [--paraphrase-split tune|held-out|both]
//     [--scifact-split test|train] [--title-queries 1000] [--model-cache DIR]
//
// Training the corpus embedder is most of the time (about 2 minutes for each of the two 74k+ stores, SciFact
// 80 s); --model-cache keeps trained models in DIR keyed by a hash of the training texts, so reruns skip it.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { engineCollection } from '../src/search/collection.ts';
import { SearchEngine, type EngineDoc } from '../src/search/engine.ts';
import { readBeir } from '../src/search/eval/beir.ts';
import { evaluateBeir } from '../src/search/eval/evaluate.ts';
import { knownItemScores, knownItemSplit, type KnownItemQuery, type KnownItemSplit } from '../src/search/eval/known-item.ts';
import { planQuery, rankPlan } from '../src/search/pipeline.ts';
import { parseQuery } from '../src/search/query.ts';
import { documentFrequency } from '../src/search/lexical/index.ts';
import { terms } from '../src/search/text/analyze.ts';
import { CorpusEmbedder, trainCorpusModel, type CorpusModel } from '../src/search/semantic/corpus-embedder.ts';
import { paperText } from '../src/search/semantic/embedder.ts';
import { QuantizedVectors } from '../src/search/semantic/quantized.ts';
import { ANN_MIN_DOCS } from '../src/search/semantic/prepare.ts';
import { HnswIndex } from '../src/search/semantic/vector-index.ts';
import { CORPUS_MODEL_FORMAT, loadCorpusModel, saveCorpusModel } from '../src/search/store.ts';
import { seededRandom } from '../src/domain/seeded-random.ts';
import type { SearchMode } from '../src/search/types.ts';
import { loadQualityData, type QualityData } from './quality-data.ts';
import { loadRealPapers } from './search.ts';

const MODES: SearchMode[] = ['lexical', 'semantic', 'hybrid'];
const SCIFACT = path.resolve(import.meta.dirname, '../../shared/data/beir-scifact');

type Row = { set: string; metric: string; queries: number; values: Partial<Record<SearchMode, number>> };

/** An engine over `docs` with the corpus embedder trained on `texts` (or loaded from the cache), as the service builds it. */
export function buildStore(
  docs: EngineDoc[],
  texts: string[],
  cache: string | undefined,
  log: (m: string) => void,
): { engine: SearchEngine; embedder: CorpusEmbedder } {
  let started = performance.now();
  const engine = SearchEngine.build(docs);
  log(`  lexical index over ${docs.length} papers in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  started = performance.now();
  const model = cachedModel(texts, cache);
  const embedder = new CorpusEmbedder(model);
  log(`  corpus embedder (${model.vocabulary.length} words × ${model.dimensions}) ready in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  started = performance.now();
  const vectors = new Float32Array(texts.length * model.dimensions);
  texts.forEach((t, i) => {
    vectors.set(embedder.embedOne(t), i * model.dimensions);
  });
  // The HNSW graph as the service builds it above 10,000 papers, but on one thread: a parallel build differs a
  // little per run, and these figures should be the same on every run.
  engine.vectors = QuantizedVectors.from(vectors, model.dimensions);
  engine.vectorIndex = docs.length >= ANN_MIN_DOCS ? HnswIndex.build(vectors, model.dimensions, 1) : null;
  log(`  embedded and graphed in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return { engine, embedder };
}

function cachedModel(texts: string[], cache: string | undefined): CorpusModel {
  if (!cache) return trainCorpusModel(texts);
  const hash = crypto.createHash('sha256').update(`format ${CORPUS_MODEL_FORMAT}\n`);
  for (const t of texts) hash.update(t).update('\n');
  const dir = path.join(cache, hash.digest('hex').slice(0, 16));
  const saved = fs.existsSync(dir) ? loadCorpusModel(dir) : null;
  if (saved) return saved;
  const model = trainCorpusModel(texts);
  saveCorpusModel(dir, model);
  return model;
}

/** Ids of the top 10 for each query text, in one mode: as typed, or through the service's query pipeline. */
export function ranker(engine: SearchEngine, embedder: CorpusEmbedder, mode: SearchMode, pipeline = false): (text: string) => string[] {
  const collection = engineCollection(engine);
  const related = (t: string) => embedder.relatedTerms(t);
  const embed = (text: string) => (mode === 'lexical' ? null : embedder.embedOne(text));
  return (text) => {
    if (!pipeline) {
      const parsed = parseQuery(text);
      return engine.rank(parsed, mode, 10, embed(parsed.text), related).docs.map((d) => engine.ids.id(d));
    }
    const plan = planQuery(collection, text);
    return rankPlan(collection, plan, mode, 10, embed(plan.parsed.text), related).docs.map((d) => engine.ids.id(d));
  };
}

/** MRR@10 (and recall@10) rows for a query set in every mode, as typed and through the pipeline. */
function knownItemRows(set: string, queries: KnownItemQuery[], engine: SearchEngine, embedder: CorpusEmbedder, withRecall: boolean): Row[] {
  const rows: Row[] = [];
  for (const pipeline of [false, true]) {
    const name = pipeline ? `${set}, pipeline` : set;
    const mrr: Row = { set: name, metric: 'MRR@10', queries: queries.length, values: {} };
    const recall: Row = { set: name, metric: 'recall@10', queries: queries.length, values: {} };
    for (const mode of MODES) {
      const scores = knownItemScores(queries, ranker(engine, embedder, mode, pipeline));
      mrr.values[mode] = scores.mrr10;
      recall.values[mode] = scores.recall10;
    }
    rows.push(mrr, ...(withRecall ? [recall] : []));
  }
  return rows;
}

/**
 * The paraphrase as a reader who does not know the paper's name might type it: words found in fewer than 10 of the
 * store's papers (the paper's own coinages: "MMaDA", "Web-Shepherd") and a one-word name before the title's colon
 * removed, then cut after 12 content words. Language-model summaries reuse the abstract's phrasing and name the
 * method, which makes the full sentences nearly always findable by their words alone.
 */
export function shortDescription(summary: string, title: string, df: (term: string) => number): string {
  const colon = title.search(/:|\s[-–—]\s/);
  const head = colon > 0 ? title.slice(0, colon).trim() : '';
  const name = new Set(head && !/\s/.test(head) ? terms(head) : []);
  const kept: string[] = [];
  let content = 0;
  for (const word of summary.split(/\s+/)) {
    const t = terms(word);
    if (t.some((x) => df(x) < 10 || name.has(x))) continue;
    kept.push(word);
    if (t.length && ++content === 12) break;
  }
  return kept.join(' ');
}

export function paraphraseQueries(data: QualityData, split: KnownItemSplit | 'both'): KnownItemQuery[] {
  const stored = new Set(data.papers.map((p) => p.id));
  return [...data.hf.values()]
    .filter((h) => h.aiSummary && stored.has(h.id) && (split === 'both' || knownItemSplit(h.id) === split))
    .map((h) => ({ target: h.id, text: h.aiSummary! }));
}

function paraphraseRows(split: string, cache: string | undefined, log: (m: string) => void): Row[] {
  const data = loadQualityData();
  log(`paraphrases: ${data.papers.length} papers in the store`);
  const docs = data.papers;
  const { engine, embedder } = buildStore(
    docs,
    docs.map((p) => paperText(p.title, p.abstract)),
    cache,
    log,
  );
  const rows: Row[] = [];
  for (const s of (split === 'both' ? ['tune', 'held-out'] : [split]) as KnownItemSplit[]) {
    const full = paraphraseQueries(data, s);
    const titles = new Map(docs.map((p) => [p.id, p.title]));
    const df = (t: string) => {
      const id = engine.lexical.termIds.get(t);
      return id === undefined ? 0 : documentFrequency(engine.lexical, id);
    };
    const short = full.map((q) => ({ target: q.target, text: shortDescription(q.text, titles.get(q.target)!, df) }));
    for (const [name, queries] of [
      [`paraphrases, ${s}`, full],
      [`short descriptions, ${s}`, short],
    ] as const)
      rows.push(...knownItemRows(name, queries, engine, embedder, true));
  }
  return rows;
}

function titleRows(queryCount: number, cache: string | undefined, log: (m: string) => void): Row[] {
  const papers = loadRealPapers();
  const rand = seededRandom(2024);
  const order = papers.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const heldOut = new Set(order.slice(0, queryCount).map((i) => papers[i].id));
  log(`arXiv titles: ${papers.length} papers, ${heldOut.size} held-out titles as queries`);
  const docs = papers.map((p) => ({ ...p, title: heldOut.has(p.id) ? '' : p.title }));
  const { engine, embedder } = buildStore(
    docs,
    docs.map((d) => (d.title ? paperText(d.title, d.abstract) : d.abstract)),
    cache,
    log,
  );
  const queries = papers.filter((p) => heldOut.has(p.id)).map((p) => ({ target: p.id, text: p.title }));
  return knownItemRows('arXiv titles', queries, engine, embedder, false);
}

async function scifactRows(split: string, log: (m: string) => void): Promise<Row[]> {
  log(`SciFact: ${split} split, through a throwaway store and the search service`);
  const reports = await evaluateBeir(readBeir(SCIFACT, split), { modes: MODES });
  const row: Row = { set: `SciFact ${split}`, metric: 'nDCG@10', queries: reports[0]?.scores.queries ?? 0, values: {} };
  for (const r of reports) row.values[r.mode] = r.scores.ndcg10;
  return [row];
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      sets: { type: 'string', default: 'paraphrases,titles,scifact' },
      'paraphrase-split': { type: 'string', default: 'both' },
      'scifact-split': { type: 'string', default: 'test' },
      'title-queries': { type: 'string', default: '1000' },
      'model-cache': { type: 'string' },
    },
  });
  const sets = values.sets!.split(',');
  const unknown = sets.filter((s) => !['paraphrases', 'titles', 'scifact'].includes(s));
  if (unknown.length) throw new Error(`unknown set(s): ${unknown.join(', ')} (paraphrases, titles, scifact)`);
  if (!['tune', 'held-out', 'both'].includes(values['paraphrase-split']!)) throw new Error('--paraphrase-split is tune, held-out or both');
  const log = (m: string) => console.log(m);
  const cache = values['model-cache'];
  const rows: Row[] = [];
  if (sets.includes('paraphrases')) rows.push(...paraphraseRows(values['paraphrase-split']!, cache, log));
  if (sets.includes('titles')) rows.push(...titleRows(Number(values['title-queries']), cache, log));
  if (sets.includes('scifact')) rows.push(...(await scifactRows(values['scifact-split']!, log)));

  console.log('\n| set | metric | queries | lexical | semantic | hybrid |\n| --- | --- | --- | --- | --- | --- |');
  for (const r of rows) {
    const cells = MODES.map((m) => (r.values[m] === undefined ? '–' : r.values[m]!.toFixed(4)));
    console.log(`| ${r.set} | ${r.metric} | ${r.queries} | ${cells.join(' | ')} |`);
  }
  console.log(`\nreproduce: npm run bench -- search-quality ${args.join(' ')}`.trimEnd());
}
