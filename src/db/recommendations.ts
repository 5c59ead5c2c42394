// Stored "For you" models, one row per person. The model itself is opaque text here (src/recommend encodes it);
// a write replaces the person's row and touches no other.
import type { Database } from './connect.ts';

export interface StoredModel {
  userId: string;
  model: string;
  fittedAt: string;
}

export async function loadRecommendationModel(database: Database, userId: string): Promise<StoredModel | null> {
  const row = await database.db.selectFrom('recommendation_models').selectAll().where('user_id', '=', userId).executeTakeFirst();
  return row ? { userId: row.user_id, model: row.model, fittedAt: row.fitted_at } : null;
}

export async function saveRecommendationModel(database: Database, stored: StoredModel): Promise<void> {
  await database.db
    .insertInto('recommendation_models')
    .values({ user_id: stored.userId, model: stored.model, fitted_at: stored.fittedAt })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ model: stored.model, fitted_at: stored.fittedAt }))
    .execute();
}
