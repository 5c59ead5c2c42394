// The search build worker's body (see worker-build.ts for the app side): its own connection to the store, the
// indexable papers, the lexical index (posted at once, arrays transferred), then the embedder (loaded or trained),
// the vectors (cached ones reused) and the ANN graph (saved to the data dir, where the app loads it from). All the
// transient build memory (the papers, the build's scratch arrays, the trainer's matrices) goes when the thread ends.
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '../db/connect.ts';
import { streamIndexablePapers, type IndexablePaper } from '../db/search.ts';
import { SearchEngine } from './engine.ts';
import { paperText, type Embedder } from './semantic/embedder.ts';
import { attachVectors, loadEmbedder } from './semantic/prepare.ts';
import { annFile, loadVectors, searchDir } from './store.ts';
import { packLexical, packStrings, type WorkerBuildRequest, type WorkerMessage } from './worker-build.ts';

function post(message: WorkerMessage, transfer: ArrayBuffer[] = []): void {
  parentPort!.postMessage(message, transfer);
}

const log = (message: string) => post({ type: 'log', message });

async function build(request: WorkerBuildRequest): Promise<void> {
  const started = Date.now();
  const papers: IndexablePaper[] = [];
  const database = connect({ ...request.connection, poolSize: 1 });
  try {
    for await (const page of streamIndexablePapers(database, null)) for (const p of page) if (!p.hidden) papers.push(p);
  } finally {
    await database.close();
  }
  const engine = SearchEngine.build(papers);
  const ms = Date.now() - started;
  log(`search: lexical index over ${papers.length} papers in ${ms} ms`);
  const { packed, transfer } = packLexical(engine.lexical);
  const ids = packStrings(papers.map((p) => p.id));
  const days = packStrings(papers.map((p) => p.day ?? ''));
  post({ type: 'lexical', index: packed, ids, days, ms }, [...transfer, ids.lengths.buffer as ArrayBuffer, days.lengths.buffer as ArrayBuffer]);
  // From here on `engine` has no lexical arrays (they moved to the app); attachVectors only sets its vectors.

  if (request.fault === 'throw') throw new Error('search build worker: forced failure (test)');
  if (request.fault === 'exit') process.exit(3);

  const choice = { ...request.embedder, log };
  let embedder: Embedder | null = null;
  try {
    embedder = await loadEmbedder(choice, papers.map((p) => paperText(p.title, p.abstract)));
  } catch (e) {
    log(`search: embedder unavailable (${(e as Error).message}); lexical only`);
  }
  if (!embedder) {
    post({ type: 'semantic', semantic: null });
    return;
  }
  await attachVectors(engine, embedder, papers, choice.dataDir, log);
  const dims = embedder.dimensions;
  const vectors = embeddedVectors(papers, embedder.id, dims, choice.dataDir) ?? decoded(engine, papers.length, dims);
  const ann = engine.vectorIndex ? annFile(searchDir(choice.dataDir), embedder.id) : null;
  post({ type: 'semantic', semantic: { embedderId: embedder.id, dimensions: dims, vectors, annFile: ann } }, [vectors.buffer as ArrayBuffer]);
}

/**
 * The float vectors attachVectors used, read back from the vectors file it keeps current (it quantises them for
 * the engine and does not hand them out), so the app quantises exactly the same numbers. Null if the file no longer
 * matches these papers (another process wrote it meanwhile).
 */
function embeddedVectors(papers: IndexablePaper[], embedderId: string, dims: number, dataDir: string): Float32Array | null {
  const stored = loadVectors(searchDir(dataDir));
  if (!stored || stored.embedderId !== embedderId || stored.dimensions !== dims) return null;
  const out = new Float32Array(papers.length * dims);
  for (let i = 0; i < papers.length; i++) {
    const row = stored.rows.get(papers[i].id);
    if (!row || row[0] !== papers[i].modifiedAt) return null;
    out.set(stored.vectors.subarray(row[1] * dims, (row[1] + 1) * dims), i * dims);
  }
  return out;
}

/** Fallback: the engine's int8 vectors decoded (re-quantised by the app to the same codes, scales within a rounding). */
function decoded(engine: SearchEngine, count: number, dims: number): Float32Array {
  const out = new Float32Array(count * dims);
  for (let v = 0; v < count; v++) out.set(engine.vectors!.vector(v), v * dims);
  return out;
}

build(workerData as WorkerBuildRequest).catch((e: Error) => {
  post({ type: 'error', message: e?.message ?? String(e), stack: e?.stack });
});
