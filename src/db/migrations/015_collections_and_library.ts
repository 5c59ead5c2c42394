// A person's library (saved papers, private to them) and collections of papers as Hugging Face has them: a title,
// a description, public or private, and ordered items each with an optional note. Ids are 24 hex digits, the shape
// of Hugging Face's collection and item ids, so a slug reads `owner/title-words-<id>` on both sites.
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 15,
  name: 'collections_and_library',
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE library_items (
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
      created_at TEXT NOT NULL,
      PRIMARY KEY (user_id, paper_id)
    )`.execute(db);
    await sql`CREATE INDEX library_items_recent ON library_items (user_id, created_at)`.execute(db);

    // title_key (the title lower-cased and trimmed) is unique per owner: creating a second collection of the same
    // title is a 409 carrying the first one's slug, which is what the Hugging Face client's exists_ok relies on.
    await sql`CREATE TABLE collections (
      id TEXT PRIMARY KEY,
      owner_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      title TEXT NOT NULL,
      title_key TEXT NOT NULL,
      description TEXT,
      private INTEGER NOT NULL DEFAULT 0,
      theme TEXT NOT NULL,
      created_at TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE UNIQUE INDEX collections_owner_title ON collections (owner_id, title_key)`.execute(db);
    await sql`CREATE INDEX collections_updated ON collections (private, updated_at)`.execute(db);

    await sql`CREATE TABLE collection_items (
      id TEXT PRIMARY KEY,
      collection_id TEXT NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
      paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      note TEXT,
      created_at TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE UNIQUE INDEX collection_items_paper ON collection_items (collection_id, paper_id)`.execute(db);
    await sql`CREATE INDEX collection_items_by_paper ON collection_items (paper_id)`.execute(db);
  },
};
