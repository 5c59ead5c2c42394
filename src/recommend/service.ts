// "For you" over the system of record: the features come from the current search snapshot (rebuilt only when
// search swaps in a new one), and each person's model is stored in recommendation_models. A person's model is
// refitted only when their own positives change (update(), called after a save, upvote or claim) or when the
// features do (lazily, at their next request, warm-started from their stored duals): a new save never refits
// anyone else.
import type { Database } from '../db/connect.ts';
import { loadRecommendationModel, saveRecommendationModel } from '../db/recommendations.ts';
import type { SearchEngine } from '../search/engine.ts';
import { DEFAULT_FEATURES, PaperFeatures, type FeatureOptions } from './features.ts';
import { decodeModel, encodeModel } from './model-codec.ts';
import { DEFAULT_MODEL, type FitStats, type ModelParams } from './person-model.ts';
import { currentModel, recommendFor, type Positive, type Recommendation, type RecommendOptions } from './recommend.ts';

export interface RecommendationServiceOptions {
  features?: Partial<FeatureOptions>;
  params?: ModelParams;
  log?: (message: string) => void;
}

export class RecommendationService {
  private cached: { engine: SearchEngine; vectors: unknown; features: Promise<PaperFeatures> } | null = null;

  constructor(
    private readonly database: Database,
    /** The current search snapshot (DatabaseSearchService.engine). */
    private readonly engine: () => Promise<SearchEngine>,
    private readonly options: RecommendationServiceOptions = {},
  ) {}

  /**
   * The features of the current search snapshot, built once per snapshot in slices that leave the event loop
   * free (about 2 s of work at 80k papers), shared by the requests that arrive meanwhile.
   */
  async features(): Promise<PaperFeatures> {
    const engine = await this.engine();
    // Search attaches vectors to a snapshot after its lexical index: features that use them are built again then.
    const usesVectors = (this.options.features?.denseWeight ?? DEFAULT_FEATURES.denseWeight) > 0;
    if (this.cached?.engine !== engine || (usesVectors && this.cached.vectors !== engine.vectors)) {
      const started = performance.now();
      const features = PaperFeatures.build(engine, this.options.features);
      const entry = { engine, vectors: engine.vectors, features };
      this.cached = entry;
      features.then(
        (f) =>
          this.options.log?.(
            `recommend: features of ${f.docCount} papers (${f.sparseDims} terms, ${f.denseDims} d vectors) in ${Math.round(performance.now() - started)} ms`,
          ),
        () => {
          if (this.cached === entry) this.cached = null;
        },
      );
    }
    return this.cached.features;
  }

  /**
   * The person's top k papers, each with the positive that explains it. Their stored model is used when it was
   * fitted to these positives over these features; otherwise it is refitted (from its duals) and stored.
   */
  async recommendFor(userId: string, positives: readonly Positive[], k: number, options: Omit<RecommendOptions, 'params'> = {}): Promise<Recommendation[]> {
    const features = await this.features();
    const stored = await loadRecommendationModel(this.database, userId);
    const previous = stored ? decodeModel(stored.model) : null;
    const result = recommendFor(features, { positives, model: previous }, k, { ...options, params: this.params });
    if (result.fit && result.model)
      await saveRecommendationModel(this.database, { userId, model: encodeModel(result.model), fittedAt: new Date().toISOString() });
    return result.recommendations;
  }

  /**
   * Refits and stores one person's model now, warm-started from their stored one: call it after their
   * positives change so their next page does not wait. Null when nothing needed fitting (no usable positive, or
   * the stored model is already current). No other person's model is read or written.
   */
  async update(userId: string, positives: readonly Positive[]): Promise<FitStats | null> {
    const features = await this.features();
    const stored = await loadRecommendationModel(this.database, userId);
    const previous = stored ? decodeModel(stored.model) : null;
    const result = currentModel(features, positives, previous, this.params);
    if (!result.fit || !result.model) return null;
    await saveRecommendationModel(this.database, { userId, model: encodeModel(result.model), fittedAt: new Date().toISOString() });
    return result.fit;
  }

  private get params(): ModelParams {
    return this.options.params ?? DEFAULT_MODEL;
  }
}
