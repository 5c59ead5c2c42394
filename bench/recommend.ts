// `npm run bench -- recommend [--people N] [--no-tune]`
//
// "For you" on the real data: Hugging Face submitters as people, their daily-paper submissions as the papers they
// chose. The store is what `paperfeed import` makes of ../shared/data: the arXiv daily listings plus the Hugging
// Face daily papers (the 22 files holding Python reprs skipped). Features are the search engine's own, built
// by its builders: the lexical index (BM25F impacts as tf-idf) and the corpus-trained vectors.
//
// Protocol (src/recommend/evaluate.ts): every submitter with ≥ 10 submitted papers; by date, the first 70% train
// and the rest is held out; the candidates are all papers of the store dated within the held-out period (a
// paper's date is its Daily Papers day when it has one, else its listing announcement day), training papers
// excepted; relevant = the held-out papers. Methods: the per-person linear SVM (the product default), the centroid
// of the positives' vectors (cosine), and popularity (Hugging Face upvotes). Hyper-parameters are chosen on a
// validation split inside the training 70% (its first 70% train, the rest validates), never on the held-out 30%.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { tryParseArxivId } from '../src/domain/arxiv-id.ts';
import { parseHfDailyResponse } from '../src/ingest/formats/hf-daily.ts';
import { SearchEngine, type EngineDoc } from '../src/search/engine.ts';
import { CorpusEmbedder, trainCorpusModel } from '../src/search/semantic/corpus-embedder.ts';
import { paperText } from '../src/search/semantic/embedder.ts';
import { QuantizedVectors } from '../src/search/semantic/quantized.ts';
import { PaperFeatures, type FeatureOptions } from '../src/recommend/features.ts';
import { evaluateMethod, splitByDate, type DatedDoc, type Method, type MethodSummary, type Split } from '../src/recommend/evaluate.ts';
import { backgroundSample, DEFAULT_MODEL, fitPersonModel, type ModelParams } from '../src/recommend/person-model.ts';
import { centroidScorer, dayNumber, dayString, linearScorer } from '../src/recommend/rank.ts';
import { loadRealPapers } from './search.ts';

const HF_DAYS = path.resolve(import.meta.dirname, '../../shared/data/hf-daily-papers-api/days');
const MIN_SUBMISSIONS = 10;
const TRAIN_SHARE = 0.7;
const K = 20;

interface Submission {
  paperId: string;
  day: string;
  at: string;
  submitter: string | null;
  upvotes: number;
}

export interface Store {
  docs: EngineDoc[];
  upvotes: Float64Array;
  submissions: Submission[];
  malformedFiles: number;
  listingPapers: number;
  hfPapers: number;
}

/** Listings + Hugging Face daily papers, merged by arXiv id the way the importer does (first day seen wins). */
export function loadStore(): Store {
  if (!fs.existsSync(HF_DAYS)) throw new Error(`${HF_DAYS} is missing: the recommend benchmark needs ../shared/data`);
  const listing = loadRealPapers();
  const submissions: Submission[] = [];
  const hfPaper = new Map<string, EngineDoc>();
  let malformedFiles = 0;
  for (const file of fs.readdirSync(HF_DAYS).filter((f) => f.endsWith('.json.gz')).sort()) {
    const text = zlib.gunzipSync(fs.readFileSync(path.join(HF_DAYS, file))).toString('utf8');
    let items;
    try {
      items = parseHfDailyResponse(text, file.slice(0, 10));
    } catch {
      malformedFiles++;
      continue;
    }
    for (const item of items) {
      if ('error' in item) continue;
      const id = tryParseArxivId(item.paper.id)?.id;
      if (!id) continue;
      if (!hfPaper.has(id)) {
        hfPaper.set(id, { id, title: item.paper.title, abstract: item.paper.abstract ?? '', authors: item.paper.authors ?? [], categories: [], day: item.entry.day });
        submissions.push({ paperId: id, day: item.entry.day, at: item.entry.submittedAt ?? '', submitter: item.entry.submittedBy, upvotes: item.entry.upvotes });
      }
    }
  }
  // A paper's date: its Daily Papers day when it has one, else its announcement day.
  const docs: EngineDoc[] = listing.map((p) => ({ ...p, day: hfPaper.get(p.id)?.day ?? p.day }));
  const known = new Set(docs.map((d) => d.id));
  for (const [id, p] of hfPaper) if (!known.has(id)) docs.push(p);
  const row = new Map(docs.map((d, i) => [d.id, i]));
  const upvotes = new Float64Array(docs.length);
  for (const s of submissions) upvotes[row.get(s.paperId)!] = s.upvotes;
  return { docs, upvotes, submissions, malformedFiles, listingPapers: listing.length, hfPapers: hfPaper.size };
}

/** The search engine over the store, built as `paperfeed index` builds it: lexical index, corpus embedder, vectors. */
export function buildSearchEngine(store: Store): SearchEngine {
  const [engine, lexicalMs] = time(() => SearchEngine.build(store.docs));
  const [model, trainMs] = time(() => trainCorpusModel(store.docs.map((d) => paperText(d.title, d.abstract))));
  const embedder = new CorpusEmbedder(model);
  const [vectors, embedMs] = time(() => {
    const out = new Float32Array(store.docs.length * model.dimensions);
    store.docs.forEach((d, i) => out.set(embedder.embedOne(paperText(d.title, d.abstract)), i * model.dimensions));
    return out;
  });
  engine.vectors = QuantizedVectors.from(vectors, model.dimensions);
  console.log(`search features: lexical index ${(lexicalMs / 1000).toFixed(1)} s, corpus embedder trained in ${(trainMs / 1000).toFixed(1)} s, embedded in ${(embedMs / 1000).toFixed(1)} s (${model.dimensions} d)`);

  return engine;
}

/** Every submitter with at least MIN_SUBMISSIONS submitted papers, most first. */
export function submitters(store: Store): Person[] {
  const docOf = new Map(store.docs.map((d, i) => [d.id, i]));
  const bySubmitter = new Map<string, DatedDoc[]>();
  let anonymous = 0;
  for (const s of store.submissions) {
    if (!s.submitter) {
      anonymous++;
      continue;
    }
    const list = bySubmitter.get(s.submitter) ?? [];
    list.push({ doc: docOf.get(s.paperId)!, day: dayNumber(s.day), at: s.at });
    bySubmitter.set(s.submitter, list);
  }
  const people: Person[] = [...bySubmitter]
    .filter(([, papers]) => papers.length >= MIN_SUBMISSIONS)
    .map(([name, papers]) => ({ name, papers }))
    .sort((a, b) => b.papers.length - a.papers.length || (a.name < b.name ? -1 : 1));
  console.log(
    `people: ${people.length} submitters with ≥ ${MIN_SUBMISSIONS} submitted papers (${bySubmitter.size.toLocaleString('en-US')} submitters in all; ` +
      `${anonymous} entries name no submitter and are not a person)`,
  );
  return people;
}

function time<T>(f: () => T): [T, number] {
  const t = performance.now();
  const r = f();
  return [r, performance.now() - t];
}

export interface Person {
  name: string;
  papers: DatedDoc[];
}

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { people: { type: 'string' }, 'no-tune': { type: 'boolean', default: false } } });
  const [store, loadMs] = time(loadStore);
  console.log(
    `store: ${store.docs.length.toLocaleString('en-US')} papers (${store.listingPapers.toLocaleString('en-US')} from the listings, ${store.hfPapers.toLocaleString('en-US')} on Hugging Face daily papers, ` +
      `${store.submissions.length.toLocaleString('en-US')} daily entries; ${store.malformedFiles} malformed files skipped) loaded in ${(loadMs / 1000).toFixed(1)} s`,
  );

  const engine = buildSearchEngine(store);

  let people = submitters(store);
  if (values.people) people = people.slice(0, Number(values.people));

  const testSplits = people.map((p) => splitByDate(p.papers, TRAIN_SHARE)!);
  const validationSplits = testSplits.map((s) => splitByDate(s.train, TRAIN_SHARE)).filter((s): s is Split => s !== null);
  const describe = (s: Split) => `${s.train.length} train / ${s.test.length} held out, ${dayString(s.from)} … ${dayString(s.to)}`;
  console.log(`held-out period per person: from the day of their first held-out submission to the day of their last, inclusive. e.g. ${people[0].name}: ${describe(testSplits[0])}; ${people[people.length - 1].name}: ${describe(testSplits[testSplits.length - 1])}`);

  const [base, featureMs] = time(() => PaperFeatures.fromEngine(engine));
  console.log(`recommendation features: ${base.sparseDims.toLocaleString('en-US')} terms, ${base.sparseNonZeros.toLocaleString('en-US')} non-zeros (${(base.sparseNonZeros * 8 / 2 ** 20).toFixed(0)} MB) + ${base.denseDims} d vectors, built in ${(featureMs / 1000).toFixed(1)} s`);

  const modelMethod = (features: PaperFeatures, params: ModelParams, name = 'model'): Method => ({
    name,
    fit(positives, knownUntil) {
      const negatives = backgroundSample(features, params.negatives, (d) => features.days[d] >= 0 && features.days[d] <= knownUntil);
      return linearScorer(features, fitPersonModel(features, positives, negatives, params).model.scorer);
    },
  });
  const centroid: Method = {
    name: 'centroid',
    fit: (positives) => centroidScorer(base, positives)!,
  };
  const popularity: Method = { name: 'popularity', fit: () => (doc) => store.upvotes[doc] };

  // Tuning on the validation splits.
  let chosen = { features: base, params: DEFAULT_MODEL, label: 'defaults' };
  if (!values['no-tune']) {
    console.log(`\ntuning on validation splits (${validationSplits.length} people: the first 70% of each training set trains, the rest validates)`);
    const grid: { label: string; features: PaperFeatures; params: ModelParams }[] = [];
    for (const [sw, dw] of [[1, 0], [0, 1], [1, 0.5], [1, 1], [1, 2]] as const) {
      for (const cost of [0.01, 0.1, 1]) {
        for (const negatives of [1000, 4000]) {
          grid.push({ label: `sparse ${sw} dense ${dw} C ${cost} negatives ${negatives}`, features: base.withWeights(sw, dw), params: { ...DEFAULT_MODEL, cost, negatives } });
        }
      }
    }
    let best: { recall: number; ndcg: number } = { recall: -1, ndcg: -1 };
    for (const g of grid) {
      const r = evaluateMethod(g.features, validationSplits, modelMethod(g.features, g.params), K);
      console.log(`  ${g.label.padEnd(44)} recall@20 ${r.recall.toFixed(4)}  nDCG@20 ${r.ndcg.toFixed(4)}  fit ${r.fitMs.toFixed(1)} ms`);
      if (r.recall > best.recall || (r.recall === best.recall && r.ndcg > best.ndcg)) {
        best = r;
        chosen = g;
      }
    }
    for (const m of [centroid, popularity]) {
      const r = evaluateMethod(base, validationSplits, m, K);
      console.log(`  ${m.name.padEnd(44)} recall@20 ${r.recall.toFixed(4)}  nDCG@20 ${r.ndcg.toFixed(4)}`);
    }
    console.log(`chosen: ${chosen.label}`);
  }

  console.log(`\nheld-out test (${testSplits.length} people, k = ${K}):`);
  const results: MethodSummary[] = [modelMethod(chosen.features, chosen.params), centroid, popularity].map((m) => evaluateMethod(chosen.features, testSplits, m, K));
  console.log('| method | recall@20 | nDCG@20 | fit per person | scoring per person |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of results) console.log(`| ${r.name} | ${r.recall.toFixed(4)} | ${r.ndcg.toFixed(4)} | ${r.fitMs.toFixed(1)} ms | ${r.scoreMs.toFixed(1)} ms |`);
  const [m, c, p] = results;
  console.log(`model_recall@20=${m.recall.toFixed(4)} centroid_recall@20=${c.recall.toFixed(4)} popularity_recall@20=${p.recall.toFixed(4)}`);
}
