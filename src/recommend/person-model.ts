// A person's recommendation model: a linear SVM over the paper features (features.ts), trained with the
// person's papers as positives against a background sample of the store as negatives, as arxiv-sanity trains
// one per tag against every other paper. Its dual variables are kept with it, keyed by paper id, so a refit after
// a new save (or over a rebuilt index) starts from the previous solution and costs a few passes over a few
// thousand rows. Pure: no I/O.
import type { PaperFeatures } from './features.ts';
import { TopKHeap } from '../search/lexical/topk.ts';
import { DEFAULT_SVM, trainLinearSvm, type SvmOptions, type TrainingSet } from './linear-svm.ts';

export interface ModelParams {
  /** The SVM's C before class balancing: smaller regularises more. */
  cost: number;
  /** Background papers used as negatives. */
  negatives: number;
  svm: Partial<SvmOptions>;
}

export const DEFAULT_MODEL: ModelParams = { cost: 0.1, negatives: 500, svm: {} };

/** A paper the person showed interest in, as a document of the features and a weight (1: a save). */
export interface WeightedDoc {
  doc: number;
  weight: number;
}

export interface LinearScorer {
  /** Weights of the sparse columns, the sparse block's scale folded in. */
  sparse: Float32Array;
  /** Weights of the dense dimensions (the dense block's scale folded in), or empty. */
  dense: Float32Array;
  bias: number;
}

/** What is kept of a fitted model: enough to score, and to warm-start the next fit. */
export interface PersonModel {
  featuresKey: string;
  positives: { paperId: string; weight: number }[];
  negatives: string[];
  /** Dual variables: positives first, then negatives, in the order above. */
  alphas: Float32Array;
  /** The value of the constant feature that carries the bias. */
  biasFeature: number;
  scorer: LinearScorer;
  epochs: number;
}

export interface FitStats {
  epochs: number;
  converged: boolean;
  ms: number;
  warm: boolean;
}

/**
 * Fits a person's model. `previous` (any earlier model of theirs, even over other features) gives the dual
 * starting point: a paper that is still a positive or still a background negative keeps its variable.
 */
export function fitPersonModel(
  features: PaperFeatures,
  positives: WeightedDoc[],
  negatives: Int32Array | number[],
  params: ModelParams = DEFAULT_MODEL,
  previous?: Pick<PersonModel, 'positives' | 'negatives' | 'alphas'> | null,
): { model: PersonModel; stats: FitStats } {
  const started = performance.now();
  const positiveSet = new Set(positives.map((p) => p.doc));
  const negativeDocs = Array.from(negatives).filter((d) => !positiveSet.has(d));
  const set = trainingSet(features, positives, negativeDocs, params.cost);
  let warm: Float64Array | undefined;
  if (previous) {
    const before = new Map<string, number>();
    previous.positives.forEach((p, i) => {
      before.set(`+${p.paperId}`, previous.alphas[i]);
    });
    previous.negatives.forEach((id, i) => {
      before.set(`-${id}`, previous.alphas[previous.positives.length + i]);
    });
    warm = new Float64Array(set.labels.length);
    positives.forEach((p, i) => {
      warm![i] = before.get(`+${features.ids.id(p.doc)}`) ?? 0;
    });
    negativeDocs.forEach((d, i) => {
      warm![positives.length + i] = before.get(`-${features.ids.id(d)}`) ?? 0;
    });
  }
  const solution = trainLinearSvm(set, params.svm, warm);
  const scorer = scorerOf(features, solution.weights, solution.bias);
  const model: PersonModel = {
    featuresKey: features.key,
    positives: positives.map((p) => ({ paperId: features.ids.id(p.doc), weight: p.weight })),
    negatives: negativeDocs.map((d) => features.ids.id(d)),
    alphas: Float32Array.from(solution.alphas),
    biasFeature: { ...DEFAULT_SVM, ...params.svm }.bias,
    scorer,
    epochs: solution.epochs,
  };
  return { model, stats: { epochs: solution.epochs, converged: solution.converged, ms: performance.now() - started, warm: Boolean(previous) } };
}

/** The weights over features.dims with each block's scale folded in. */
function scorerOf(features: PaperFeatures, weights: Float64Array, bias: number): LinearScorer {
  const sd = features.sparseDims;
  const sparse = new Float32Array(sd);
  const dense = new Float32Array(features.denseDims);
  const { sparseWeight, denseWeight } = features.options;
  for (let c = 0; c < sd; c++) sparse[c] = weights[c] * sparseWeight;
  for (let c = 0; c < dense.length; c++) dense[c] = weights[sd + c] * denseWeight;
  return { sparse, dense, bias };
}

/**
 * The scorer of a stored model, rebuilt from its dual variables (w = Σ α_i y_i x_i) over the features it was
 * fitted on: a few milliseconds, where refitting takes tens. Null when the features are not those (refit then).
 */
export function restoreScorer(features: PaperFeatures, stored: Omit<PersonModel, 'scorer'>): LinearScorer | null {
  if (stored.featuresKey !== features.key) return null;
  const bias = stored.biasFeature;
  const w = new Float64Array(features.dims + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const add = (id: string, scale: number) => {
    const doc = features.ids.doc(id);
    if (doc === undefined || scale === 0) return;
    cols.length = vals.length = 0;
    features.appendRow(doc, cols, vals);
    for (let j = 0; j < cols.length; j++) w[cols[j]] += scale * vals[j];
    w[features.dims] += scale * bias;
  };
  stored.positives.forEach((p, i) => {
    add(p.paperId, stored.alphas[i]);
  });
  stored.negatives.forEach((id, i) => {
    add(id, -stored.alphas[stored.positives.length + i]);
  });
  return scorerOf(features, w, bias * w[features.dims]);
}

/**
 * Positives (+1) then negatives (−1), classes balanced as scikit-learn's class_weight='balanced' does (each class
 * carries half the total cost), and a positive's own weight scaling its share.
 */
function trainingSet(features: PaperFeatures, positives: WeightedDoc[], negatives: number[], cost: number): TrainingSet {
  const n = positives.length + negatives.length;
  const rowPtr = new Uint32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const labels = new Int8Array(n);
  const costs = new Float64Array(n);
  const weightSum = positives.reduce((s, p) => s + p.weight, 0);
  positives.forEach((p, i) => {
    if (!(p.weight > 0)) throw new RangeError(`positive ${features.ids.id(p.doc)}: weight must be positive`);
    features.appendRow(p.doc, cols, vals);
    rowPtr[i + 1] = cols.length;
    labels[i] = 1;
    costs[i] = (cost * n * p.weight) / (2 * weightSum);
  });
  negatives.forEach((d, j) => {
    const i = positives.length + j;
    features.appendRow(d, cols, vals);
    rowPtr[i + 1] = cols.length;
    labels[i] = -1;
    costs[i] = (cost * n) / (2 * negatives.length);
  });
  return { dims: features.dims, rowPtr, cols: Int32Array.from(cols), vals: Float32Array.from(vals), labels, costs };
}

/**
 * The background negatives: the `count` papers (of those `eligible`) with the smallest hash of their id. The
 * same papers stay in the sample as the store grows (a new paper enters only if its hash is smaller than the
 * largest kept), so dual variables carried over from an earlier fit keep meaning something.
 */
export function backgroundSample(features: PaperFeatures, count: number, eligible?: (doc: number) => boolean): Int32Array {
  if (!eligible) {
    // Everyone's fits over one snapshot share the same sample: draw it once.
    let byCount = wholeStoreSamples.get(features);
    if (!byCount) wholeStoreSamples.set(features, (byCount = new Map()));
    let sample = byCount.get(count);
    if (!sample) byCount.set(count, (sample = drawSample(features, count)));
    return sample;
  }
  return drawSample(features, count, eligible);
}

const wholeStoreSamples = new WeakMap<PaperFeatures, Map<number, Int32Array>>();

function drawSample(features: PaperFeatures, count: number, eligible?: (doc: number) => boolean): Int32Array {
  const heap = new TopKHeap(Math.max(0, Math.min(count, features.docCount)));
  if (heap.k === 0) return new Int32Array(0);
  for (let d = 0; d < features.docCount; d++) {
    if (eligible && !eligible(d)) continue;
    heap.offer(d, -idHash(features.ids.id(d)));
  }
  return heap.sorted(1).docs.slice().sort();
}

/** FNV-1a of the id's UTF-16 code units. */
function idHash(id: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
