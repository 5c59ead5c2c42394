// The search build worker's body (see worker-build.ts for the app side): its own connection to the store, then
// the full build (build.ts), a join or a segment's graph (compact.ts), which writes the snapshot generations; each is announced to the app thread, which
// loads it from disk. All the transient build memory (the index builders, the training sample, the trainer's
// matrices) goes when the thread ends.
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '../db/connect.ts';
import { buildSnapshot, databasePapers } from './build.ts';
import { addGraphs, compactSegments } from './compact.ts';
import type { WorkerBuildRequest, WorkerMessage } from './worker-build.ts';
import { deriveMissingText } from './derive.ts';
import { indexStatistics } from './keyphrases.ts';

function post(message: WorkerMessage): void {
  parentPort!.postMessage(message);
}

const log = (message: string) => post({ type: 'log', message });

async function build(request: WorkerBuildRequest): Promise<void> {
  // One connection for the whole build: it reads the papers twice (build.ts) and stores keyphrases and TL;DRs.
  const database = connect({ ...request.connection, poolSize: 1 });
  try {
    if (request.upkeep) {
      const { kind, ...upkeep } = request.upkeep;
      const job = { dataDir: request.embedder.dataDir, ...upkeep, log };
      const generation = kind === 'join' ? await compactSegments(database, job) : await addGraphs(job);
      post({ type: 'snapshot', generation, complete: true });
      return;
    }
    await buildSnapshot(
      databasePapers(database),
      { ...request.embedder, log },
      {
        log,
        lexicalFirst: request.lexicalFirst,
        onSnapshot: (generation, complete) => post({ type: 'snapshot', generation, complete }),
        deriveText: request.deriveText ? (lexical) => deriveMissingText(database, indexStatistics(lexical), log).then(() => undefined) : undefined,
      },
    );
  } finally {
    await database.close();
  }
}

build(workerData as WorkerBuildRequest).catch((e: Error) => {
  post({ type: 'error', message: e?.message ?? String(e), stack: e?.stack });
});
