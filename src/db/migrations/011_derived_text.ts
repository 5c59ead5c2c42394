// Text derived from each paper at index time: an extractive one-sentence TL;DR (for papers without an imported
// ai_summary) and keyphrases, with the extractor version and the paper's modified_at they were derived from, so a
// better extractor or a changed abstract derives them again. Derived keyphrases used to be written into
// `keywords`; only a Hugging Face daily entry brings imported ones, so on papers without such an entry they were
// derived and move out of the way (the next index build derives them anew).
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 11,
  name: 'derived_text',
  async up(db: Kysely<any>) {
    await sql`ALTER TABLE papers ADD COLUMN tldr TEXT`.execute(db);
    await sql`ALTER TABLE papers ADD COLUMN derived_keywords TEXT`.execute(db);
    await sql`ALTER TABLE papers ADD COLUMN derived_version INTEGER`.execute(db);
    await sql`ALTER TABLE papers ADD COLUMN derived_from TEXT`.execute(db);
    await sql`UPDATE papers SET keywords = NULL
      WHERE keywords IS NOT NULL AND NOT EXISTS (SELECT 1 FROM daily_entries d WHERE d.paper_id = papers.id AND d.source = 'hf')`.execute(db);
  },
};
