// Getting the semantic side ready for an engine: choose and load the embedder (training the corpus model when
// there is none or the corpus has drifted), embed only the papers whose cached vectors are missing or stale,
// and load or rebuild the ANN graph.
import fs from 'node:fs';
import type { SearchEngine } from '../engine.ts';
import { annFile, loadCorpusModel, loadVectors, saveCorpusModel, saveVectors, searchDir } from '../store.ts';
import { CorpusEmbedder, trainCorpusModel, type CorpusModelOptions } from './corpus-embedder.ts';
import { paperText, type Embedder } from './embedder.ts';
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

export async function loadEmbedder(choice: EmbedderChoice, texts: string[]): Promise<Embedder | null> {
  if (choice.embedder === 'none') return null;
  if (choice.embedder === 'onnx') {
    if (!choice.onnxModelDir) throw new Error('EMBEDDER=onnx needs ONNX_MODEL_DIR');
    const { OnnxEmbedder } = await import('./onnx-embedder.ts');
    return OnnxEmbedder.load({ model: choice.onnxModelDir, allowRemote: choice.onnxAllowRemote });
  }
  const dir = searchDir(choice.dataDir);
  const saved = choice.retrain ? null : loadCorpusModel(dir);
  const drifted = saved !== null && texts.length > saved.trainedOnDocs * DRIFT_GROWTH;
  if (saved && !drifted) return new CorpusEmbedder(saved);
  if (!choice.trainIfMissing || texts.length < MIN_TRAINING_DOCS) return saved ? new CorpusEmbedder(saved) : null;
  const started = Date.now();
  const model = trainCorpusModel(texts, choice.corpusModel);
  saveCorpusModel(dir, model);
  choice.log?.(
    `search: corpus embedder trained on ${texts.length} papers (${model.vocabulary.length} words × ${model.dimensions}) in ${Date.now() - started} ms`,
  );
  return new CorpusEmbedder(model);
}

export interface EmbeddablePaper {
  id: string;
  title: string;
  abstract: string;
  modifiedAt: string;
}

/** Fills engine.vectors (reusing cached vectors of unchanged papers) and its ANN index. */
export async function attachVectors(
  engine: SearchEngine,
  embedder: Embedder,
  papers: EmbeddablePaper[],
  dataDir: string,
  log?: (m: string) => void,
): Promise<void> {
  const dir = searchDir(dataDir);
  const dims = embedder.dimensions;
  const stored = loadVectors(dir);
  const usable = stored && stored.embedderId === embedder.id && stored.dimensions === dims ? stored : null;
  const vectors = new Float32Array(papers.length * dims);
  const missing: number[] = [];
  papers.forEach((p, i) => {
    const hit = usable?.rows.get(p.id);
    if (hit && hit[0] === p.modifiedAt) vectors.set(usable!.vectors.subarray(hit[1] * dims, (hit[1] + 1) * dims), i * dims);
    else missing.push(i);
  });
  const started = Date.now();
  for (let i = 0; i < missing.length; i += 256) {
    const batch = missing.slice(i, i + 256);
    const out = await embedder.embed(batch.map((j) => paperText(papers[j].title, papers[j].abstract)));
    batch.forEach((j, n) => {
      vectors.set(out[n], j * dims);
    });
  }
  if (missing.length) {
    saveVectors(
      dir,
      embedder.id,
      dims,
      papers.map((p) => p.id),
      papers.map((p) => p.modifiedAt),
      vectors,
    );
    log?.(`search: embedded ${missing.length} papers in ${Date.now() - started} ms`);
  }
  engine.vectors = QuantizedVectors.from(vectors, dims);
  engine.vectorIndex = papers.length >= ANN_MIN_DOCS ? loadOrBuildAnn(dir, embedder.id, vectors, dims, missing.length > 0, log) : null;
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
