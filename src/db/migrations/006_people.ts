// People and their papers: the key every spelling of an author name files under (author pages), what Hugging Face
// says about each author entry (its account and the status of that link), Hugging Face accounts and organisations,
// per-paper details from Hugging Face (organisation, media), claims of author entries by accounts here, and the
// profile setting that makes a person's upvotes public.
import { sql, type Kysely } from 'kysely';
import { authorKey } from '../../domain/author-name.ts';
import { insertRows } from '../bulk-insert.ts';
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 6,
  name: 'people',
  async up(db: Kysely<any>, kind) {
    const clustered = kind === 'sqlite' ? sql.raw(' WITHOUT ROWID') : sql.raw('');
    // One row per distinct spelling seen in paper_authors or hf_author_entries; the key is src/domain/author-name.ts's.
    await sql`CREATE TABLE author_names (
      name TEXT PRIMARY KEY,
      author_key TEXT NOT NULL
    )${clustered}`.execute(db);
    await sql`CREATE INDEX author_names_key ON author_names (author_key)`.execute(db);
    await sql`CREATE INDEX paper_authors_name ON paper_authors (name)`.execute(db);

    await sql`CREATE TABLE hf_users (
      username TEXT PRIMARY KEY,
      hf_id TEXT,
      fullname TEXT,
      avatar_url TEXT,
      is_pro INTEGER NOT NULL DEFAULT 0,
      modified_at TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE TABLE organizations (
      name TEXT PRIMARY KEY,
      hf_id TEXT,
      fullname TEXT NOT NULL,
      avatar_url TEXT,
      modified_at TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE TABLE hf_paper_details (
      paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
      organization TEXT,
      media_urls TEXT NOT NULL,
      is_author_participating INTEGER,
      modified_at TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX hf_paper_details_organization ON hf_paper_details (organization)`.execute(db);
    await sql`CREATE TABLE hf_author_entries (
      paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      name TEXT NOT NULL,
      hf_id TEXT,
      hidden INTEGER NOT NULL DEFAULT 0,
      status TEXT,
      status_changed_at TEXT,
      hf_user TEXT,
      PRIMARY KEY (paper_id, position)
    )`.execute(db);
    await sql`CREATE INDEX hf_author_entries_user ON hf_author_entries (hf_user)`.execute(db);
    await sql`CREATE INDEX hf_author_entries_name ON hf_author_entries (name)`.execute(db);

    // status: pending → approved | rejected (a moderator's decision, in the audit log) | withdrawn (by the claimant).
    await sql`CREATE TABLE author_claims (
      id TEXT PRIMARY KEY,
      paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
      position INTEGER NOT NULL,
      author_name TEXT NOT NULL,
      author_key TEXT NOT NULL,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      status TEXT NOT NULL,
      created_at TEXT NOT NULL,
      decided_at TEXT,
      decided_by TEXT REFERENCES users(id),
      reason TEXT
    )`.execute(db);
    // One approved claim per author entry, and one open (pending or approved) claim per person per paper.
    await sql`CREATE UNIQUE INDEX author_claims_entry_approved ON author_claims (paper_id, position) WHERE status = 'approved'`.execute(db);
    await sql`CREATE UNIQUE INDEX author_claims_person_open ON author_claims (paper_id, user_id) WHERE status IN ('pending', 'approved')`.execute(db);
    await sql`CREATE INDEX author_claims_user ON author_claims (user_id, status)`.execute(db);
    await sql`CREATE INDEX author_claims_status ON author_claims (status, created_at)`.execute(db);
    await sql`CREATE INDEX author_claims_key ON author_claims (author_key, status)`.execute(db);

    // Upvotes were never shown on profiles before this setting existed, so they stay private until a person opts in.
    await sql`ALTER TABLE users ADD COLUMN show_upvotes INTEGER NOT NULL DEFAULT 0`.execute(db);

    const names = await sql<{ name: string }>`SELECT DISTINCT name FROM paper_authors`.execute(db);
    await insertRows(
      db,
      kind,
      { table: 'author_names', columns: ['name', 'author_key'] },
      names.rows.map((r) => [r.name, authorKey(r.name)]),
    );
  },
};
