// "For you": recommendations for one person from the papers they saved, upvoted or claimed. Pure over a
// features snapshot; the service (service.ts) adds storage of each person's model and the search engine.
import type { PositiveReason } from '../domain/because.ts';
import type { PaperFeatures } from './features.ts';
import {
  backgroundSample,
  DEFAULT_MODEL,
  fitPersonModel,
  restoreScorer,
  type FitStats,
  type ModelParams,
  type PersonModel,
  type WeightedDoc,
} from './person-model.ts';
import type { StoredPersonModel } from './model-codec.ts';
import { because, dayNumber, docsBetween, linearScorer, topDocs } from './rank.ts';

/** Why a paper counts for a person: shown as "because you saved X". */
export type { PositiveReason };

export interface Positive {
  paperId: string;
  /** How much it counts (default 1); a positive of weight 2 pulls like two. */
  weight?: number;
  reason: PositiveReason;
}

export interface Recommendation {
  paperId: string;
  /** The model's decision value: higher is more recommended (comparable within one person's list only). */
  score: number;
  /** The person's paper that most explains this one (the most alike in the model's features)... */
  because: string;
  /** ...and how it became theirs. */
  reason: PositiveReason;
}

export interface RecommendOptions {
  /** Papers never to recommend (besides the positives themselves): dismissed, already read. */
  exclude?: Iterable<string>;
  /** Only papers dated on or after this day (YYYY-MM-DD): "For you" looks at recent papers. */
  since?: string;
  /** Only these papers (a digest's period); ids the features do not know are ignored. */
  among?: Iterable<string>;
  params?: ModelParams;
}

export interface RecommendResult {
  recommendations: Recommendation[];
  /** The person's model: store it and pass it back next time. */
  model: PersonModel | null;
  /** Set when the model was (re)fitted for this call; null when the given one was current. */
  fit: FitStats | null;
}

/**
 * The positives that are in the features, with their weights, in paper-id order (so the same papers given in
 * another order are the same model); the first of duplicates wins.
 */
export function resolvePositives(features: PaperFeatures, positives: readonly Positive[]): { docs: WeightedDoc[]; reasons: Map<number, PositiveReason> } {
  const docs: WeightedDoc[] = [];
  const reasons = new Map<number, PositiveReason>();
  for (const p of positives) {
    const doc = features.ids.doc(p.paperId);
    if (doc === undefined || reasons.has(doc)) continue;
    const weight = p.weight ?? 1;
    if (!(weight > 0) || !Number.isFinite(weight)) throw new RangeError(`positive ${p.paperId}: weight must be a positive number, got ${weight}`);
    reasons.set(doc, p.reason);
    docs.push({ doc, weight });
  }
  const id = (d: WeightedDoc) => features.ids.id(d.doc);
  docs.sort((a, b) => (id(a) < id(b) ? -1 : id(a) > id(b) ? 1 : 0));
  return { docs, reasons };
}

/** Whether a stored model was fitted to exactly these positives (ids and weights) over these features. */
export function isCurrent(model: StoredPersonModel | null | undefined, features: PaperFeatures, docs: WeightedDoc[]): boolean {
  if (!model || model.featuresKey !== features.key || model.positives.length !== docs.length) return false;
  return docs.every((d, i) => model.positives[i].paperId === features.ids.id(d.doc) && model.positives[i].weight === d.weight);
}

/**
 * The person's model for these features: `previous` (their stored model) as is when it is current, else refitted
 * from its dual variables (or from scratch). Null when no positive is in the features.
 */
export function currentModel(
  features: PaperFeatures,
  positives: readonly Positive[],
  previous: PersonModel | StoredPersonModel | null | undefined,
  params: ModelParams = DEFAULT_MODEL,
): { model: PersonModel | null; fit: FitStats | null; docs: WeightedDoc[]; reasons: Map<number, PositiveReason> } {
  const { docs, reasons } = resolvePositives(features, positives);
  if (!docs.length) return { model: null, fit: null, docs, reasons };
  if (previous && isCurrent(previous, features, docs)) {
    const scorer = 'scorer' in previous ? previous.scorer : restoreScorer(features, previous);
    if (scorer) return { model: { ...previous, scorer }, fit: null, docs, reasons };
  }
  const negatives = backgroundSample(features, params.negatives);
  const { model, stats } = fitPersonModel(features, docs, negatives, params, previous);
  return { model, fit: stats, docs, reasons };
}

/** The documents of these paper ids (each once, known ones only) dated on or after `from`, not excluded. */
function docsAmong(features: PaperFeatures, ids: Iterable<string>, from: number, excluded: ReadonlySet<number>): Int32Array {
  const docs = new Set<number>();
  for (const id of ids) {
    const d = features.ids.doc(id);
    if (d !== undefined && features.days[d] >= from && !excluded.has(d)) docs.add(d);
  }
  // In document order, as docsBetween gives them, so ties rank the same way.
  return Int32Array.from(docs).sort();
}

/**
 * The person's top k papers with the positive that explains each, and their model (store it and pass it back as
 * `person.model` next time: it is reused while current, and warm-starts the refit otherwise). A person with no
 * usable positive gets no recommendations (the caller shows what is trending instead).
 */
export function recommendFor(
  features: PaperFeatures,
  person: { positives: readonly Positive[]; model?: PersonModel | StoredPersonModel | null },
  k: number,
  options: RecommendOptions = {},
): RecommendResult {
  const { model, fit, docs, reasons } = currentModel(features, person.positives, person.model, options.params);
  if (!model || k <= 0) return { recommendations: [], model, fit };
  const excluded = new Set<number>(reasons.keys());
  for (const id of options.exclude ?? []) {
    const d = features.ids.doc(id);
    if (d !== undefined) excluded.add(d);
  }
  const from = options.since ? dayNumber(options.since) : -Infinity;
  const candidates = options.among ? docsAmong(features, options.among, from, excluded) : docsBetween(features, from, Infinity, excluded);
  const top = topDocs(candidates, linearScorer(features, model.scorer), k);
  const positiveDocs = docs.map((d) => d.doc);
  const recommendations = top.map(({ doc, score }) => {
    const why = because(features, positiveDocs, doc);
    return { paperId: features.ids.id(doc), score, because: features.ids.id(why), reason: reasons.get(why)! };
  });
  return { recommendations, model, fit };
}
