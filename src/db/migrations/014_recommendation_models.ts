// Each person's "For you" model (src/recommend): derived data, refitted from their papers when it is missing or
// stale, kept in the store so every app process and the digest job share one fit instead of each refitting it.
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 14,
  name: 'recommendation_models',
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE recommendation_models (
      user_id TEXT PRIMARY KEY REFERENCES users(id) ON DELETE CASCADE,
      model TEXT NOT NULL,
      fitted_at TEXT NOT NULL
    )`.execute(db);
  },
};
