// A change counter for everything the listings show (src/db/memo.ts): listings, trending, counts and the people
// on cards are memoised per process and kept only while this counter stays where it was when they were read.
// Triggers bump it in the same transaction as any change to a table those reads use, so every writer — votes,
// comments, submissions, imports, moderation, index builds and whatever is added later — invalidates exactly,
// in every process on the database, without having to remember to.
import { sql, type Kysely } from 'kysely';
import type { DatabaseKind } from '../connect.ts';
import type { Migration } from './index.ts';

/** The tables listings, trending, category counts and the people on cards and paper pages read. */
export const LISTING_TABLES = [
  'papers',
  'daily_entries',
  'paper_categories',
  'github_star_snapshots',
  'comments',
  'users',
  'author_claims',
  'hf_author_entries',
  'hf_users',
  'hf_paper_details',
  'organizations',
];

export const migration: Migration = {
  version: 16,
  name: 'change_counters',
  async up(db: Kysely<any>, kind: DatabaseKind) {
    await sql`CREATE TABLE change_counters (
      name TEXT PRIMARY KEY,
      version BIGINT NOT NULL
    )`.execute(db);
    await sql`INSERT INTO change_counters (name, version) VALUES ('listings', 0)`.execute(db);
    if (kind === 'sqlite') {
      // SQLite has only row triggers; a writer holds the whole database, so one more row update is cheap and
      // cannot deadlock.
      for (const table of LISTING_TABLES) {
        for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
          await sql
            .raw(
              `CREATE TRIGGER bump_listings_${table}_${event.toLowerCase()} AFTER ${event} ON ${table}
               BEGIN UPDATE change_counters SET version = version + 1 WHERE name = 'listings'; END`,
            )
            .execute(db);
        }
      }
      return;
    }
    // PostgreSQL: deferred to commit, so the counter row is locked last, after every row the transaction changes
    // (taking it mid-transaction could deadlock two writers); once per transaction, remembered in a
    // transaction-local setting, so a bulk import bumps it once rather than once per row.
    await sql`CREATE FUNCTION bump_listings_version() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF current_setting('paperfeed.listings_bumped', true) IS DISTINCT FROM txid_current()::text THEN
          PERFORM set_config('paperfeed.listings_bumped', txid_current()::text, true);
          UPDATE change_counters SET version = version + 1 WHERE name = 'listings';
        END IF;
        RETURN NULL;
      END $$`.execute(db);
    for (const table of LISTING_TABLES) {
      await sql
        .raw(
          `CREATE CONSTRAINT TRIGGER bump_listings_${table} AFTER INSERT OR UPDATE OR DELETE ON ${table}
           DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_listings_version()`,
        )
        .execute(db);
    }
  },
};
