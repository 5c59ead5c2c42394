// The search build worker's body (see worker-build.ts for the app side): its own connection to the store, then
// the full build (build.ts), which writes the snapshot generations; each is announced to the app thread, which
// loads it from disk. All the transient build memory (the papers, the build's scratch arrays, the trainer's
// matrices) goes when the thread ends.
import { parentPort, workerData } from 'node:worker_threads';
import { connect } from '../db/connect.ts';
import { buildSnapshot, readIndexablePapers } from './build.ts';
import type { WorkerBuildRequest, WorkerMessage } from './worker-build.ts';

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
  await buildSnapshot(read.papers, read.highWater, { ...request.embedder, log }, {
    log,
    lexicalFirst: request.lexicalFirst,
    onSnapshot: (generation, complete) => post({ type: 'snapshot', generation, complete }),
  });
}

build(workerData as WorkerBuildRequest).catch((e: Error) => {
  post({ type: 'error', message: e?.message ?? String(e), stack: e?.stack });
});
