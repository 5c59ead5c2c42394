// A signed-in request reads its session and the person's votes and saves among the page's papers. Both are now
// memoised under the listings change counter (src/db/memo.ts) like the listings themselves, so the counter must move
// whenever either could read differently: a save or unsave (votes already move it, through papers' vote totals),
// and a session ending (sign-out, revocation, a password change ending the others). A session that starts needs no
// bump: nothing is memoised for a token that has no row. Bans and role changes are updates of users, which already
// move it. Touching a session's last_seen_at does not: the memoised row is used for who is signed in, not for when.
import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import type { DatabaseKind } from '../connect.ts';
import type { Migration } from './index.ts';

/** Table and the row events that move the listings counter. */
export const VIEWER_TABLE_EVENTS: [table: string, events: ('INSERT' | 'UPDATE' | 'DELETE')[]][] = [
  ['library_items', ['INSERT', 'UPDATE', 'DELETE']],
  ['sessions', ['DELETE']],
];

export const migration: Migration = {
  version: 18,
  name: 'viewer_state_counter',
  up: (db: Kysely<any>, kind: DatabaseKind) => createCounterTriggers(db, kind, VIEWER_TABLE_EVENTS),
};

/** Triggers that move the listings counter on the given row events (used again by later migrations). */
export async function createCounterTriggers(db: Kysely<any>, kind: DatabaseKind, tableEvents: typeof VIEWER_TABLE_EVENTS): Promise<void> {
  for (const [table, events] of tableEvents) {
    if (kind === 'sqlite') {
      for (const event of events) {
        await sql
          .raw(
            `CREATE TRIGGER bump_listings_${table}_${event.toLowerCase()} AFTER ${event} ON ${table}
             BEGIN UPDATE change_counters SET version = version + 1 WHERE name = 'listings'; END`,
          )
          .execute(db);
      }
    } else {
      // The function migration 16 made: deferred to commit, once per transaction.
      await sql
        .raw(
          `CREATE CONSTRAINT TRIGGER bump_listings_${table} AFTER ${events.join(' OR ')} ON ${table}
           DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_listings_version()`,
        )
        .execute(db);
    }
  }
}
