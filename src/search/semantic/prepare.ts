// Getting the semantic side ready for an engine: choose and load the embedder (training the corpus model when
// there is none or the corpus has drifted), embed only the papers whose cached vectors are missing or stale,
// and load or rebuild the ANN graph.
import fs from 'node:fs';
import type { SearchEngine } from '../engine.ts';
import { annFile, loadCorpusModel, loadVectors, saveCorpusModel, saveVectors, searchDir } from '../store.ts';
import { CorpusEmbedder, trainCorpusModel, type CorpusModelOptions } from './corpus-embedder.ts';
import type { Embedder } from './embedder.ts';
import { QuantizedVectors } from './quantized.ts';
import { HnswIndex } from './vector-index.ts';

/** The corpus model is retrained once the corpus has grown by this factor since training. */
export const DRIFT_GROWTH = 1.5;
/** Too few papers make meaningless word vectors. */
export const MIN_TRAINING_DOCS = 20;
/**
 * Below this many papers nearest neighbours come from an exact scan (about 2 ms a query at 10,000 papers): exact
 * and deterministic, where the graph (built by parallel threads) returns slightly different neighbours per build.
 */
export const ANN_MIN_DOCS = 10_000;

export interface EmbedderChoice {
  dataDir: string;
  embedder: 'corpus' | 'onnx' | 'none';
  onnxModelDir?: string;
  onnxAllowRemote?: boolean;
  trainIfMissing: boolean;
  /** Retrain the corpus model even when a current one is saved. */
  retrain?: boolean;
  corpusModel?: Partial<CorpusModelOptions>;
  log?: (message: string) => void;
}

/**
 * The embedder for a build of `corpusSize` papers. `texts` are the papers' texts to train on when training is
 * needed: all of them, or an even sample when the corpus is larger than the trainer looks at.
 */
export async function loadEmbedder(choice: EmbedderChoice, texts: string[], corpusSize = texts.length): Promise<Embedder | null> {
  if (choice.embedder === 'none') return null;
  if (choice.embedder === 'onnx') {
    if (!choice.onnxModelDir) throw new Error('EMBEDDER=onnx needs ONNX_MODEL_DIR');
    const { OnnxEmbedder } = await import('./onnx-embedder.ts');
    return OnnxEmbedder.load({ model: choice.onnxModelDir, allowRemote: choice.onnxAllowRemote });
  }
  const dir = searchDir(choice.dataDir);
  const saved = choice.retrain ? null : loadCorpusModel(dir);
  const drifted = saved !== null && corpusSize > saved.trainedOnDocs * DRIFT_GROWTH;
  if (saved && !drifted) return new CorpusEmbedder(saved);
  if (!choice.trainIfMissing || corpusSize < MIN_TRAINING_DOCS) return saved ? new CorpusEmbedder(saved) : null;
  const started = Date.now();
  const model = trainCorpusModel(texts, choice.corpusModel, corpusSize);
  saveCorpusModel(dir, model);
  choice.log?.(
    `search: corpus embedder trained on ${corpusSize} papers (${model.vocabulary.length} words × ${model.dimensions}) in ${Date.now() - started} ms`,
  );
  return new CorpusEmbedder(model);
}

/** A document's number in the engine being built and the text to embed for it. */
export interface DocText {
  doc: number;
  text: string;
}

/** Papers embedded per call to the embedder. */
const EMBED_BATCH = 256;

/**
 * Fills engine.vectors (reusing cached vectors of unchanged papers: `modifiedAt` is each document's stamp) and its
 * ANN index. `textsOf` yields the text of the documents flagged in the array it is given, in any order, in pages:
 * only those without a usable cached vector are asked for.
 */
export async function attachVectors(
  engine: SearchEngine,
  embedder: Embedder,
  modifiedAt: readonly string[],
  textsOf: (wanted: Uint8Array) => AsyncIterable<DocText[]>,
  dataDir: string,
  log?: (m: string) => void,
): Promise<void> {
  const dir = searchDir(dataDir);
  const dims = embedder.dimensions;
  const count = engine.docCount;
  const stored = loadVectors(dir);
  const usable = stored && stored.embedderId === embedder.id && stored.dimensions === dims ? stored : null;
  const vectors = new Float32Array(count * dims);
  const wanted = new Uint8Array(count);
  let missing = 0;
  for (let d = 0; d < count; d++) {
    const hit = usable?.rows.get(engine.ids.id(d));
    if (hit && hit[0] === modifiedAt[d]) vectors.set(usable!.vectors.subarray(hit[1] * dims, (hit[1] + 1) * dims), d * dims);
    else {
      wanted[d] = 1;
      missing++;
    }
  }
  const started = Date.now();
  let embedded = 0;
  let reported = started;
  if (missing) {
    for await (const page of textsOf(wanted)) {
      for (let i = 0; i < page.length; i += EMBED_BATCH) {
        const batch = page.slice(i, i + EMBED_BATCH);
        const out = await embedder.embed(batch.map((t) => t.text));
        batch.forEach((t, n) => {
          vectors.set(out[n], t.doc * dims);
        });
      }
      embedded += page.length;
      if (log && Date.now() - reported > 10_000) {
        reported = Date.now();
        log(`search: embedded ${embedded} of ${missing} papers so far`);
      }
    }
    saveVectors(
      dir,
      embedder.id,
      dims,
      Array.from({ length: count }, (_, d) => engine.ids.id(d)),
      modifiedAt,
      vectors,
    );
    log?.(`search: embedded ${embedded} papers in ${Date.now() - started} ms`);
  }
  engine.vectors = QuantizedVectors.from(vectors, dims);
  engine.vectorIndex = count >= ANN_MIN_DOCS ? loadOrBuildAnn(dir, embedder.id, vectors, dims, missing > 0, log) : null;
}

function loadOrBuildAnn(dir: string, embedderId: string, vectors: Float32Array, dims: number, changed: boolean, log?: (m: string) => void): HnswIndex {
  const file = annFile(dir, embedderId);
  const count = vectors.length / dims;
  if (!changed) {
    const loaded = HnswIndex.load(file, dims, count);
    if (loaded) return loaded;
  }
  const started = Date.now();
  const index = HnswIndex.build(vectors, dims);
  fs.mkdirSync(dir, { recursive: true });
  index.save(file);
  log?.(`search: ANN index over ${count} vectors built in ${Date.now() - started} ms`);
  return index;
}
