// The offline evaluation protocol for recommendations: a person's dated papers are split by date (the first
// share trains, the rest is held out); the candidates are every paper dated within the held-out period (from the
// day of the first held-out paper to the day of the last, inclusive) except the training papers; the relevant ones
// are the held-out papers. A method sees only the training papers and the store as it was on the last training
// day (its background negatives are drawn from papers dated up to then). Pure: no I/O.
import { ndcgAt, recallAt } from '../search/eval/metrics.ts';
import type { PaperFeatures } from './features.ts';
import type { WeightedDoc } from './person-model.ts';
import { docsBetween, topDocs, type DocScorer } from './rank.ts';

export interface DatedDoc {
  doc: number;
  /** Days since 1970-01-01. */
  day: number;
  /** Orders papers of the same day (an ISO timestamp, or ''). */
  at: string;
}

export interface Split {
  train: DatedDoc[];
  test: DatedDoc[];
  /** The held-out period, inclusive (days since 1970-01-01). */
  from: number;
  to: number;
}

/** The first ⌈share · n⌉ papers by (day, at, doc) train; null when either side would be empty. */
export function splitByDate(papers: DatedDoc[], share: number): Split | null {
  const sorted = [...papers].sort((a, b) => a.day - b.day || (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) || a.doc - b.doc);
  const cut = Math.ceil(share * sorted.length);
  if (cut < 1 || cut >= sorted.length) return null;
  const test = sorted.slice(cut);
  return { train: sorted.slice(0, cut), test, from: test[0].day, to: test[test.length - 1].day };
}

/** A recommendation method under evaluation: fits on a person's training papers, returns a scorer. */
export interface Method {
  name: string;
  /** `knownUntil`: the last training day; papers dated after it did not exist yet. */
  fit(positives: WeightedDoc[], knownUntil: number): DocScorer;
}

export interface PersonResult {
  recall: number;
  ndcg: number;
  fitMs: number;
  scoreMs: number;
  candidates: number;
}

export interface MethodSummary {
  name: string;
  /** Macro averages over people. */
  recall: number;
  ndcg: number;
  fitMs: number;
  scoreMs: number;
  people: PersonResult[];
}

export function evaluateSplit(features: PaperFeatures, split: Split, method: Method, k: number): PersonResult {
  const trainDocs = new Set(split.train.map((p) => p.doc));
  const candidates = docsBetween(features, split.from, split.to, trainDocs);
  const started = performance.now();
  const score = method.fit(
    split.train.map((p) => ({ doc: p.doc, weight: 1 })),
    split.train[split.train.length - 1].day,
  );
  const fitted = performance.now();
  const ranked = topDocs(candidates, score, k).map((r) => features.ids.id(r.doc));
  const scoreMs = performance.now() - fitted;
  const relevant = new Map(split.test.map((p) => [features.ids.id(p.doc), 1]));
  return { recall: recallAt(ranked, relevant, k), ndcg: ndcgAt(ranked, relevant, k), fitMs: fitted - started, scoreMs, candidates: candidates.length };
}

export function evaluateMethod(features: PaperFeatures, splits: Split[], method: Method, k: number): MethodSummary {
  const people = splits.map((s) => evaluateSplit(features, s, method, k));
  const mean = (f: (r: PersonResult) => number) => (people.length ? people.reduce((s, r) => s + f(r), 0) / people.length : 0);
  return { name: method.name, recall: mean((r) => r.recall), ndcg: mean((r) => r.ndcg), fitMs: mean((r) => r.fitMs), scoreMs: mean((r) => r.scoreMs), people };
}
