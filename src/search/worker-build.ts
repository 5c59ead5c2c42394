// Snapshot builds off the event loop: a worker thread opens its own connection to the store, builds the lexical
// index, loads or trains the embedder, embeds and saves the ANN graph, and posts the results back with their typed
// arrays transferred (moved, not copied). This module is the app side: it starts the worker, reassembles a
// SearchEngine from what it posts, and turns a worker error or crash into a rejected promise. The worker's own
// code is worker-build-thread.ts; worker-build-entry.mjs loads it through tsx.
import { Worker } from 'node:worker_threads';
import type { ConnectOptions } from '../db/connect.ts';
import { SearchEngine } from './engine.ts';
import type { LexicalIndex } from './lexical/index.ts';
import { QuantizedVectors } from './semantic/quantized.ts';
import { HnswIndex, type VectorIndex } from './semantic/vector-index.ts';

/** What the worker needs: plain, serialisable options only (no handles, nothing logged). */
export interface WorkerBuildRequest {
  connection: ConnectOptions;
  embedder: {
    dataDir: string;
    embedder: 'corpus' | 'onnx' | 'none';
    onnxModelDir?: string;
    onnxAllowRemote?: boolean;
    trainIfMissing: boolean;
  };
  /** Derive missing keyphrases and TL;DRs (derive.ts) after the lexical index, before the embedder. */
  deriveText?: boolean;
  /** Tests only: make the worker fail ('throw') or die ('exit') right after it posted the lexical index. */
  fault?: 'throw' | 'exit';
}

/** A string list as one string plus lengths: one flat copy instead of a structured clone per element. */
export interface PackedStrings {
  text: string;
  lengths: Uint32Array;
}

/** A LexicalIndex with typed arrays as they are (transferred) and Map<string, number> fields packed. */
export type PackedLexical = Record<string, unknown>;

export interface SemanticPart {
  embedderId: string;
  dimensions: number;
  /** The worker engine's int8 vectors (QuantizedVectors.parts), moved rather than copied or re-quantised. */
  vectors: { codes: Int8Array; scales: Float32Array };
  /** The ANN graph the worker saved, or null below ANN_MIN_DOCS. */
  annFile: string | null;
}

export type WorkerMessage =
  | { type: 'log'; message: string }
  | { type: 'lexical'; index: PackedLexical; ids: PackedStrings; days: PackedStrings; ms: number }
  /** The last message of a successful build. */
  | { type: 'semantic'; semantic: SemanticPart | null }
  | { type: 'error'; message: string; stack?: string };

export function packStrings(list: readonly string[]): PackedStrings {
  const lengths = new Uint32Array(list.length);
  for (let i = 0; i < list.length; i++) lengths[i] = list[i].length;
  return { text: list.join(''), lengths };
}

export function unpackStrings(packed: PackedStrings): string[] {
  const out = new Array<string>(packed.lengths.length);
  let at = 0;
  for (let i = 0; i < out.length; i++) {
    const end = at + packed.lengths[i];
    out[i] = packed.text.slice(at, end);
    at = end;
  }
  return out;
}

const MAP_TAG = '__stringMap';

/**
 * The index's fields, typed arrays untouched (their buffers go into `transfer`), string → number maps packed into
 * one string, lengths and values; anything else (numbers, params) is cloned. Field-generic, so the index can gain
 * arrays without this code changing.
 */
export function packLexical(index: LexicalIndex): { packed: PackedLexical; transfer: ArrayBuffer[] } {
  const packed: PackedLexical = {};
  const buffers = new Set<ArrayBuffer>();
  for (const [key, value] of Object.entries(index)) {
    if (ArrayBuffer.isView(value)) {
      if (value.buffer instanceof ArrayBuffer) buffers.add(value.buffer);
      packed[key] = value;
    } else if (value instanceof Map) {
      const keys = [...value.keys()] as string[];
      const values = Float64Array.from(value.values() as Iterable<number>);
      buffers.add(values.buffer);
      const strings = packStrings(keys);
      buffers.add(strings.lengths.buffer as ArrayBuffer);
      packed[key] = { [MAP_TAG]: true, keys: strings, values };
    } else {
      packed[key] = value;
    }
  }
  return { packed, transfer: [...buffers] };
}

/** Yields to the event loop between chunks, so rebuilding a dictionary of millions of words never stalls requests. */
const MAP_CHUNK = 100_000;
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function unpackLexical(packed: PackedLexical): Promise<LexicalIndex> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(packed)) {
    if (value && typeof value === 'object' && (value as Record<string, unknown>)[MAP_TAG]) {
      const { keys, values } = value as { keys: PackedStrings; values: Float64Array };
      const map = new Map<string, number>();
      let at = 0;
      for (let i = 0; i < values.length; i++) {
        if (i % MAP_CHUNK === MAP_CHUNK - 1) await yieldToLoop();
        const end = at + keys.lengths[i];
        map.set(keys.text.slice(at, end), values[i]);
        at = end;
      }
      out[key] = map;
    } else {
      out[key] = value;
    }
  }
  return out as unknown as LexicalIndex;
}

export interface WorkerBuildResult {
  engine: SearchEngine;
  semantic: { embedderId: string; vectors: QuantizedVectors; vectorIndex: VectorIndex | null } | null;
}

export interface WorkerBuild {
  /** Resolves once the worker has posted its last part (then it is stopped); rejects on any error or crash. */
  done: Promise<WorkerBuildResult>;
  /** Stops the worker (shutdown); `done` then rejects. */
  terminate(): Promise<void>;
}

const ENTRY = new URL('./worker-build-entry.mjs', import.meta.url);

/**
 * Starts a build in a worker thread. `onLexical` receives the lexical-only engine as soon as it exists (before
 * vectors); the same engine object comes back in `done` with its semantic part (not yet attached: the caller
 * attaches vectors once it has the matching query embedder).
 */
export function startWorkerBuild(
  request: WorkerBuildRequest,
  handlers: { log?: (message: string) => void; onLexical?: (engine: SearchEngine) => void },
): WorkerBuild {
  // execArgv: [] so the parent's loader flags (vitest's, `--import tsx`) are not inherited: the entry registers tsx
  // itself, the same way under bin/paperfeed.js, `node --import tsx` and vitest.
  const worker = new Worker(ENTRY, { workerData: request, execArgv: [] });
  let engine: SearchEngine | null = null;
  let finished = false;
  // Messages are handled one at a time, in order: unpacking the index yields to the event loop.
  let queue: Promise<void> = Promise.resolve();
  const done = new Promise<WorkerBuildResult>((resolve, reject) => {
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
        case 'lexical': {
          const started = performance.now();
          const index = await unpackLexical(m.index);
          const ids = unpackStrings(m.ids);
          const days = unpackStrings(m.days);
          await yieldToLoop();
          engine = new SearchEngine(index, ids.map((id, i) => ({ id, day: days[i] || null })), null);
          handlers.log?.(`search: lexical index received from the build worker (${Math.round(performance.now() - started)} ms on this thread)`);
          handlers.onLexical?.(engine);
          return;
        }
        case 'semantic': {
          if (!engine) throw new Error('search build worker sent vectors before the lexical index');
          const s = m.semantic;
          let semantic: WorkerBuildResult['semantic'] = null;
          if (s) {
            const started = performance.now();
            const vectors = QuantizedVectors.fromParts(s.dimensions, s.vectors);
            const count = vectors.count;
            if (count !== engine.docCount) throw new Error(`search build worker sent ${count} vectors for ${engine.docCount} papers`);
            const vectorIndex = s.annFile ? HnswIndex.load(s.annFile, s.dimensions, count) : null;
            if (s.annFile && !vectorIndex) handlers.log?.('search: the ANN graph the build saved could not be loaded; semantic search scans exactly until the next build');
            semantic = { embedderId: s.embedderId, vectors, vectorIndex };
            handlers.log?.(`search: vectors${vectorIndex ? ' and ANN graph' : ''} received from the build worker (${Math.round(performance.now() - started)} ms on this thread)`);
          }
          finished = true;
          resolve({ engine, semantic });
          void worker.terminate();
          return;
        }
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
