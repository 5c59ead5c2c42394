// Accounts, sessions, sign-in links, personal access tokens, votes, comments, submissions and the
// moderation log. Ids are random TEXT (no auto-increment, so the same DDL runs on SQLite and PostgreSQL).
// Every secret a person holds (session cookie, sign-in link, access token) is stored only as its SHA-256.
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 4,
  name: 'community',
  async up(db: Kysely<any>) {
    await sql`CREATE TABLE users (
      id TEXT PRIMARY KEY,
      username TEXT NOT NULL,
      username_key TEXT NOT NULL UNIQUE,
      email TEXT NOT NULL UNIQUE,
      password_hash TEXT,
      role TEXT NOT NULL DEFAULT 'user',
      banned_at TEXT,
      created_at TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE TABLE sessions (
      id TEXT PRIMARY KEY,
      token_hash TEXT NOT NULL UNIQUE,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      created_at TEXT NOT NULL,
      last_seen_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      user_agent TEXT
    )`.execute(db);
    await sql`CREATE INDEX sessions_user ON sessions (user_id)`.execute(db);
    await sql`CREATE TABLE login_tokens (
      token_hash TEXT PRIMARY KEY,
      email TEXT NOT NULL,
      username TEXT,
      password_hash TEXT,
      next_path TEXT,
      created_at TEXT NOT NULL,
      expires_at TEXT NOT NULL,
      used_at TEXT
    )`.execute(db);
    await sql`CREATE INDEX login_tokens_expires ON login_tokens (expires_at)`.execute(db);
    await sql`CREATE TABLE api_tokens (
      id TEXT PRIMARY KEY,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      name TEXT NOT NULL,
      token_hash TEXT NOT NULL UNIQUE,
      created_at TEXT NOT NULL,
      last_used_at TEXT,
      revoked_at TEXT
    )`.execute(db);
    await sql`CREATE INDEX api_tokens_user ON api_tokens (user_id)`.execute(db);
    await sql`CREATE TABLE votes (
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
      created_at TEXT NOT NULL,
      PRIMARY KEY (user_id, paper_id)
    )`.execute(db);
    await sql`CREATE INDEX votes_paper ON votes (paper_id)`.execute(db);
    await sql`CREATE TABLE comments (
      id TEXT PRIMARY KEY,
      paper_id TEXT NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      parent_id TEXT REFERENCES comments(id) ON DELETE CASCADE,
      body TEXT NOT NULL,
      created_at TEXT NOT NULL,
      edited_at TEXT,
      deleted_at TEXT,
      hidden_at TEXT
    )`.execute(db);
    await sql`CREATE INDEX comments_paper ON comments (paper_id, created_at)`.execute(db);
    await sql`CREATE INDEX comments_user ON comments (user_id, created_at)`.execute(db);
    await sql`CREATE TABLE comment_reports (
      comment_id TEXT NOT NULL REFERENCES comments(id) ON DELETE CASCADE,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      reason TEXT NOT NULL,
      created_at TEXT NOT NULL,
      resolved_at TEXT,
      PRIMARY KEY (comment_id, user_id)
    )`.execute(db);
    await sql`CREATE TABLE submissions (
      paper_id TEXT PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
      user_id TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      day TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX submissions_user ON submissions (user_id, created_at)`.execute(db);
    await sql`CREATE TABLE moderation_log (
      id TEXT PRIMARY KEY,
      actor_id TEXT NOT NULL REFERENCES users(id),
      action TEXT NOT NULL,
      target_type TEXT NOT NULL,
      target_id TEXT NOT NULL,
      reason TEXT,
      created_at TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE INDEX moderation_log_created ON moderation_log (created_at)`.execute(db);
    await sql`CREATE TABLE app_secrets (
      name TEXT PRIMARY KEY,
      value TEXT NOT NULL,
      created_at TEXT NOT NULL
    )`.execute(db);
  },
};
