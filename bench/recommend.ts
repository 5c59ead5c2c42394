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
// of the positives' vectors (cosine), and popularity (Hugging Face upvotes); for insight, a centroid over the
// model's own tf-idf features and the model over an index without author names (most submitters post their own
// group's papers, so shared authors carry much of the signal). Hyper-parameters are chosen on a validation split
// inside the training 70% (its first 70% train, the rest validates), never on the held-out 30%. Then the cost of an
// incremental update: one new positive, warm refit against cold fit.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { parseArgs } from 'node:util';
import { tryParseArxivId } from '../src/domain/arxiv-id.ts';
import { parseHfDailyResponse } from '../src/ingest/formats/hf-daily.ts';
import { SearchEngine, type EngineDoc } from '../src/search/engine.ts';
import { buildLexicalIndex } from '../src/search/lexical/index.ts';
import { CorpusEmbedder, trainCorpusModel } from '../src/search/semantic/corpus-embedder.ts';
import { paperText } from '../src/search/semantic/embedder.ts';
import { QuantizedVectors } from '../src/search/semantic/quantized.ts';
import { PaperFeatures, type FeatureOptions } from '../src/recommend/features.ts';
import { evaluateMethod, splitByDate, type DatedDoc, type Method, type MethodSummary, type Split } from '../src/recommend/evaluate.ts';
import { decodeModel, encodeModel } from '../src/recommend/model-codec.ts';
import { backgroundSample, DEFAULT_MODEL, fitPersonModel, restoreScorer, type ModelParams, type WeightedDoc } from '../src/recommend/person-model.ts';
import { centroidScorer, dayNumber, dayString, docsBetween, linearScorer, topDocs } from '../src/recommend/rank.ts';
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
  for (const file of fs
    .readdirSync(HF_DAYS)
    .filter((f) => f.endsWith('.json.gz'))
    .sort()) {
    const text = zlib.gunzipSync(fs.readFileSync(path.join(HF_DAYS, file))).toString('utf8');
    let items: ReturnType<typeof parseHfDailyResponse>;
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
        hfPaper.set(id, {
          id,
          title: item.paper.title,
          abstract: item.paper.abstract ?? '',
          authors: item.paper.authors ?? [],
          categories: [],
          day: item.entry.day,
        });
        submissions.push({
          paperId: id,
          day: item.entry.day,
          at: item.entry.submittedAt ?? '',
          submitter: item.entry.submittedBy,
          upvotes: item.entry.upvotes,
        });
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
    store.docs.forEach((d, i) => {
      out.set(embedder.embedOne(paperText(d.title, d.abstract)), i * model.dimensions);
    });
    return out;
  });
  engine.vectors = QuantizedVectors.from(vectors, model.dimensions);
  console.log(
    `search features: lexical index ${(lexicalMs / 1000).toFixed(1)} s, corpus embedder trained in ${(trainMs / 1000).toFixed(1)} s, embedded in ${(embedMs / 1000).toFixed(1)} s (${model.dimensions} d)`,
  );

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
      `${store.submissions.length.toLocaleString('en-US')} daily entries, the first of each paper; ${store.malformedFiles} malformed files skipped) loaded in ${(loadMs / 1000).toFixed(1)} s`,
  );

  const engine = buildSearchEngine(store);
  report(store, engine, { people: values.people ? Number(values.people) : undefined, tune: !values['no-tune'] });
}

interface Candidate {
  features: PaperFeatures;
  params: ModelParams;
}

/** Everything after the build: people, tuning on validation splits, the held-out table, costs, the last line. */
export function report(store: Store, engine: SearchEngine, options: { people?: number; tune: boolean }): void {
  let people = submitters(store);
  if (options.people) people = people.slice(0, options.people);

  const testSplits = people.map((p) => splitByDate(p.papers, TRAIN_SHARE)!);
  const validationSplits = testSplits.map((s) => splitByDate(s.train, TRAIN_SHARE)).filter((s): s is Split => s !== null);
  const describe = (s: Split) => `${s.train.length} train / ${s.test.length} held out, ${dayString(s.from)} … ${dayString(s.to)}`;
  console.log(
    `held-out period of a person: from the day of their first held-out submission to the day of their last, inclusive; candidates: every paper dated in it but their training papers. ` +
      `e.g. ${people[0].name}: ${describe(testSplits[0])}; ${people[people.length - 1].name}: ${describe(testSplits[testSplits.length - 1])}`,
  );

  const [base, featureMs] = time(() => PaperFeatures.fromEngine(engine));
  console.log(
    `recommendation features: ${base.sparseDims.toLocaleString('en-US')} terms, ${base.sparseNonZeros.toLocaleString('en-US')} non-zeros ` +
      `(${((base.sparseNonZeros * 8) / 2 ** 20).toFixed(0)} MB) + ${base.vectors?.dimensions ?? 0} d vectors, built in ${(featureMs / 1000).toFixed(1)} s`,
  );

  const modelMethod = (c: Candidate, name = 'model'): Method => ({
    name,
    fit(positives, knownUntil) {
      const negatives = backgroundSample(c.features, c.params.negatives, (d) => c.features.days[d] >= 0 && c.features.days[d] <= knownUntil);
      return linearScorer(c.features, fitPersonModel(c.features, positives, negatives, c.params).model.scorer);
    },
  });
  const centroid: Method = { name: 'centroid', fit: (positives) => centroidScorer(base, positives)! };
  const popularity: Method = { name: 'popularity', fit: () => (doc) => store.upvotes[doc] };

  let chosen: Candidate = { features: base, params: DEFAULT_MODEL };
  if (options.tune) chosen = tune(chosen, engine, validationSplits, modelMethod, [centroid, popularity]);

  const sparseCentroid: Method = { name: "tf-idf centroid (the model's features)", fit: (positives) => sparseCentroidScorer(chosen.features, positives) };
  // The ablation: the same model over an index built without author names, to show what the words alone do.
  const [noAuthorsIndex, noAuthorsMs] = time(() => buildLexicalIndex(store.docs.map((d) => ({ ...d, authors: [] }))));
  const noAuthors = PaperFeatures.fromEngine(new SearchEngine(noAuthorsIndex, store.docs, engine.vectors), chosen.features.options);
  console.log(`ablation index without author names built in ${(noAuthorsMs / 1000).toFixed(1)} s`);

  console.log(`\nheld-out test (${testSplits.length} people, k = ${K}; fit = training one person's model, scoring = ranking their candidates):`);
  const methods = [
    modelMethod(chosen),
    centroid,
    popularity,
    sparseCentroid,
    modelMethod({ ...chosen, features: noAuthors }, 'model, author names left out of the features'),
  ];
  const results: MethodSummary[] = methods.map((m) => evaluateMethod(chosen.features, testSplits, m, K));
  console.log('| method | recall@20 | nDCG@20 | fit per person, mean / median | scoring per person, mean |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const r of results) {
    console.log(
      `| ${r.name} | ${r.recall.toFixed(4)} | ${r.ndcg.toFixed(4)} | ${r.fitMs.toFixed(1)} / ${median(r.people.map((x) => x.fitMs)).toFixed(1)} ms | ${r.scoreMs.toFixed(1)} ms |`,
    );
  }
  const candidates = results[0].people.map((x) => x.candidates);
  console.log(`candidates per person: median ${median(candidates)}, min ${Math.min(...candidates)}, max ${Math.max(...candidates)}`);

  incrementalCosts(chosen, testSplits);

  const [m, c, p] = results;
  console.log(`reproduce: npm run bench -- recommend${options.people ? ` --people ${options.people}` : ''}${options.tune ? '' : ' --no-tune'}`);
  console.log(`model_recall@20=${m.recall.toFixed(4)} centroid_recall@20=${c.recall.toFixed(4)} popularity_recall@20=${p.recall.toFixed(4)}`);
}

/**
 * Coordinate search on the validation splits, one setting at a time from the product defaults: the feature mix,
 * the vocabulary, C, then the number of background negatives; each keeps the best recall@20 (nDCG@20 breaks ties).
 */
function tune(start: Candidate, engine: SearchEngine, splits: Split[], modelMethod: (c: Candidate) => Method, baselines: Method[]): Candidate {
  console.log(`\ntuning on validation splits (${splits.length} people: the first 70% of each training set trains, the rest validates)`);
  for (const m of baselines) {
    const r = evaluateMethod(start.features, splits, m, K);
    console.log(`  ${m.name.padEnd(72)} recall@20 ${r.recall.toFixed(4)}  nDCG@20 ${r.ndcg.toFixed(4)}`);
  }
  const label = (c: Candidate) => {
    const f = c.features.options;
    return `tf-idf ${f.sparseWeight} (df ≥ ${f.minDocumentFrequency}, ${f.wordPairs ? 'words + pairs' : 'words'}), vectors ${f.denseWeight}, C ${c.params.cost}, negatives ${c.params.negatives}`;
  };
  let best = start;
  let bestScore: MethodSummary | null = null;
  const consider = (c: Candidate) => {
    const r = evaluateMethod(c.features, splits, modelMethod(c), K);
    console.log(`  ${label(c).padEnd(72)} recall@20 ${r.recall.toFixed(4)}  nDCG@20 ${r.ndcg.toFixed(4)}  fit ${r.fitMs.toFixed(1)} ms`);
    if (!bestScore || r.recall > bestScore.recall || (r.recall === bestScore.recall && r.ndcg > bestScore.ndcg)) {
      best = c;
      bestScore = r;
    }
  };
  consider(start);
  const weighted = (c: Candidate, sparse: number, dense: number) => ({ ...c, features: c.features.withWeights(sparse, dense) });
  for (const [sw, dw] of [
    [1, 0],
    [1, 0.5],
    [1, 1],
    [0, 1],
  ] as const) {
    if (sw !== start.features.options.sparseWeight || dw !== start.features.options.denseWeight) consider(weighted(start, sw, dw));
  }
  const mix = best;
  const vocabularies: Partial<FeatureOptions>[] = [{ minDocumentFrequency: 3 }, { minDocumentFrequency: 10 }, { wordPairs: false }];
  for (const v of vocabularies) consider({ ...mix, features: PaperFeatures.fromEngine(engine, { ...mix.features.options, ...v }) });
  const vocabulary = best;
  for (const cost of [0.01, 1]) consider({ ...vocabulary, params: { ...vocabulary.params, cost } });
  const withCost = best;
  for (const negatives of [500, 2000, 4000]) consider({ ...withCost, params: { ...withCost.params, negatives } });
  const isDefault = label(best) === label(start);
  console.log(
    `chosen: ${label(best)}${isDefault ? ' (the product defaults)' : ' (NOT the product defaults: update DEFAULT_FEATURES / DEFAULT_MODEL in src/recommend)'}`,
  );
  return best;
}

/**
 * What a new save costs: each person's model fitted without their last training paper, then that paper added:
 * the warm refit (from the previous duals, as the service does) against a cold fit of the same positives, and
 * rebuilding a stored model's scorer from its duals (what a page view costs when nothing changed).
 */
function incrementalCosts(chosen: Candidate, splits: Split[]): void {
  const f = chosen.features;
  const warm: number[] = [];
  const cold: number[] = [];
  const warmEpochs: number[] = [];
  const coldEpochs: number[] = [];
  const restore: number[] = [];
  let sameTop = 0;
  for (const split of splits) {
    const positives = split.train.map((p) => ({ doc: p.doc, weight: 1 }));
    const negatives = backgroundSample(f, chosen.params.negatives, (d) => f.days[d] >= 0 && f.days[d] <= split.train[split.train.length - 1].day);
    const before = fitPersonModel(f, positives.slice(0, -1), negatives, chosen.params).model;
    const w = fitPersonModel(f, positives, negatives, chosen.params, before);
    const c = fitPersonModel(f, positives, negatives, chosen.params);
    warm.push(w.stats.ms);
    cold.push(c.stats.ms);
    warmEpochs.push(w.stats.epochs);
    coldEpochs.push(c.stats.epochs);
    const [, ms] = time(() => restoreScorer(f, decodeModel(encodeModel(w.model))!));
    restore.push(ms);
    const candidates = docsBetween(f, split.from, split.to, new Set(positives.map((p) => p.doc)));
    const top = (m: typeof w.model) =>
      topDocs(candidates, linearScorer(f, m.scorer), K)
        .map((r) => r.doc)
        .join();
    if (top(w.model) === top(c.model)) sameTop++;
  }
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  console.log(
    `\nincremental update (one new positive, ${splits.length} people): warm refit ${mean(warm).toFixed(1)} ms mean / ${median(warm).toFixed(1)} ms median (${mean(warmEpochs).toFixed(1)} epochs), ` +
      `cold fit ${mean(cold).toFixed(1)} / ${median(cold).toFixed(1)} ms (${mean(coldEpochs).toFixed(1)} epochs); same top ${K} as the cold fit for ${sameTop} of ${splits.length}; ` +
      `scorer rebuilt from stored duals ${mean(restore).toFixed(1)} / ${median(restore).toFixed(1)} ms`,
  );
}

/** Rocchio over the model's own features: cosine with the mean of the positives' tf-idf rows. */
function sparseCentroidScorer(features: PaperFeatures, positives: WeightedDoc[]) {
  const sparse = new Float32Array(features.sparseDims);
  for (const p of positives) {
    const row = features.sparseRow(p.doc);
    for (let i = 0; i < row.cols.length; i++) sparse[row.cols[i]] += p.weight * row.vals[i];
  }
  return linearScorer(features, { sparse, dense: new Float32Array(0), bias: 0 });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2) : 0;
}
