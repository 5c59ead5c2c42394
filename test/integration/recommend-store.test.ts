// "For you" over a real store: papers in SQLite / PostgreSQL, the search service building its index and corpus
// embedder from them, the recommendation service fitting each person's model and keeping it in
// recommendation_models. The point: a new positive refits that person's model, and only theirs.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRecommendationModel } from '../../src/db/recommendations.ts';
import { decodeModel } from '../../src/recommend/model-codec.ts';
import type { Positive } from '../../src/recommend/recommend.ts';
import { RecommendationService } from '../../src/recommend/service.ts';
import { DatabaseSearchService } from '../../src/search/service.ts';
import { makeUser } from '../helpers/factory.ts';
import { createTestDatabase, databaseKinds, tempDir, type TestDatabase } from '../helpers/db.ts';
import { storeTopicCorpus, topicCorpus } from '../helpers/topic-corpus.ts';

const corpus = topicCorpus({ papers: 300, vectors: false });
const topicOf = new Map(corpus.docs.map((d) => [d.id, d.topic]));
const ofTopic = (topic: number, n: number, reason: Positive['reason'] = 'saved'): Positive[] =>
  corpus.docs
    .filter((d) => d.topic === topic)
    .slice(0, n)
    .map((d) => ({ paperId: d.id, reason }));

for (const kind of databaseKinds) {
  describe(`recommendations stored per person (${kind})`, () => {
    let database: TestDatabase;
    let search: DatabaseSearchService;
    let service: RecommendationService;

    beforeAll(async () => {
      database = await createTestDatabase(kind);
      await storeTopicCorpus(database, corpus);
      search = new DatabaseSearchService(database, {
        dataDir: tempDir(),
        embedder: 'corpus',
        refreshIntervalMs: 60_000,
        minRebuildIntervalMs: 0,
        trainIfMissing: true,
      });
      await search.refresh();
      service = new RecommendationService(database, () => search.engine());
    });

    afterAll(async () => {
      await search?.close();
      await database?.drop();
    });

    it('fits and stores a model at the first request, and reuses it while nothing changed', async () => {
      const ada = await makeUser(database);
      const positives = ofTopic(1, 4);
      const first = await service.recommendFor(ada.id, positives, 10);
      expect(first).toHaveLength(10);
      for (const r of first) expect(topicOf.get(r.paperId)).toBe(1);
      const stored = await loadRecommendationModel(database, ada.id);
      expect(stored).not.toBeNull();
      expect(decodeModel(stored!.model)!.positives.map((p) => p.paperId)).toEqual(positives.map((p) => p.paperId));
      // Same positives, same features: the stored model answers, nothing is refitted or written.
      expect(await service.update(ada.id, positives)).toBeNull();
      // Rebuilt from the stored (float32) duals: the same list, scores equal to float32 precision.
      const again = await service.recommendFor(ada.id, positives, 10);
      expect(again.map((r) => [r.paperId, r.because, r.reason])).toEqual(first.map((r) => [r.paperId, r.because, r.reason]));
      again.forEach((r, i) => {
        expect(r.score).toBeCloseTo(first[i].score, 4);
      });
      expect((await loadRecommendationModel(database, ada.id))!.fittedAt).toBe(stored!.fittedAt);
    });

    it('a new save refits that person’s model only, warm, and changes their ranking', async () => {
      const ada = await makeUser(database);
      const bob = await makeUser(database);
      const adaBefore = ofTopic(2, 5);
      const bobPositives = ofTopic(5, 5);
      const adaFirst = await service.recommendFor(ada.id, adaBefore, 20);
      await service.recommendFor(bob.id, bobPositives, 20);
      const bobRow = await loadRecommendationModel(database, bob.id);
      const adaRow = await loadRecommendationModel(database, ada.id);

      const adaAfter = [...adaBefore, ...ofTopic(6, 3)];
      const fit = await service.update(ada.id, adaAfter);
      expect(fit).not.toBeNull();
      expect(fit!.warm).toBe(true);
      expect(fit!.converged).toBe(true);
      expect(fit!.ms).toBeGreaterThan(0);

      const adaRowAfter = await loadRecommendationModel(database, ada.id);
      expect(adaRowAfter!.model).not.toBe(adaRow!.model);
      expect(decodeModel(adaRowAfter!.model)!.positives).toHaveLength(8);
      // Bob's stored model is untouched, byte for byte.
      expect(await loadRecommendationModel(database, bob.id)).toEqual(bobRow);

      const adaNow = await service.recommendFor(ada.id, adaAfter, 20);
      expect(adaNow.map((r) => r.paperId)).not.toEqual(adaFirst.map((r) => r.paperId));
      expect(adaNow.some((r) => topicOf.get(r.paperId) === 6 && topicOf.get(r.because) === 6)).toBe(true);
    });

    it('a stored model that is not readable is refitted from scratch instead of failing the page', async () => {
      const cy = await makeUser(database);
      const positives = ofTopic(3, 3);
      await database.db
        .insertInto('recommendation_models')
        .values({ user_id: cy.id, model: '{"format":1,"alphas":"%%%"}', fitted_at: '2000-01-01T00:00:00Z' })
        .execute();
      const recs = await service.recommendFor(cy.id, positives, 5);
      expect(recs).toHaveLength(5);
      expect(decodeModel((await loadRecommendationModel(database, cy.id))!.model)).not.toBeNull();
    });
  });
}
