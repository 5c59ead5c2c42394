// Runs readSources (records.ts) in a worker thread and posts its messages to the importing thread, at most
// MAX_AHEAD unacknowledged, so memory stays bounded when the store is the slower side.
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { readSources, type PlannedFile, type SourceMessage } from './records.ts';

const MAX_AHEAD = 16;

type WorkerMessage = SourceMessage | { type: 'done' } | { type: 'failed'; message: string };

/** The same messages as readSources(files), produced in a worker thread. */
export async function* readSourcesInWorker(files: PlannedFile[]): AsyncGenerator<SourceMessage> {
  // The worker runs TypeScript too: it registers tsx before loading this module (no build step, see bin/paperfeed.js).
  const tsx = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(import.meta.url)}); })`;
  const worker = new Worker(bootstrap, { eval: true, workerData: { paperfeedImportFiles: files } });
  const queue: WorkerMessage[] = [];
  let wake: (() => void) | null = null;
  let failure: Error | null = null;
  const notify = () => {
    wake?.();
    wake = null;
  };
  worker.on('message', (m: WorkerMessage) => {
    queue.push(m);
    notify();
  });
  worker.on('error', (e) => {
    failure = e;
    notify();
  });
  worker.on('exit', (code) => {
    failure ??= new Error(`import reader stopped early (exit code ${code})`);
    notify();
  });
  try {
    for (;;) {
      const m = queue.shift();
      if (!m) {
        if (failure) throw failure;
        await new Promise<void>((resolve) => (wake = resolve));
        continue;
      }
      if (m.type === 'done') return;
      if (m.type === 'failed') throw new Error(m.message);
      worker.postMessage('ack');
      yield m;
    }
  } finally {
    worker.removeAllListeners('exit');
    await worker.terminate();
  }
}

async function serve(files: PlannedFile[]): Promise<void> {
  const port = parentPort!;
  let credit = MAX_AHEAD;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credit++;
    wake?.();
    wake = null;
  });
  try {
    for await (const message of readSources(files)) {
      while (credit <= 0) await new Promise<void>((resolve) => (wake = resolve));
      credit--;
      port.postMessage(message);
    }
    port.postMessage({ type: 'done' } satisfies WorkerMessage);
  } catch (e) {
    port.postMessage({ type: 'failed', message: (e as Error)?.stack ?? String(e) } satisfies WorkerMessage);
  }
}

if (!isMainThread && workerData?.paperfeedImportFiles) await serve(workerData.paperfeedImportFiles as PlannedFile[]);
