// A linear support vector machine, L2-regularised with the squared hinge loss (the loss of liblinear's and
// scikit-learn's LinearSVC default), trained by dual coordinate descent (Hsieh, Chang, Lin, Keerthi, Sathiyamoorthi
// and Sundararajan, "A dual coordinate descent method for large-scale linear SVM", ICML 2008):
//
//   min_w  ½‖w‖² + Σ_i C_i · max(0, 1 − y_i w·x_i)²
//   dual:  min_α  ½ αᵀ(Q + D)α − Σ α_i,  α ≥ 0,  Q_ij = y_i y_j x_i·x_j,  D_ii = 1 / (2 C_i),  w = Σ α_i y_i x_i
//
// One coordinate at a time has a closed-form step, and keeping w up to date makes each step cost one sparse
// dot product, so an epoch is one pass over the examples' non-zeros. The dual variables are the state worth
// keeping: started from a previous solution (a person's model before their new save), a few epochs suffice.
// The bias is an extra constant feature (regularised, as in liblinear).
//
// Written here because no maintained npm package offers a sparse linear SVM or logistic regression: ml-svm and
// libsvm-js are kernel SVMs over dense arrays, ml-logistic-regression is dense full-batch gradient descent.
import { seededRandom } from '../domain/seeded-random.ts';

/** Training examples as sparse rows: row i is cols/vals[rowPtr[i] .. rowPtr[i + 1]). */
export interface TrainingSet {
  dims: number;
  rowPtr: Uint32Array;
  cols: Int32Array;
  vals: Float32Array;
  /** +1 or −1 per example. */
  labels: Int8Array;
  /** C_i per example (the class balance and any per-example weight folded in). */
  costs: Float64Array;
}

export interface SvmOptions {
  /** Value of the constant bias feature (0: no bias). */
  bias: number;
  /** Stop when the projected gradient's spread falls below this (liblinear's dual solvers use 0.1). */
  tolerance: number;
  maxEpochs: number;
  seed: number;
}

export const DEFAULT_SVM: SvmOptions = { bias: 1, tolerance: 0.1, maxEpochs: 200, seed: 1 };

export interface SvmSolution {
  /** dims weights, then the bias weight (times the bias feature's value: add it to w·x as is). */
  weights: Float64Array;
  bias: number;
  /** The dual variables, one per example: a warm start for the next fit. */
  alphas: Float64Array;
  epochs: number;
  converged: boolean;
}

/**
 * Fits the SVM; `warmAlphas` (same length as the examples, ≥ 0) starts from an earlier solution, for example
 * one fitted before an example was added (give the new example 0).
 */
export function trainLinearSvm(set: TrainingSet, options: Partial<SvmOptions> = {}, warmAlphas?: Float64Array): SvmSolution {
  const o = { ...DEFAULT_SVM, ...options };
  const n = set.labels.length;
  if (set.rowPtr.length !== n + 1 || set.costs.length !== n) throw new RangeError('training set: rowPtr, labels and costs disagree in length');
  if (warmAlphas && warmAlphas.length !== n) throw new RangeError(`warm start has ${warmAlphas.length} dual variables for ${n} examples`);
  const { rowPtr, cols, vals, labels } = set;
  const B = o.bias;
  const w = new Float64Array(set.dims + 1);
  const alpha = warmAlphas ? Float64Array.from(warmAlphas, (a) => Math.max(0, a)) : new Float64Array(n);
  const diag = new Float64Array(n);
  const qd = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (!(set.costs[i] > 0)) throw new RangeError(`example ${i}: cost must be positive`);
    diag[i] = 1 / (2 * set.costs[i]);
    let s = B * B;
    for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) s += vals[p] * vals[p];
    qd[i] = s + diag[i];
    if (alpha[i] > 0) addScaled(w, set, i, alpha[i] * labels[i], B);
  }
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const rand = seededRandom(o.seed);
  let epochs = 0;
  let converged = false;
  while (epochs < o.maxEpochs) {
    epochs++;
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    let maxPg = -Infinity;
    let minPg = Infinity;
    for (const i of order) {
      const y = labels[i];
      let wx = B * w[set.dims];
      for (let p = rowPtr[i]; p < rowPtr[i + 1]; p++) wx += w[cols[p]] * vals[p];
      const g = y * wx - 1 + diag[i] * alpha[i];
      // α_i is bounded below by 0 only: at 0 a positive gradient cannot move it.
      const pg = alpha[i] === 0 ? Math.min(g, 0) : g;
      if (pg > maxPg) maxPg = pg;
      if (pg < minPg) minPg = pg;
      if (pg === 0) continue;
      const next = Math.max(alpha[i] - g / qd[i], 0);
      const delta = next - alpha[i];
      if (delta !== 0) {
        alpha[i] = next;
        addScaled(w, set, i, delta * y, B);
      }
    }
    if (maxPg - minPg < o.tolerance) {
      converged = true;
      break;
    }
  }
  return { weights: w, bias: B * w[set.dims], alphas: alpha, epochs, converged };
}

function addScaled(w: Float64Array, set: TrainingSet, i: number, scale: number, bias: number): void {
  for (let p = set.rowPtr[i]; p < set.rowPtr[i + 1]; p++) w[set.cols[p]] += scale * set.vals[p];
  w[set.dims] += scale * bias;
}

/** w·x_i + bias for a training example (tests, diagnostics). */
export function decision(set: TrainingSet, solution: SvmSolution, i: number): number {
  let s = solution.bias;
  for (let p = set.rowPtr[i]; p < set.rowPtr[i + 1]; p++) s += solution.weights[set.cols[p]] * set.vals[p];
  return s;
}

/**
 * Primal and dual objectives of a solution: their gap is 0 exactly at the optimum and positive elsewhere, so
 * it measures how far training stopped from the true SVM.
 */
export function objectives(set: TrainingSet, solution: SvmSolution): { primal: number; dual: number } {
  let wSq = 0;
  for (const x of solution.weights) wSq += x * x;
  let loss = 0;
  let alphaSum = 0;
  let alphaSq = 0;
  for (let i = 0; i < set.labels.length; i++) {
    const margin = Math.max(0, 1 - set.labels[i] * decision(set, solution, i));
    loss += set.costs[i] * margin * margin;
    alphaSum += solution.alphas[i];
    alphaSq += (solution.alphas[i] * solution.alphas[i]) / (4 * set.costs[i]);
  }
  return { primal: 0.5 * wSq + loss, dual: alphaSum - 0.5 * wSq - alphaSq };
}
