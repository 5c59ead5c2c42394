// Table types for Kysely. Timestamps are ISO-8601 strings and days are YYYY-MM-DD strings on both
// databases, so that comparisons and sorting behave the same on SQLite and PostgreSQL.
import type { Generated } from 'kysely';

export interface PapersTable {
  id: string;
  version: number;
  title: string;
  abstract: string;
  /** JSON array of names, in order. */
  authors: string;
  primary_category: string | null;
  /** Space-separated, primary first. */
  categories: string;
  submitted_at: string | null;
  updated_at: string | null;
  announced_on: string | null;
  /** JSON array of {version, created}. */
  versions: string;
  comments: string | null;
  journal_ref: string | null;
  doi: string | null;
  license: string | null;
  code_url: string | null;
  project_url: string | null;
  github_stars: number | null;
  /** JSON array of keyphrases from a source (Hugging Face ai_keywords) or derived from the corpus. */
  keywords: string | null;
  ai_summary: string | null;
  /** Counters kept in step with the votes and comments tables (community issue), in the same transaction. */
  community_upvotes: Generated<number>;
  community_comments: Generated<number>;
  /** 1 when a moderator hid the paper. */
  hidden: Generated<number>;
  featured_at: string | null;
  created_at: string;
  modified_at: string;
}

export interface PaperCategoriesTable {
  paper_id: string;
  category: string;
}

export interface PaperAuthorsTable {
  paper_id: string;
  position: number;
  name: string;
}

export interface DailyEntriesTable {
  paper_id: string;
  day: string;
  submitted_at: string | null;
  submitted_by: string | null;
  /** Upvotes and comments counted by the source that submitted the paper (Hugging Face); community votes add to these. */
  upvotes: number;
  num_comments: number;
  source: string;
  modified_at: string;
}

export interface SchemaMigrationsTable {
  version: number;
  name: string;
  applied_at: string;
}

export interface DB {
  papers: PapersTable;
  paper_categories: PaperCategoriesTable;
  paper_authors: PaperAuthorsTable;
  daily_entries: DailyEntriesTable;
  schema_migrations: SchemaMigrationsTable;
}

export type { Generated };
