// The features recommendations are learned over: the search engine's own, so what "For you" sees agrees with
// what search sees. Two blocks per paper:
//   - sparse: the lexical index's BM25F impacts (idf times saturated, field-weighted term frequency, so a tf-idf)
//     of its words and word pairs, laid out paper by paper (the index holds them term by term) and normalised to
//     unit length. Terms in very few papers can only memorise those papers and terms in very many say little of a
//     topic: both are left out, as arxiv-sanity's TfidfVectorizer does with min_df / max_df.
//   - dense: the corpus-trained paper vectors (unit length), read in place from the engine.
// A paper's feature vector is [sparseWeight · sparse ; denseWeight · dense], so one linear model spans both.
import type { SearchEngine } from '../search/engine.ts';
import { DocCursor, END_OF_LIST } from '../search/lexical/postings.ts';
import type { QuantizedVectors } from '../search/semantic/quantized.ts';
import type { PaperIds } from '../search/paper-ids.ts';

export interface FeatureOptions {
  /** Terms in fewer papers than this are left out. */
  minDocumentFrequency: number;
  /** Terms in more than this share of the papers are left out. */
  maxDocumentShare: number;
  /** Include the index's word pairs (its bigram field) besides single words. */
  wordPairs: boolean;
  /** Scale of the sparse block (0: vectors only). */
  sparseWeight: number;
  /** Scale of the dense block (0: tf-idf only); ignored when the engine has no vectors. */
  denseWeight: number;
}

export const DEFAULT_FEATURES: FeatureOptions = {
  minDocumentFrequency: 5,
  maxDocumentShare: 0.1,
  wordPairs: true,
  sparseWeight: 1,
  denseWeight: 0,
};

/** One paper's sparse row: column numbers ascending, values of unit L2 norm. */
export interface SparseRow {
  cols: Int32Array;
  vals: Float32Array;
}

/** Postings (or row entries) handled between two turns of the event loop in build(): a few milliseconds' work. */
const CHUNK = 200_000;

export class PaperFeatures {
  private constructor(
    readonly ids: PaperIds,
    /** Days since 1970-01-01 of each paper (the engine's), -1 when unknown. */
    readonly days: Int32Array,
    /** Row d is cols/vals[rowPtr[d] .. rowPtr[d + 1]). */
    private readonly rowPtr: Uint32Array,
    private readonly cols: Int32Array,
    private readonly vals: Float32Array,
    /** Number of sparse columns (kept terms). */
    readonly sparseDims: number,
    readonly vectors: QuantizedVectors | null,
    readonly options: FeatureOptions,
    /** Hashes of the ids and sparse rows, and of the vectors (see steps()). */
    private readonly hashes: { sparse: string; dense: string },
  ) {}

  /**
   * Features of the engine's papers: two passes over its kept postings (the index is term-major; this lays rows
   * out paper by paper), 8 bytes a kept posting.
   */
  static fromEngine(engine: SearchEngine, options: Partial<FeatureOptions> = {}): PaperFeatures {
    const steps = PaperFeatures.steps(engine, options);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
    }
  }

  /** The same, giving the event loop a turn every few hundred thousand postings (a server builds it this way). */
  static async build(engine: SearchEngine, options: Partial<FeatureOptions> = {}): Promise<PaperFeatures> {
    const steps = PaperFeatures.steps(engine, options);
    for (;;) {
      const step = steps.next();
      if (step.done) return step.value;
      await new Promise((resolve) => setImmediate(resolve));
    }
  }

  /** The build, yielding after about every CHUNK postings or rows. */
  private static *steps(engine: SearchEngine, options: Partial<FeatureOptions>): Generator<void, PaperFeatures> {
    const o = { ...DEFAULT_FEATURES, ...options };
    const ix = engine.lexical;
    const n = ix.docCount;
    const terms = ix.offsets.length - 1;
    const maxDf = Math.max(o.minDocumentFrequency, Math.floor(o.maxDocumentShare * n));
    const column = new Int32Array(terms).fill(-1);
    let dims = 0;
    for (let t = 0; t < terms; t++) {
      const df = ix.offsets[t + 1] - ix.offsets[t];
      // Filter terms (author words, categories) carry no impact: they are not features.
      if (df >= o.minDocumentFrequency && df <= maxDf && ix.maxImpact[t] > 0 && (o.wordPairs || t < ix.firstBigram)) column[t] = dims++;
    }
    // Two passes over the kept postings: row lengths, then values (terms ascending, so each row's columns are too).
    const rowPtr = new Uint32Array(n + 1);
    const cursor = new DocCursor(ix);
    let work = 0;
    for (let t = 0; t < terms; t++) {
      if (column[t] < 0) continue;
      for (cursor.open(t); cursor.doc !== END_OF_LIST; cursor.next()) if (ix.impacts[cursor.pos] > 0) rowPtr[cursor.doc + 1]++;
      if ((work += ix.offsets[t + 1] - ix.offsets[t]) > CHUNK) yield void (work = 0);
    }
    for (let d = 0; d < n; d++) rowPtr[d + 1] += rowPtr[d];
    const cols = new Int32Array(rowPtr[n]);
    const vals = new Float32Array(rowPtr[n]);
    const fill = rowPtr.slice(0, n);
    for (let t = 0; t < terms; t++) {
      if (column[t] < 0) continue;
      for (cursor.open(t); cursor.doc !== END_OF_LIST; cursor.next()) {
        const code = ix.impacts[cursor.pos];
        if (code === 0) continue;
        const at = fill[cursor.doc]++;
        cols[at] = column[t];
        vals[at] = ix.impactLevels[code];
      }
      if ((work += ix.offsets[t + 1] - ix.offsets[t]) > CHUNK) yield void (work = 0);
    }
    // Unit rows; on the way, a hash of the ids, rows and vectors: two snapshots of the same papers with the same
    // text and vectors agree, anything else almost surely differs (a stored model is then refitted, not reused).
    const vectors = engine.vectors && engine.vectors.count === n ? engine.vectors : null;
    let h = 0x811c9dc5;
    let hv = 0x811c9dc5;
    const mix = (x: number) => (h = Math.imul(h ^ x, 0x01000193));
    for (let d = 0; d < n; d++) {
      let s = 0;
      for (let p = rowPtr[d]; p < rowPtr[d + 1]; p++) s += vals[p] * vals[p];
      const norm = Math.sqrt(s);
      if (norm > 0) for (let p = rowPtr[d]; p < rowPtr[d + 1]; p++) vals[p] /= norm;
      const id = engine.ids.id(d);
      for (let i = 0; i < id.length; i++) mix(id.charCodeAt(i));
      for (let p = rowPtr[d]; p < rowPtr[d + 1]; p++) mix(cols[p] ^ Math.round(vals[p] * 65536));
      if (vectors) {
        const v = vectors.vector(d);
        hv = Math.imul(hv ^ (Math.round(v[0] * 65536) ^ Math.round(v[v.length - 1] * 65536)), 0x01000193);
      }
      if ((work += rowPtr[d + 1] - rowPtr[d]) > CHUNK) yield void (work = 0);
    }
    const hashes = { sparse: (h >>> 0).toString(36), dense: vectors ? `${vectors.dimensions}d${(hv >>> 0).toString(36)}` : 'none' };
    return new PaperFeatures(engine.ids, engine.days, rowPtr, cols, vals, dims, vectors, o, hashes);
  }

  /** The same features with other block scales (shares the arrays). */
  withWeights(sparseWeight: number, denseWeight: number): PaperFeatures {
    const o = { ...this.options, sparseWeight, denseWeight };
    return new PaperFeatures(this.ids, this.days, this.rowPtr, this.cols, this.vals, this.sparseDims, this.vectors, o, this.hashes);
  }

  /**
   * Identifies these features: a model stored with another key was fitted on other features and is refitted.
   * The vectors count only when the features use them, so retraining the embedder does not refit tf-idf models.
   */
  get key(): string {
    const o = this.options;
    const dense = this.denseDims ? `${this.hashes.dense}x${o.denseWeight}` : '-';
    return [
      this.hashes.sparse,
      this.docCount,
      this.sparseDims,
      o.minDocumentFrequency,
      o.maxDocumentShare,
      o.wordPairs ? 'pairs' : 'words',
      o.sparseWeight,
      dense,
    ].join(':');
  }

  get docCount(): number {
    return this.rowPtr.length - 1;
  }

  get denseDims(): number {
    return this.vectors && this.options.denseWeight > 0 ? this.vectors.dimensions : 0;
  }

  /** Length of a full feature vector: sparse columns, then dense ones. */
  get dims(): number {
    return this.sparseDims + this.denseDims;
  }

  /** Stored non-zeros of the sparse block (memory: 8 bytes each). */
  get sparseNonZeros(): number {
    return this.cols.length;
  }

  sparseRow(doc: number): SparseRow {
    const from = this.rowPtr[doc];
    const to = this.rowPtr[doc + 1];
    return { cols: this.cols.subarray(from, to), vals: this.vals.subarray(from, to) };
  }

  /** The paper's full feature vector, appended to a sparse builder (columns ascending). */
  appendRow(doc: number, cols: number[], vals: number[]): void {
    const s = this.options.sparseWeight;
    if (s > 0) {
      for (let p = this.rowPtr[doc]; p < this.rowPtr[doc + 1]; p++) {
        cols.push(this.cols[p]);
        vals.push(s * this.vals[p]);
      }
    }
    if (this.denseDims) {
      const v = this.vectors!.vector(doc);
      const b = this.options.denseWeight;
      for (let c = 0; c < v.length; c++) {
        cols.push(this.sparseDims + c);
        vals.push(b * v[c]);
      }
    }
  }

  /**
   * Σ sparse[c] · x_c + dense · vector(doc): a linear model's score of a paper, with each block's scale already
   * folded into its weights (an empty `dense` skips the vectors).
   */
  linearScore(doc: number, sparse: Float32Array, dense: Float32Array): number {
    let s = 0;
    for (let p = this.rowPtr[doc]; p < this.rowPtr[doc + 1]; p++) s += sparse[this.cols[p]] * this.vals[p];
    if (dense.length && this.vectors) s += this.vectors.dot(dense, doc);
    return s;
  }

  /** x(a) · x(b): how alike two papers are in this feature space (1 for a paper with itself when both blocks weigh 1/√2). */
  similarity(a: number, b: number): number {
    let s = 0;
    const sw = this.options.sparseWeight;
    if (sw > 0) {
      let i = this.rowPtr[a];
      let j = this.rowPtr[b];
      const ea = this.rowPtr[a + 1];
      const eb = this.rowPtr[b + 1];
      let sp = 0;
      while (i < ea && j < eb) {
        const ca = this.cols[i];
        const cb = this.cols[j];
        if (ca === cb) sp += this.vals[i++] * this.vals[j++];
        else if (ca < cb) i++;
        else j++;
      }
      s += sw * sw * sp;
    }
    if (this.denseDims) {
      const b2 = this.options.denseWeight;
      s += b2 * b2 * this.vectors!.dot(this.vectors!.vector(a), b);
    }
    return s;
  }
}
