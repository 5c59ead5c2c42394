// A search build worker that fails on purpose right after it posted its lexical-only snapshot, for the worker tests
// (test/integration/search/worker-build.test.ts). It runs the real worker body; its `fault` ('throw' or 'exit')
// comes with the request. Plain JavaScript for the same reason as src/search/worker-build-entry.mjs.
import { parentPort, workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
const post = parentPort.postMessage.bind(parentPort);
parentPort.postMessage = (message, transfer) => {
  post(message, transfer);
  // Right after the lexical part: its lexical-only snapshot on a first build, else its log line.
  const lexicalDone = workerData.lexicalFirst
    ? message.type === 'snapshot' && !message.complete
    : message.type === 'log' && message.message.startsWith('search: lexical index over');
  if (!lexicalDone) return;
  if (workerData.fault === 'exit') process.exit(3);
  throw new Error('search build worker: forced failure (test)');
};
await import('../../src/search/worker-build-thread.ts');
