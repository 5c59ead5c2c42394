// Ranking candidate papers for one person, and saying why: each recommendation names the person's paper that
// most explains it, the positive most alike in the features the model scores with. Pure: no I/O.
import { TopKHeap } from '../search/lexical/topk.ts';
import type { PaperFeatures } from './features.ts';
import type { LinearScorer, WeightedDoc } from './person-model.ts';

/** Scores one document of the features; higher is more recommended. */
export type DocScorer = (doc: number) => number;

export function linearScorer(features: PaperFeatures, model: LinearScorer): DocScorer {
  return (doc) => features.linearScore(doc, model.sparse, model.dense) + model.bias;
}

/**
 * The centroid baseline: cosine between a paper's corpus vector and the weighted mean of the positives' vectors.
 * Null when the features have no vectors.
 */
export function centroidScorer(features: PaperFeatures, positives: WeightedDoc[]): DocScorer | null {
  const vectors = features.vectors;
  if (!vectors || !positives.length) return null;
  const centroid = new Float32Array(vectors.dimensions);
  for (const p of positives) {
    const v = vectors.vector(p.doc);
    for (let c = 0; c < v.length; c++) centroid[c] += p.weight * v[c];
  }
  let norm = 0;
  for (const x of centroid) norm += x * x;
  norm = Math.sqrt(norm) || 1;
  for (let c = 0; c < centroid.length; c++) centroid[c] /= norm;
  return (doc) => vectors.dot(centroid, doc);
}

export interface RankedDoc {
  doc: number;
  score: number;
}

/** The k best of `candidates`, which come in ascending order (best first; ties: lower document first). */
export function topDocs(candidates: Int32Array, score: DocScorer, k: number): RankedDoc[] {
  if (k <= 0) return [];
  const heap = new TopKHeap(k);
  for (const d of candidates) heap.offer(d, score(d));
  const top = heap.sorted(1);
  return Array.from(top.docs, (doc, i) => ({ doc, score: top.scores[i] }));
}

/** The positive most alike to `doc` in the features (the first one on a tie), or -1 with no positives. */
export function because(features: PaperFeatures, positives: readonly number[], doc: number): number {
  let best = -1;
  let bestScore = -Infinity;
  for (const p of positives) {
    const s = features.similarity(p, doc);
    if (s > bestScore) {
      best = p;
      bestScore = s;
    }
  }
  return best;
}

/** Documents whose day (days since 1970) lies in [from, to], not excluded. */
export function docsBetween(features: PaperFeatures, from: number, to: number, excluded: ReadonlySet<number> = new Set()): Int32Array {
  const out: number[] = [];
  for (let d = 0; d < features.docCount; d++) {
    const day = features.days[d];
    if (day >= from && day <= to && !excluded.has(d)) out.push(d);
  }
  return Int32Array.from(out);
}

/** Days since 1970-01-01 of a YYYY-MM-DD day. */
export function dayNumber(day: string): number {
  const t = Date.parse(`${day.slice(0, 10)}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}/.test(day) || Number.isNaN(t)) throw new RangeError(`not a YYYY-MM-DD day: ${JSON.stringify(day)}`);
  return Math.floor(t / 86_400_000);
}

export function dayString(dayNum: number): string {
  return new Date(dayNum * 86_400_000).toISOString().slice(0, 10);
}
