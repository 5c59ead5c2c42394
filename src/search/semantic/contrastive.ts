// Contrastive refinement of the corpus word vectors: a paper's title (a short claim-like text) should embed
// nearer to its own abstract than to the other abstracts of a batch (InfoNCE with in-batch negatives, both
// directions). The encoder is the embedder's own: a text vector is the normalised, weighted sum of its words'
// vectors, so training only moves word vectors. Updates are sparse (only words present in the batch) with
// Adagrad. Pairs come from the stored papers themselves; no relevance judgements are involved.
//
// Deterministic: a seeded shuffle, and a fixed order of floating-point operations.
import { seededRandom } from '../../domain/seeded-random.ts';

/** A text as word indices with their weights (the same weights the embedder sums with). */
export interface SparseText {
  ids: Int32Array;
  weights: Float32Array;
}

export interface ContrastiveOptions {
  epochs: number;
  batchSize: number;
  /** Softmax temperature on cosine similarities. */
  temperature: number;
  learningRate: number;
  seed: number;
}

export const DEFAULT_CONTRASTIVE: ContrastiveOptions = {
  epochs: 3,
  batchSize: 256,
  temperature: 0.05,
  learningRate: 0.05,
  seed: 11,
};

/** u = Σ w·E[id] into out (dims), returns |u|. */
function encode(t: SparseText, e: Float32Array, dims: number, out: Float64Array, o: number): number {
  for (let c = 0; c < dims; c++) out[o + c] = 0;
  for (let p = 0; p < t.ids.length; p++) {
    const w = t.weights[p];
    const eo = t.ids[p] * dims;
    for (let c = 0; c < dims; c++) out[o + c] += w * e[eo + c];
  }
  let s = 0;
  for (let c = 0; c < dims; c++) s += out[o + c] * out[o + c];
  const n = Math.sqrt(s) || 1;
  for (let c = 0; c < dims; c++) out[o + c] /= n;
  return n;
}

/**
 * Trains word vectors `e` (vocabulary × dims, row-major, modified in place) so that each query text embeds near
 * its paired document text. Returns the mean loss of the last epoch.
 */
export function trainContrastive(
  e: Float32Array,
  dims: number,
  pairs: { query: SparseText; doc: SparseText }[],
  options: Partial<ContrastiveOptions> = {},
): number {
  const o = { ...DEFAULT_CONTRASTIVE, ...options };
  const vocab = e.length / dims;
  const rand = seededRandom(o.seed);
  const order = Array.from({ length: pairs.length }, (_, i) => i);
  const B = Math.max(2, Math.min(o.batchSize, pairs.length));
  const q = new Float64Array(B * dims);
  const d = new Float64Array(B * dims);
  const qn = new Float64Array(B);
  const dn = new Float64Array(B);
  const s = new Float64Array(B * B);
  const gs = new Float64Array(B * B);
  const gq = new Float64Array(B * dims);
  const gd = new Float64Array(B * dims);
  const grad = new Float32Array(e.length);
  const accum = new Float32Array(e.length).fill(1e-6);
  const touched = new Uint8Array(vocab);
  const touchedList: number[] = [];
  const invT = 1 / o.temperature;
  let lastLoss = 0;

  for (let epoch = 0; epoch < o.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [order[i], order[j]] = [order[j], order[i]];
    }
    let lossSum = 0;
    let batches = 0;
    for (let start = 0; start + B <= order.length; start += B) {
      const batch = order.slice(start, start + B);
      for (let i = 0; i < B; i++) {
        qn[i] = encode(pairs[batch[i]].query, e, dims, q, i * dims);
        dn[i] = encode(pairs[batch[i]].doc, e, dims, d, i * dims);
      }
      for (let i = 0; i < B; i++) {
        for (let j = 0; j < B; j++) {
          let acc = 0;
          const qo = i * dims;
          const dof = j * dims;
          for (let c = 0; c < dims; c++) acc += q[qo + c] * d[dof + c];
          s[i * B + j] = acc * invT;
        }
      }
      // dL/dS for the symmetric loss: rows (query → its document) and columns (document → its query).
      gs.fill(0);
      let loss = 0;
      for (let i = 0; i < B; i++) loss += softmaxCrossEntropy(s, gs, i * B, 1, B, i);
      for (let j = 0; j < B; j++) loss += softmaxCrossEntropy(s, gs, j, B, B, j);
      lossSum += loss / (2 * B);
      batches++;
      // Gradients on the normalised vectors, then through the normalisation: (g − (g·v)v)/|u|.
      gq.fill(0);
      gd.fill(0);
      const scale = invT / (2 * B);
      for (let i = 0; i < B; i++) {
        for (let j = 0; j < B; j++) {
          const g = gs[i * B + j] * scale;
          if (g === 0) continue;
          const qo = i * dims;
          const dof = j * dims;
          for (let c = 0; c < dims; c++) {
            gq[qo + c] += g * d[dof + c];
            gd[dof + c] += g * q[qo + c];
          }
        }
      }
      for (const [v, gv, norms] of [
        [q, gq, qn],
        [d, gd, dn],
      ] as const) {
        for (let i = 0; i < B; i++) {
          const off = i * dims;
          let dotp = 0;
          for (let c = 0; c < dims; c++) dotp += gv[off + c] * v[off + c];
          for (let c = 0; c < dims; c++) gv[off + c] = (gv[off + c] - dotp * v[off + c]) / norms[i];
        }
      }
      // Scatter into the word rows present in the batch.
      for (let i = 0; i < B; i++) {
        const pair = pairs[batch[i]];
        for (const [t, gv] of [
          [pair.query, gq],
          [pair.doc, gd],
        ] as const) {
          const off = i * dims;
          for (let p = 0; p < t.ids.length; p++) {
            const w = t.weights[p];
            const id = t.ids[p];
            if (!touched[id]) {
              touched[id] = 1;
              touchedList.push(id);
            }
            const eo = id * dims;
            for (let c = 0; c < dims; c++) grad[eo + c] += w * gv[off + c];
          }
        }
      }
      // Adagrad on the touched rows.
      for (const id of touchedList) {
        const eo = id * dims;
        for (let c = 0; c < dims; c++) {
          const g = grad[eo + c];
          accum[eo + c] += g * g;
          e[eo + c] -= (o.learningRate * g) / Math.sqrt(accum[eo + c]);
          grad[eo + c] = 0;
        }
        touched[id] = 0;
      }
      touchedList.length = 0;
    }
    lastLoss = batches ? lossSum / batches : 0;
  }
  return lastLoss;
}

/**
 * Cross-entropy of a softmax over the n scores s[at], s[at + step], … whose correct entry is number `target`;
 * adds its gradient into gs at the same places and returns the loss. Rows (step 1) and columns (step n) of the
 * batch's score matrix alike.
 */
function softmaxCrossEntropy(s: Float64Array, gs: Float64Array, at: number, step: number, n: number, target: number): number {
  let max = -Infinity;
  for (let k = 0; k < n; k++) max = Math.max(max, s[at + k * step]);
  let z = 0;
  for (let k = 0; k < n; k++) z += Math.exp(s[at + k * step] - max);
  for (let k = 0; k < n; k++) gs[at + k * step] += Math.exp(s[at + k * step] - max) / z - (k === target ? 1 : 0);
  return -(s[at + target * step] - max - Math.log(z));
}
