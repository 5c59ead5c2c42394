// The little dense linear algebra the corpus embedder needs, in plain TypeScript on Float64Arrays (row-major).
// Deterministic: the random test matrix comes from a seeded generator.
import { seededRandom } from '../../domain/seeded-random.ts';

/** Standard normal samples by Box–Muller. */
export function gaussianMatrix(rows: number, cols: number, seed: number): Float64Array {
  const rand = seededRandom(seed);
  const out = new Float64Array(rows * cols);
  for (let i = 0; i < out.length; i += 2) {
    const u = Math.max(rand(), 1e-12);
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    out[i] = r * Math.cos(2 * Math.PI * v);
    if (i + 1 < out.length) out[i + 1] = r * Math.sin(2 * Math.PI * v);
  }
  return out;
}

/** Gram matrix YᵀY of a rows×cols matrix (cols×cols). */
function gram(y: Float64Array, rows: number, cols: number): Float64Array {
  const g = new Float64Array(cols * cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let i = 0; i < cols; i++) {
      const yi = y[o + i];
      if (yi === 0) continue;
      const gi = i * cols;
      for (let j = i; j < cols; j++) g[gi + j] += yi * y[o + j];
    }
  }
  for (let i = 0; i < cols; i++) for (let j = 0; j < i; j++) g[i * cols + j] = g[j * cols + i];
  return g;
}

/**
 * Orthonormalises the columns of y in place (CholeskyQR, applied twice for accuracy). Columns that turn out
 * linearly dependent are zeroed rather than failing.
 */
export function orthonormalize(y: Float64Array, rows: number, cols: number): void {
  for (let pass = 0; pass < 2; pass++) {
    const g = gram(y, rows, cols);
    // Cholesky: g = Rᵀ R with R upper triangular.
    const rm = new Float64Array(cols * cols);
    for (let j = 0; j < cols; j++) {
      let d = g[j * cols + j];
      for (let k = 0; k < j; k++) d -= rm[k * cols + j] * rm[k * cols + j];
      const rjj = d > 1e-10 * (g[j * cols + j] || 1) && d > 0 ? Math.sqrt(d) : 0;
      rm[j * cols + j] = rjj;
      for (let i = j + 1; i < cols; i++) {
        let s = g[j * cols + i];
        for (let k = 0; k < j; k++) s -= rm[k * cols + j] * rm[k * cols + i];
        rm[j * cols + i] = rjj ? s / rjj : 0;
      }
    }
    // y ← y R⁻¹, row by row (forward substitution on each row).
    const row = new Float64Array(cols);
    for (let r = 0; r < rows; r++) {
      const o = r * cols;
      for (let j = 0; j < cols; j++) {
        const rjj = rm[j * cols + j];
        if (!rjj) {
          row[j] = 0;
          continue;
        }
        let s = y[o + j];
        for (let k = 0; k < j; k++) s -= row[k] * rm[k * cols + j];
        row[j] = s / rjj;
      }
      y.set(row, o);
    }
  }
}

/**
 * Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi rotations. Returns eigenvalues descending and
 * eigenvectors as the columns of a row-major n×n matrix.
 */
export function symmetricEigen(m: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(m);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q] * a[p * n + q];
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q];
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q] - a[p * n + p]) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p];
          const akq = a[k * n + q];
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k];
          const aqk = a[q * n + k];
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p];
          const vkq = v[k * n + q];
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((i, j) => a[j * n + j] - a[i * n + i]);
  const values = Float64Array.from(order, (i) => a[i * n + i]);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) vectors[r * n + c] = v[r * n + order[c]];
  return { values, vectors };
}

/** A sparse matrix in compressed sparse rows. */
export interface Csr {
  rows: number;
  cols: number;
  rowPtr: Uint32Array;
  colIdx: Int32Array;
  values: Float32Array;
}

/** Y = A·M for sparse A (rows×cols) and dense M (cols×l). */
function csrTimesDense(a: Csr, m: Float64Array, l: number): Float64Array {
  const y = new Float64Array(a.rows * l);
  for (let r = 0; r < a.rows; r++) {
    const yo = r * l;
    for (let p = a.rowPtr[r]; p < a.rowPtr[r + 1]; p++) {
      const v = a.values[p];
      const mo = a.colIdx[p] * l;
      for (let j = 0; j < l; j++) y[yo + j] += v * m[mo + j];
    }
  }
  return y;
}

/** Z = Aᵀ·M for sparse A (rows×cols) and dense M (rows×l). */
function csrTransposeTimesDense(a: Csr, m: Float64Array, l: number): Float64Array {
  const z = new Float64Array(a.cols * l);
  for (let r = 0; r < a.rows; r++) {
    const mo = r * l;
    for (let p = a.rowPtr[r]; p < a.rowPtr[r + 1]; p++) {
      const v = a.values[p];
      const zo = a.colIdx[p] * l;
      for (let j = 0; j < l; j++) z[zo + j] += v * m[mo + j];
    }
  }
  return z;
}

/**
 * Truncated SVD of a sparse matrix by randomized range finding (Halko, Martinsson & Tropp 2011):
 * returns the top-k singular values and right singular vectors (cols×k, row-major).
 */
export function randomizedSvd(
  a: Csr,
  k: number,
  options: { oversample?: number; powerIterations?: number; seed?: number } = {},
): {
  singularValues: Float64Array;
  rightVectors: Float64Array;
  k: number;
} {
  const l = Math.min(k + (options.oversample ?? 10), a.rows, a.cols);
  let y = csrTimesDense(a, gaussianMatrix(a.cols, l, options.seed ?? 42), l);
  orthonormalize(y, a.rows, l);
  for (let i = 0; i < (options.powerIterations ?? 1); i++) {
    const z = csrTransposeTimesDense(a, y, l);
    orthonormalize(z, a.cols, l);
    y = csrTimesDense(a, z, l);
    orthonormalize(y, a.rows, l);
  }
  // B = Qᵀ A is l×cols; we keep Bᵀ = Aᵀ Q (cols×l).
  const bt = csrTransposeTimesDense(a, y, l);
  const bbt = gram(bt, a.cols, l); // B Bᵀ (l×l)
  const { values, vectors } = symmetricEigen(bbt, l);
  const kk = Math.min(k, l);
  const singularValues = new Float64Array(kk);
  for (let i = 0; i < kk; i++) singularValues[i] = Math.sqrt(Math.max(values[i], 0));
  // Right singular vectors: V = Bᵀ Û S⁻¹.
  const rightVectors = new Float64Array(a.cols * kk);
  for (let r = 0; r < a.cols; r++) {
    const bo = r * l;
    for (let c = 0; c < kk; c++) {
      const s = singularValues[c];
      if (!s) continue;
      let acc = 0;
      for (let j = 0; j < l; j++) acc += bt[bo + j] * vectors[j * l + c];
      rightVectors[r * kk + c] = acc / s;
    }
  }
  return { singularValues, rightVectors, k: kk };
}
