// The search build worker's body (see worker-build.ts for the app side): its own connection to the store, then
// the full build (build.ts), which writes the snapshot generations; each is announced to the app thread, which
// loads it from disk. All the transient build memory (the papers, the build's scratch arrays, the trainer's
// matrices) goes when the thread ends.
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '../db/connect.ts';
import { buildSnapshot, readIndexablePapers } from './build.ts';
import type { WorkerBuildRequest, WorkerMessage } from './worker-build.ts';
import { deriveMissingText } from './derive.ts';
import { indexStatistics } from './keyphrases.ts';
import type { LexicalIndex } from './lexical/index.ts';

function post(message: WorkerMessage): void {
  parentPort!.postMessage(message);
}

const log = (message: string) => post({ type: 'log', message });

async function build(request: WorkerBuildRequest): Promise<void> {
  const database = connect({ ...request.connection, poolSize: 1 });
  let read: Awaited<ReturnType<typeof readIndexablePapers>>;
  try {
    read = await readIndexablePapers(database);
  } finally {
    await database.close();
  }
  await buildSnapshot(
    read.papers,
    read.highWater,
    { ...request.embedder, log },
    {
      log,
      lexicalFirst: request.lexicalFirst,
      onSnapshot: (generation, complete) => post({ type: 'snapshot', generation, complete }),
      deriveText: request.deriveText ? (lexical) => deriveWith(request, lexical) : undefined,
    },
  );
}

/** Keyphrases and TL;DRs for new or changed papers, over a connection of its own (the reading one is closed). */
async function deriveWith(request: WorkerBuildRequest, lexical: LexicalIndex): Promise<void> {
  const database = connect({ ...request.connection, poolSize: 1 });
  try {
    await deriveMissingText(database, indexStatistics(lexical), log);
  } finally {
    await database.close();
  }
}

build(workerData as WorkerBuildRequest).catch((e: Error) => {
  post({ type: 'error', message: e?.message ?? String(e), stack: e?.stack });
});
