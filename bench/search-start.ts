// `npm run bench -- search-start --dir DIR [--no-latency]`
//
// A start from a saved search snapshot, in a fresh process: the snapshot and model that
// `npm run bench -- search [--synthetic N] --snapshot DIR` wrote are loaded the way the service loads them (sections
// read in bulk, the HNSW graph memory-mapped, the corpus model read), and the first hybrid query is answered. Prints
// each step's time, the time since the process started, and resident memory; then (unless --no-latency) the latency
// table on the loaded engine, which must match the built one's (the same queries as the build run).
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_HYBRID, SearchEngine } from '../src/search/engine.ts';
import { parseQuery } from '../src/search/query.ts';
import { CorpusEmbedder } from '../src/search/semantic/corpus-embedder.ts';
import { HnswIndex } from '../src/search/semantic/vector-index.ts';
import { readSnapshot } from '../src/search/snapshot.ts';
import { loadCorpusModel, searchDir } from '../src/search/store.ts';
import { loadRealPapers, mb, measureLatencies, memoryParts, printLatencies, residentAfterGc, syntheticFactory, type BenchSnapshotInfo } from './search.ts';

export async function run(args: string[]): Promise<void> {
  const { values } = parseArgs({ args, options: { dir: { type: 'string' }, 'no-latency': { type: 'boolean', default: false } } });
  if (!values.dir) throw new Error('usage: npm run bench -- search-start --dir DIR (written by npm run bench -- search --snapshot DIR)');
  const dir = path.resolve(values.dir);
  const info: BenchSnapshotInfo = JSON.parse(fs.readFileSync(path.join(dir, 'bench-queries.json'), 'utf8'));
  const processStart = performance.now();
  const step = async <T>(name: string, fn: () => T | Promise<T>): Promise<T> => {
    const t = performance.now();
    const r = await fn();
    console.log(`${name}: ${Math.round(performance.now() - t)} ms`);
    return r;
  };
  const loaded = await step('read snapshot sections', () => readSnapshot(dir));
  if (!loaded) throw new Error(`no snapshot under ${dir}`);
  // The bench writes a full build's generation: one segment.
  const { content } = loaded.segments[0];
  const dims = content.vectors?.dimensions ?? 0;
  const graph = await step('map HNSW graph', () => (content.annFile ? HnswIndex.view(content.annFile, dims, content.docs.ids.count) : null));
  const engine = new SearchEngine(content.lexical, content.docs, content.vectors, graph, DEFAULT_HYBRID, content.vocabulary);
  const model = await step('load corpus model', () => loadCorpusModel(searchDir(dir)));
  const embedder = model ? new CorpusEmbedder(model) : null;
  const first = info.queries.common[0];
  await step('first hybrid query', () =>
    engine.rank(parseQuery(first), 'hybrid', 10, embedder?.embedOne(parseQuery(first).text) ?? null, embedder ? (t) => embedder.relatedTerms(t) : undefined),
  );
  console.log(
    `start from snapshot: ${((performance.now() - processStart) / 1000).toFixed(1)} s from reading the manifest to the first hybrid answer; ` +
      `${(performance.now() / 1000).toFixed(1)} s since the process started (Node and tsx included); ${engine.docCount.toLocaleString('en-US')} papers`,
  );
  console.log(`resident memory after loading: ${mb(await residentAfterGc())} (${memoryParts()})`);
  if (!values['no-latency']) {
    const real = loadRealPapers();
    const paperAt = info.synthetic ? syntheticFactory(real) : (i: number) => real[i];
    console.log(`\nlatency in ms (p50 / p95 / p99) on the loaded engine, top 10 with highlights, ${info.perClass} queries per class:`);
    printLatencies(measureLatencies(engine, embedder, info.queries, paperAt));
  }
  console.log(
    `\nreproduce: npm run bench -- search${info.synthetic ? ` --synthetic ${info.synthetic}` : ''} --queries ${info.perClass} --snapshot ${values.dir} && npm run bench -- search-start --dir ${values.dir}`,
  );
}
