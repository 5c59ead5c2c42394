// Search quality off SciFact: a known-item test on the real arXiv papers of ../shared/data/arxiv-daily-listings.
// A seeded sample of papers is held out: they are indexed and embedded from their abstract only (no title), and
// each one's title is a query whose single relevant paper is itself. The corpus embedder never sees a held-out
// title, so nothing it learns from (title → abstract) pairs answers these queries by memory. Two embedders are
// compared in the same run: the default (contrastive) one and the plain LSA baseline (contrastiveEpochs 0). Every row
// is measured twice: the titles as typed (parse and rank) and through the query pipeline the service uses (spelling
// correction and author names first, pipeline.ts), so what query understanding costs known-item search shows.
//
//   npm run bench -- search-quality [--papers 20000] [--queries 500] [--weights 0.2,0.5]
import { parseArgs } from 'node:util';
import { DEFAULT_HYBRID, SearchEngine } from '../src/search/engine.ts';
import { mrrAt, recallAt } from '../src/search/eval/metrics.ts';
import { planQuery, rankPlan } from '../src/search/pipeline.ts';
import { parseQuery } from '../src/search/query.ts';
import { CorpusEmbedder, trainCorpusModel, type CorpusModelOptions } from '../src/search/semantic/corpus-embedder.ts';
import { paperText } from '../src/search/semantic/embedder.ts';
import { QuantizedVectors } from '../src/search/semantic/quantized.ts';
import { seededRandom } from '../src/domain/seeded-random.ts';
import type { SearchMode } from '../src/search/types.ts';
import { loadRealPapers } from './search.ts';

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      papers: { type: 'string', default: '20000' },
      queries: { type: 'string', default: '500' },
      weights: { type: 'string', default: '0.2,0.5' },
      /** 'default' skips the LSA baseline's training (half the run). */
      embedders: { type: 'string', default: 'both' },
    },
  });
  const all = loadRealPapers();
  const n = Math.min(all.length, Number(values.papers));
  const rand = seededRandom(2024);
  const order = all.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [order[i], order[j]] = [order[j], order[i]];
  }
  const papers = order.slice(0, n).sort((a, b) => a - b).map((i) => all[i]);
  const heldOut = new Set(order.slice(0, n).slice(0, Number(values.queries)).map((i) => all[i].id));
  const docs = papers.map((p) => ({ ...p, title: heldOut.has(p.id) ? '' : p.title }));
  const engine = SearchEngine.build(docs);
  const texts = docs.map((d) => (d.title ? paperText(d.title, d.abstract) : d.abstract));
  const queries = papers.filter((p) => heldOut.has(p.id)).map((p) => ({ id: p.id, parsed: parseQuery(p.title), plan: planQuery(engine, p.title) }));
  const corrected = queries.filter((q) => q.plan.correction).length;
  const named = queries.filter((q) => q.plan.names.length).length;
  console.log(`${n} papers, ${queries.length} held-out titles as queries (the pipeline corrected ${corrected} and read an author name in ${named})`);

  function measure(label: string, options: Partial<CorpusModelOptions>): void {
    const started = performance.now();
    const model = trainCorpusModel(texts, options);
    const trainMs = performance.now() - started;
    const embedder = new CorpusEmbedder(model);
    const embedStarted = performance.now();
    const vectors = new Float32Array(texts.length * model.dimensions);
    texts.forEach((t, i) => vectors.set(embedder.embedOne(t), i * model.dimensions));
    const embedMs = performance.now() - embedStarted;
    const quantized = QuantizedVectors.from(vectors, model.dimensions);
    const rows: string[] = [];
    // Hybrid runs with and without the related-word credit (relatedWeight 0), to show what it adds here.
    const runs: [string, SearchMode, number, number][] = [['lexical', 'lexical', 0, 0], ['semantic', 'semantic', 0, 0]];
    for (const w of values.weights!.split(',').map(Number)) {
      runs.push([`hybrid w=${w}`, 'hybrid', w, DEFAULT_HYBRID.relatedWeight], [`  no related`, 'hybrid', w, 0]);
    }
    for (const [name, mode, w, related] of runs) {
      const e = new SearchEngine(engine.lexical, docs, quantized, null, { ...DEFAULT_HYBRID, semanticWeight: w || DEFAULT_HYBRID.semanticWeight, relatedWeight: related });
      for (const pipeline of [false, true]) {
        let mrr = 0;
        let r10 = 0;
        let r100 = 0;
        for (const q of queries) {
          const related = (t: string) => embedder.relatedTerms(t);
          const docs = pipeline
            ? rankPlan(e, q.plan, mode, 100, embedder.embedOne(q.plan.parsed.text), related).docs
            : e.rank(q.parsed, mode, 100, embedder.embedOne(q.parsed.text), related).docs;
          const ranked = docs.map((d) => e.ids.id(d));
          const rel = new Map([[q.id, 1]]);
          mrr += mrrAt(ranked, rel, 10);
          r10 += recallAt(ranked, rel, 10);
          r100 += recallAt(ranked, rel, 100);
        }
        const k = queries.length;
        const label = `${pipeline ? '+ pipeline' : name}`.padEnd(13);
        rows.push(`  ${label} MRR@10 ${(mrr / k).toFixed(4)}  recall@10 ${(r10 / k).toFixed(4)}  recall@100 ${(r100 / k).toFixed(4)}`);
      }
    }
    console.log(`${label}: trained in ${(trainMs / 1000).toFixed(1)} s, embedded ${texts.length} papers in ${(embedMs / 1000).toFixed(1)} s (${((embedMs * 1000) / texts.length).toFixed(0)} µs each)`);
    console.log(rows.join('\n'));
  }

  if (values.embedders !== 'default') measure('LSA baseline (contrastiveEpochs 0)', { contrastiveEpochs: 0 });
  measure('default corpus embedder', {});
  console.log(`reproduce: npm run bench -- search-quality --papers ${values.papers} --queries ${values.queries} --weights ${values.weights} --embedders ${values.embedders}`);
}
