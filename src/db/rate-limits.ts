// Shared rate-limit counters (table rate_limit_hits, migration 009). A bucket names one limit, one subject and one
// fixed window; adding hits is one upsert that returns the bucket's total, so the caller learns the count every
// process has added so far in the same round trip. The callers (src/web/security/rate-limit.ts) decide.
import type { Database } from './connect.ts';

/** Adds `hits` to a bucket (creating it, ending at `expiresAt` ms) and returns the bucket's new total. */
export async function addRateLimitHits(database: Database, bucket: string, hits: number, expiresAt: number): Promise<number> {
  const row = await database.db
    .insertInto('rate_limit_hits')
    .values({ bucket, hits, expires_at: expiresAt })
    .onConflict((oc) => oc.column('bucket').doUpdateSet((eb) => ({ hits: eb('rate_limit_hits.hits', '+', eb.ref('excluded.hits')) })))
    .returning('hits')
    .executeTakeFirstOrThrow();
  return Number(row.hits);
}

/** Drops buckets whose window has ended; returns how many went. */
export async function deleteExpiredRateLimitHits(database: Database, now: number): Promise<number> {
  const result = await database.db.deleteFrom('rate_limit_hits').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
