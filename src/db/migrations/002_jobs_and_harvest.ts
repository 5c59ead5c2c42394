// Scheduler and harvesting state: job leases (who may run a job now), the history of every run, the
// resume point of each harvest, a shared request budget per outside service, and GitHub star counts over
// time. Timestamps are ISO strings so that comparisons agree on SQLite and PostgreSQL.
import { sql, type Kysely } from 'kysely';
import type { Migration } from './index.ts';

export const migration: Migration = {
  version: 2,
  name: 'jobs_and_harvest',
  async up(db: Kysely<any>) {
    // One row per lease name; jobs that talk to the same service share a lease (e.g. "arxiv").
    await sql`CREATE TABLE job_leases (
      name TEXT PRIMARY KEY,
      holder TEXT NOT NULL,
      job TEXT NOT NULL,
      run_id TEXT,
      acquired_at TEXT NOT NULL,
      expires_at TEXT NOT NULL
    )`.execute(db);
    // A slot is the scheduled time a run is for (or "manual:<time>"); attempts count retries within it.
    await sql`CREATE TABLE job_runs (
      id TEXT PRIMARY KEY,
      job TEXT NOT NULL,
      slot TEXT NOT NULL,
      attempt INTEGER NOT NULL,
      trigger TEXT NOT NULL,
      holder TEXT NOT NULL,
      started_at TEXT NOT NULL,
      finished_at TEXT,
      status TEXT NOT NULL,
      counts TEXT,
      error TEXT,
      UNIQUE (job, slot, attempt)
    )`.execute(db);
    await sql`CREATE INDEX job_runs_job_started ON job_runs (job, started_at)`.execute(db);
    await sql`CREATE TABLE harvest_cursors (
      source TEXT PRIMARY KEY,
      state TEXT NOT NULL,
      updated_at TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE TABLE service_pacing (
      service TEXT PRIMARY KEY,
      next_at TEXT NOT NULL,
      paused_until TEXT,
      pause_reason TEXT
    )`.execute(db);
    await sql`CREATE TABLE github_repos (
      repo TEXT PRIMARY KEY,
      etag TEXT,
      stars INTEGER,
      status TEXT NOT NULL,
      checked_at TEXT NOT NULL
    )`.execute(db);
    await sql`CREATE TABLE github_star_snapshots (
      repo TEXT NOT NULL,
      observed_at TEXT NOT NULL,
      stars INTEGER NOT NULL,
      PRIMARY KEY (repo, observed_at)
    )`.execute(db);
    await sql`CREATE INDEX github_star_snapshots_observed ON github_star_snapshots (observed_at)`.execute(db);
  },
};
