import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../src/domain/seeded-random.ts';
import { decision, objectives, trainLinearSvm, type TrainingSet } from '../../../src/recommend/linear-svm.ts';

/**
 * Two classes of sparse rows over `dims` features: class +1 draws its non-zeros mostly from the first quarter of
 * the features, class −1 from the second quarter, both with shared noise features; rows are unit length.
 */
function syntheticSet(n: number, dims: number, seed: number, cost = 1): TrainingSet {
  const rand = seededRandom(seed);
  const rowPtr = new Uint32Array(n + 1);
  const cols: number[] = [];
  const vals: number[] = [];
  const labels = new Int8Array(n);
  for (let i = 0; i < n; i++) {
    const y = i % 3 === 0 ? 1 : -1;
    labels[i] = y;
    const row = new Map<number, number>();
    const q = dims / 4;
    for (let j = 0; j < 6; j++) {
      const topical = rand() < 0.8;
      const c = topical ? (y === 1 ? 0 : q) + Math.floor(rand() * q) : 2 * q + Math.floor(rand() * 2 * q);
      row.set(c, (row.get(c) ?? 0) + 0.5 + rand());
    }
    const entries = [...row].sort((a, b) => a[0] - b[0]);
    const norm = Math.sqrt(entries.reduce((s, [, v]) => s + v * v, 0));
    for (const [c, v] of entries) {
      cols.push(c);
      vals.push(v / norm);
    }
    rowPtr[i + 1] = cols.length;
  }
  return { dims, rowPtr, cols: Int32Array.from(cols), vals: Float32Array.from(vals), labels, costs: new Float64Array(n).fill(cost) };
}

const accuracy = (set: TrainingSet, solution: ReturnType<typeof trainLinearSvm>) => {
  let right = 0;
  for (let i = 0; i < set.labels.length; i++) if (Math.sign(decision(set, solution, i)) === set.labels[i]) right++;
  return right / set.labels.length;
};

describe('linear SVM (dual coordinate descent, squared hinge)', () => {
  it('separates a synthetic sparse corpus and generalises to unseen rows of it', () => {
    const train = syntheticSet(600, 200, 1);
    const solution = trainLinearSvm(train, { tolerance: 1e-4 });
    expect(solution.converged).toBe(true);
    expect(accuracy(train, solution)).toBeGreaterThan(0.97);
    // Unseen rows from the same two classes: the weights learned what tells the classes apart.
    const test = syntheticSet(600, 200, 2);
    expect(accuracy(test, solution)).toBeGreaterThan(0.93);
  });

  it('reaches the optimum: the duality gap closes as the tolerance tightens', () => {
    const set = syntheticSet(300, 120, 3, 0.5);
    const loose = trainLinearSvm(set, { tolerance: 0.5, maxEpochs: 1000 });
    const tight = trainLinearSvm(set, { tolerance: 1e-6, maxEpochs: 5000 });
    const gap = (s: typeof tight) => {
      const o = objectives(set, s);
      return (o.primal - o.dual) / Math.abs(o.primal);
    };
    expect(gap(tight)).toBeGreaterThanOrEqual(-1e-9);
    expect(gap(tight)).toBeLessThan(1e-5);
    expect(gap(loose)).toBeGreaterThan(gap(tight));
  });

  it('a warm start from an earlier solution ends at the same model in fewer epochs', () => {
    const set = syntheticSet(400, 160, 4);
    const cold = trainLinearSvm(set, { tolerance: 1e-5, maxEpochs: 5000 });
    // The earlier fit lacked the last example (its dual variable starts at 0).
    const earlier = trainLinearSvm(
      { ...set, labels: set.labels.slice(0, -1), rowPtr: set.rowPtr.slice(0, -1), costs: set.costs.slice(0, -1) },
      { tolerance: 1e-5, maxEpochs: 5000 },
    );
    const start = new Float64Array(set.labels.length);
    start.set(earlier.alphas);
    const warm = trainLinearSvm(set, { tolerance: 1e-5, maxEpochs: 5000 }, start);
    expect(warm.epochs).toBeLessThan(cold.epochs);
    for (let i = 0; i < cold.weights.length; i++) expect(warm.weights[i]).toBeCloseTo(cold.weights[i], 3);
  });

  it('weighs examples by their cost: a costlier positive class moves the boundary towards the negatives', () => {
    const set = syntheticSet(300, 120, 5, 0.05);
    const even = trainLinearSvm(set);
    const heavy = trainLinearSvm({ ...set, costs: Float64Array.from(set.labels, (y) => (y === 1 ? 0.5 : 0.05)) });
    const meanDecision = (s: typeof even) => set.labels.reduce((sum, _, i) => sum + decision(set, s, i), 0) / set.labels.length;
    expect(meanDecision(heavy)).toBeGreaterThan(meanDecision(even) + 0.1);
  });

  it('rejects inconsistent input with a clear error', () => {
    const set = syntheticSet(10, 20, 6);
    expect(() => trainLinearSvm({ ...set, costs: new Float64Array(10) })).toThrow(/cost must be positive/);
    expect(() => trainLinearSvm(set, {}, new Float64Array(3))).toThrow(/warm start has 3/);
    expect(() => trainLinearSvm({ ...set, labels: set.labels.slice(1) })).toThrow(/disagree/);
  });
});
