// Entry of the search build worker thread (see worker-build.ts). Worker threads do not inherit loader hooks
// registered through tsx's API (bin/paperfeed.js) nor vitest's transform, so the worker registers tsx itself and
// then loads the TypeScript body. Plain JavaScript: it runs before any TypeScript can be loaded.
import { register } from 'tsx/esm/api';

register();
await import('./worker-build-thread.ts');
