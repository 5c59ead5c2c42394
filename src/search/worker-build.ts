// Snapshot builds off the event loop: a worker thread opens its own connection to the store and runs the full
// build (build.ts), which writes snapshot generations under the data dir; it posts each generation's name as it is
// written, and the app thread loads it from there (the same way it loads one written by another process). This
// module is the app side: it starts the worker and turns a worker error or crash into a rejected promise. The
// worker's own code is worker-build-thread.ts; worker-build-entry.mjs loads it through tsx.
import { Worker } from 'node:worker_threads';
import type { ConnectOptions } from '../db/connect.ts';

/** What the worker needs: plain, serialisable options only (no handles, nothing logged). */
export interface WorkerBuildRequest {
  connection: ConnectOptions;
  embedder: {
    dataDir: string;
    embedder: 'corpus' | 'onnx' | 'none';
    onnxModelDir?: string;
    onnxAllowRemote?: boolean;
    trainIfMissing: boolean;
    retrain?: boolean;
  };
  /** Write a lexical-only generation first (nothing answers yet). */
  lexicalFirst: boolean;
  /** Derive missing keyphrases and TL;DRs (derive.ts) after the lexical index, before the embedder. */
  deriveText?: boolean;
  /** Instead of a full build, join these segments of that generation, or give them their graphs (compact.ts). */
  upkeep?: { kind: 'join' | 'graph'; generation: string; segments: string[] };
}

export type WorkerMessage =
  | { type: 'log'; message: string }
  /** A generation written; the last message of a successful build has complete = true. */
  | { type: 'snapshot'; generation: string; complete: boolean }
  | { type: 'error'; message: string; stack?: string };

export interface WorkerBuild {
  /** Resolves with the complete generation once the worker has written it; rejects on any error or crash. */
  done: Promise<string>;
  /** Stops the worker (shutdown); `done` then rejects. */
  terminate(): Promise<void>;
}

const ENTRY = new URL('./worker-build-entry.mjs', import.meta.url);

/** Starts a build in a worker thread; `onSnapshot` hears of each generation (awaited before the next message). */
export function startWorkerBuild(
  request: WorkerBuildRequest,
  handlers: { log?: (message: string) => void; onSnapshot?: (generation: string, complete: boolean) => Promise<void> | void },
  entry: URL = ENTRY,
): WorkerBuild {
  // execArgv: [] so the parent's loader flags (vitest's, `--import tsx`) are not inherited: the entry registers tsx
  // itself, the same way under bin/paperfeed.js, `node --import tsx` and vitest.
  const worker = new Worker(entry, { workerData: request, execArgv: [] });
  let finished = false;
  // Messages are handled one at a time, in order: loading a generation is asynchronous.
  let queue: Promise<void> = Promise.resolve();
  const done = new Promise<string>((resolve, reject) => {
    const fail = (error: Error) => {
      if (finished) return;
      finished = true;
      void worker.terminate();
      reject(error);
    };
    const handle = async (m: WorkerMessage): Promise<void> => {
      if (finished) return;
      switch (m.type) {
        case 'log':
          handlers.log?.(m.message);
          return;
        case 'snapshot':
          await handlers.onSnapshot?.(m.generation, m.complete);
          if (m.complete) {
            finished = true;
            resolve(m.generation);
            void worker.terminate();
          }
          return;
        case 'error': {
          const e = new Error(m.message);
          if (m.stack) e.stack = m.stack;
          throw e;
        }
      }
    };
    worker.on('message', (m: WorkerMessage) => {
      queue = queue.then(() => handle(m)).catch((e: Error) => fail(e));
    });
    worker.on('error', (e) => fail(e));
    worker.on('exit', (code) => {
      // Let queued messages finish first: a worker may exit right after posting its last one.
      queue = queue.then(() => fail(new Error(`search build worker exited (code ${code}) before finishing`)));
    });
  });
  return {
    done,
    async terminate() {
      await worker.terminate();
    },
  };
}
