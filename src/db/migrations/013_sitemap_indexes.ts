// Covering indexes for the sitemap (src/db/sitemap.ts), which lists every visible paper and every day with papers:
// with them both read index entries only, never the papers' rows (abstracts included).
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 13,
  name: 'sitemap_indexes',
  async up(db: Kysely<any>) {
    await sql`CREATE INDEX papers_visible_by_id ON papers (hidden, id, modified_at)`.execute(db);
    await sql`CREATE INDEX papers_visible_by_day ON papers (hidden, announced_on, modified_at)`.execute(db);
  },
};
