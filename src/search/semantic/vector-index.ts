// Approximate nearest neighbours over paper vectors: usearch's HNSW graph (cosine, f16 storage), keyed by the
// engine's document number. Persisted next to the vectors it was built from; a file that is missing, unreadable
// or built for other vectors is rebuilt from them (derived data is a cache).
import fs from 'node:fs';
import usearch from 'usearch';

export interface VectorIndex {
  size(): number;
  /** Document numbers of the nearest vectors, closest first. */
  search(vector: Float32Array, k: number): number[];
}

/** The graph's settings, in one place: a saved index must be loaded with the settings it was built with. */
function emptyIndex(dimensions: number): InstanceType<typeof usearch.Index> {
  return new usearch.Index({
    dimensions,
    metric: usearch.MetricKind.Cos,
    quantization: usearch.ScalarKind.F16,
    connectivity: 16,
    expansion_add: 128,
    expansion_search: 96,
    multi: false,
  });
}

export class HnswIndex implements VectorIndex {
  private constructor(private readonly index: InstanceType<typeof usearch.Index>) {}

  /** `threads` 1 builds the same graph on every run (parallel inserts shape it by their order); 0 uses every core. */
  static build(vectors: Float32Array, dimensions: number, threads = 0): HnswIndex {
    const count = dimensions ? vectors.length / dimensions : 0;
    const index = emptyIndex(dimensions);
    if (count > 0) {
      const keys = new BigUint64Array(count);
      for (let i = 0; i < count; i++) keys[i] = BigInt(i);
      index.add(keys, vectors, threads);
    }
    return new HnswIndex(index);
  }

  /** Loads a saved index when it holds exactly `count` vectors of `dimensions`; null otherwise. */
  static load(file: string, dimensions: number, count: number): HnswIndex | null {
    if (!fs.existsSync(file)) return null;
    try {
      const index = emptyIndex(dimensions);
      index.load(file);
      if (index.size() !== count || index.dimensions() !== dimensions) return null;
      return new HnswIndex(index);
    } catch {
      return null;
    }
  }

  /**
   * Maps a saved index into memory instead of reading it (usearch's view): pages are read as searches touch them
   * and are shared with every process that maps the same file. Null when the file does not hold `count` vectors
   * of `dimensions`. The file must not change while mapped: snapshot files never do (a new build writes a new
   * generation).
   */
  static view(file: string, dimensions: number, count: number): HnswIndex | null {
    if (!fs.existsSync(file)) return null;
    try {
      const index = emptyIndex(dimensions);
      index.view(file);
      if (index.size() !== count || index.dimensions() !== dimensions) return null;
      return new HnswIndex(index);
    } catch {
      return null;
    }
  }

  save(file: string): void {
    this.index.save(file);
  }

  size(): number {
    return Number(this.index.size());
  }

  search(vector: Float32Array, k: number): number[] {
    if (k <= 0 || this.size() === 0) return [];
    const m = this.index.search(vector, Math.min(k, this.size()), 1);
    return Array.from(m.keys, (key) => Number(key));
  }
}
