import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateSplit, splitByDate, type Method } from '../../../src/recommend/evaluate.ts';
import { PaperFeatures } from '../../../src/recommend/features.ts';
import { decodeModel, encodeModel } from '../../../src/recommend/model-codec.ts';
import { backgroundSample, DEFAULT_MODEL, fitPersonModel, restoreScorer } from '../../../src/recommend/person-model.ts';
import { centroidScorer, dayNumber, linearScorer } from '../../../src/recommend/rank.ts';
import { recommendFor, type Positive } from '../../../src/recommend/recommend.ts';
import { topicCorpus, type TopicCorpus } from '../../helpers/topic-corpus.ts';

let corpus: TopicCorpus;
let features: PaperFeatures;
const topicOf = (id: string) => corpus.docs[features.ids.doc(id)!].topic;

beforeAll(() => {
  corpus = topicCorpus();
  features = PaperFeatures.fromEngine(corpus.engine);
});

describe('paper features', () => {
  it('lay out the lexical index paper by paper: unit rows, rare and very common terms left out, vectors attached', () => {
    expect(features.docCount).toBe(corpus.docs.length);
    expect(features.sparseDims).toBeGreaterThan(100);
    // The default model uses the tf-idf block only (it measured better); the vectors join when given a weight.
    expect(features.denseDims).toBe(0);
    const both = PaperFeatures.fromEngine(corpus.engine, { denseWeight: 1 });
    expect(both.denseDims).toBe(24);
    expect(both.dims).toBe(features.sparseDims + 24);
    expect(both.key).not.toBe(features.key);
    for (const d of [0, 17, 599]) {
      const row = features.sparseRow(d);
      expect(row.cols.length).toBeGreaterThan(10);
      expect(row.vals.reduce((s, v) => s + v * v, 0)).toBeCloseTo(1, 5);
      for (let i = 1; i < row.cols.length; i++) expect(row.cols[i]).toBeGreaterThan(row.cols[i - 1]);
    }
    // Every background word is in far more than 10% of the papers: none of them is a feature.
    const strict = PaperFeatures.fromEngine(corpus.engine, { maxDocumentShare: 0.01 });
    expect(strict.sparseDims).toBeLessThan(features.sparseDims);
    // A paper is most alike to itself.
    expect(features.similarity(5, 5)).toBeGreaterThan(features.similarity(5, 6));
  });
});

/** A person who keeps the papers of topics 1 and 4. */
function personPapers() {
  return corpus.docs.map((d, doc) => ({ doc, day: dayNumber(d.day!), at: '', topic: d.topic })).filter((p) => p.topic === 1 || p.topic === 4);
}

describe('ranking a person’s held-out papers (evaluation protocol on a generated corpus)', () => {
  it('the model and the centroid both rank them far above random', () => {
    const split = splitByDate(personPapers(), 0.7)!;
    expect(split.train.length).toBeGreaterThan(20);
    expect(split.from).toBeLessThanOrEqual(split.to);
    const model: Method = {
      name: 'model',
      fit: (positives, knownUntil) => {
        const negatives = backgroundSample(features, 300, (d) => features.days[d] <= knownUntil);
        return linearScorer(features, fitPersonModel(features, positives, negatives).model.scorer);
      },
    };
    const centroid: Method = { name: 'centroid', fit: (positives) => centroidScorer(features, positives)! };
    // Random orders (a fixed shuffle per seed), averaged: what ranking without looking at the person gets.
    const random = [1, 2, 3, 4, 5].map((seed) =>
      evaluateSplit(features, split, { name: 'random', fit: () => (d) => Math.sin(d * 12.9898 + seed * 78.233) }, 20),
    );
    const randomRecall = random.reduce((s, r) => s + r.recall, 0) / random.length;
    const randomNdcg = random.reduce((s, r) => s + r.ndcg, 0) / random.length;
    expect(random[0].candidates).toBeGreaterThan(100);
    for (const method of [model, centroid]) {
      const r = evaluateSplit(features, split, method, 20);
      expect(r.recall, method.name).toBeGreaterThan(3 * randomRecall);
      expect(r.ndcg, method.name).toBeGreaterThan(2.5 * randomNdcg);
    }
  });

  it('negatives come only from papers known on the last training day, the same ones however often asked', () => {
    const until = dayNumber('2025-01-20');
    const a = backgroundSample(features, 50, (d) => features.days[d] <= until);
    expect(a.length).toBe(50);
    for (const d of a) expect(features.days[d]).toBeLessThanOrEqual(until);
    expect(backgroundSample(features, 50, (d) => features.days[d] <= until)).toEqual(a);
  });
});

describe('recommendFor', () => {
  const saved = (topic: number, n: number, reason: Positive['reason']): Positive[] =>
    corpus.docs
      .filter((d) => d.topic === topic)
      .slice(0, n)
      .map((d) => ({ paperId: d.id, reason }));

  it('recommends papers of the person’s topics, each naming the positive of its own topic and how it became theirs', () => {
    const positives = [...saved(2, 3, 'saved'), ...saved(6, 3, 'upvoted')];
    const { recommendations, model, fit } = recommendFor(features, { positives }, 10);
    expect(model).not.toBeNull();
    expect(fit?.converged).toBe(true);
    expect(recommendations).toHaveLength(10);
    const positiveIds = new Set(positives.map((p) => p.paperId));
    for (const r of recommendations) {
      expect(positiveIds.has(r.paperId)).toBe(false);
      expect([2, 6]).toContain(topicOf(r.paperId));
      expect(topicOf(r.because)).toBe(topicOf(r.paperId));
      expect(r.reason).toBe(topicOf(r.paperId) === 2 ? 'saved' : 'upvoted');
    }
    for (let i = 1; i < recommendations.length; i++) expect(recommendations[i].score).toBeLessThanOrEqual(recommendations[i - 1].score);
  });

  it('honours exclude and since, and gives nothing for a person with no known paper', () => {
    const positives = saved(3, 4, 'saved');
    const first = recommendFor(features, { positives }, 5).recommendations;
    const excluded = recommendFor(features, { positives }, 5, { exclude: [first[0].paperId] }).recommendations;
    expect(excluded.map((r) => r.paperId)).not.toContain(first[0].paperId);
    const recent = recommendFor(features, { positives }, 5, { since: '2025-02-15' }).recommendations;
    for (const r of recent) expect(corpus.docs[features.ids.doc(r.paperId)!].day! >= '2025-02-15').toBe(true);
    // `among` limits the candidates to a given set (a digest's period), in the model's order, excluded ones and
    // unknown ids left out.
    const pool = corpus.docs.slice(300, 360).map((d) => d.id);
    const among = recommendFor(features, { positives }, 8, { among: [...pool, '9999.99999', pool[0]], exclude: [pool[1]] }).recommendations;
    expect(among).toHaveLength(8);
    for (const r of among) expect(pool.filter((id) => id !== pool[1])).toContain(r.paperId);
    const everyScore = recommendFor(features, { positives }, corpus.docs.length).recommendations.filter(
      (r) => pool.includes(r.paperId) && r.paperId !== pool[1],
    );
    expect(among.map((r) => r.paperId)).toEqual(everyScore.slice(0, 8).map((r) => r.paperId));
    expect(recommendFor(features, { positives }, 5, { among: pool, since: '2099-01-01' }).recommendations).toEqual([]);
    expect(recommendFor(features, { positives: [{ paperId: '9999.99999', reason: 'saved' }] }, 5)).toEqual({ recommendations: [], model: null, fit: null });
    expect(() => recommendFor(features, { positives: [{ ...positives[0], weight: -1 }] }, 5)).toThrow(/weight must be a positive number/);
  });

  it('a stored model survives encoding and is reused, not refitted, while the positives are unchanged', () => {
    const positives = saved(5, 4, 'claimed');
    const first = recommendFor(features, { positives }, 10);
    const stored = decodeModel(encodeModel(first.model!))!;
    expect(stored).not.toBeNull();
    const again = recommendFor(features, { positives, model: stored }, 10);
    expect(again.fit).toBeNull();
    // The same papers in another order are the same positives.
    expect(recommendFor(features, { positives: [...positives].reverse(), model: stored }, 10).fit).toBeNull();
    expect(recommendFor(features, { positives: positives.slice(1), model: stored }, 10).fit).not.toBeNull();
    expect(again.recommendations.map((r) => r.paperId)).toEqual(first.recommendations.map((r) => r.paperId));
    const restored = restoreScorer(features, stored)!;
    for (const d of [0, 100, 200]) expect(linearScorer(features, restored)(d)).toBeCloseTo(linearScorer(features, first.model!.scorer)(d), 4);
    expect(decodeModel('{"format":1')).toBeNull();
    expect(decodeModel(JSON.stringify({ format: 99 }))).toBeNull();
  });

  it('a new positive refits from the previous duals: the same model as a cold fit, and the ranking moves', () => {
    // Solved tightly, so that both fits are the optimum and may be compared paper by paper.
    const params = { ...DEFAULT_MODEL, svm: { tolerance: 1e-4 } };
    const before = saved(0, 6, 'saved');
    const first = recommendFor(features, { positives: before }, 100, { params });
    const after = [...before, ...saved(7, 1, 'saved')];
    const warm = recommendFor(features, { positives: after, model: decodeModel(encodeModel(first.model!)) }, 100, { params });
    const cold = recommendFor(features, { positives: after }, 100, { params });
    expect(warm.fit?.warm).toBe(true);
    expect(warm.fit!.epochs).toBeLessThanOrEqual(cold.fit!.epochs);
    expect(warm.recommendations.slice(0, 20).map((r) => r.paperId)).toEqual(cold.recommendations.slice(0, 20).map((r) => r.paperId));
    expect(warm.recommendations.slice(0, 10).map((r) => r.paperId)).not.toEqual(first.recommendations.slice(0, 10).map((r) => r.paperId));
    // Papers like the new save climb: the best-placed one of its topic is higher than before.
    const bestOfTopic7 = (list: { paperId: string }[]) => list.findIndex((r) => topicOf(r.paperId) === 7);
    expect(bestOfTopic7(warm.recommendations)).toBeGreaterThanOrEqual(0);
    const was = bestOfTopic7(first.recommendations);
    expect(bestOfTopic7(warm.recommendations)).toBeLessThan(was < 0 ? 100 : was);
  });
});

describe('fitPersonModel', () => {
  it('balances the classes: a handful of positives against hundreds of negatives still scores positives higher', () => {
    const positives = corpus.docs
      .filter((d) => d.topic === 3)
      .slice(0, 3)
      .map((d) => ({ doc: features.ids.doc(d.id)!, weight: 1 }));
    const negatives = backgroundSample(features, 500);
    const { model } = fitPersonModel(features, positives, negatives, DEFAULT_MODEL);
    const score = linearScorer(features, model.scorer);
    const topic3 = corpus.docs.map((d, i) => [d.topic, score(i)] as const);
    const mean = (t: boolean) => {
      const xs = topic3.filter(([topic]) => (topic === 3) === t).map(([, s]) => s);
      return xs.reduce((a, b) => a + b, 0) / xs.length;
    };
    expect(mean(true)).toBeGreaterThan(mean(false) + 0.2);
  });
});
