// The search build worker's body (see worker-build.ts for the app side): its own connection to the store, the
// indexable papers, the lexical index (posted at once, arrays transferred), then the embedder (loaded or trained),
// the vectors (cached ones reused) and the ANN graph (saved to the data dir, where the app loads it from). All the
// transient build memory (the papers, the build's scratch arrays, the trainer's matrices) goes when the thread ends.
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '../db/connect.ts';
import { streamIndexablePapers, type IndexablePaper } from '../db/search.ts';
import { deriveMissingText } from './derive.ts';
import { SearchEngine } from './engine.ts';
import { detachedStatistics, type PhraseStatistics } from './keyphrases.ts';
import { paperText, type Embedder } from './semantic/embedder.ts';
import { attachVectors, loadEmbedder } from './semantic/prepare.ts';
import { annFile, searchDir } from './store.ts';
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
  // Word and pair counts for deriving text, copied: the index's arrays move to the app below.
  const stats = request.deriveText ? detachedStatistics(engine.lexical) : null;
  const { packed, transfer } = packLexical(engine.lexical);
  const ids = packStrings(papers.map((p) => p.id));
  const days = packStrings(papers.map((p) => p.day ?? ''));
  post({ type: 'lexical', index: packed, ids, days, ms }, [...transfer, ids.lengths.buffer as ArrayBuffer, days.lengths.buffer as ArrayBuffer]);
  // From here on `engine` has no lexical arrays (they moved to the app); attachVectors only sets its vectors.

  if (request.fault === 'throw') throw new Error('search build worker: forced failure (test)');
  if (request.fault === 'exit') process.exit(3);

  if (stats) await deriveText(request, stats);

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
  const vectors = engine.vectors!.parts();
  const ann = engine.vectorIndex ? annFile(searchDir(choice.dataDir), embedder.id) : null;
  post({ type: 'semantic', semantic: { embedderId: embedder.id, dimensions: embedder.dimensions, vectors, annFile: ann } }, [
    vectors.codes.buffer as ArrayBuffer,
    vectors.scales.buffer as ArrayBuffer,
  ]);
}

/** Keyphrases and TL;DRs for new or changed papers; a failure is logged and the build goes on without them. */
async function deriveText(request: WorkerBuildRequest, stats: PhraseStatistics): Promise<void> {
  const database = connect({ ...request.connection, poolSize: 1 });
  try {
    await deriveMissingText(database, stats, log);
  } catch (e) {
    log(`search: deriving keyphrases and TL;DRs failed (${(e as Error).message}); the next build retries`);
  } finally {
    await database.close();
  }
}

build(workerData as WorkerBuildRequest).catch((e: Error) => {
  post({ type: 'error', message: e?.message ?? String(e), stack: e?.stack });
});
