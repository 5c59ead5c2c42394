// Shared rate-limit counters (table rate_limit_hits, migration 009). A bucket names one limit, one subject and one
// fixed window; adding hits is one upsert that returns the bucket's total, so the caller learns the count every
// process has added so far in the same round trip. The callers (src/web/security/rate-limit.ts) decide.
import type { Database } from './connect.ts';

export interface RateLimitHits {
  bucket: string;
  hits: number;
  /** When the bucket's window ends, in milliseconds since the epoch. */
  expiresAt: number;
}

// Rows per statement: three parameters each, far below both databases' limits.
const ROWS_PER_STATEMENT = 500;

/**
 * Adds hits to buckets (creating them) and returns each bucket's new total, in the order given: one upsert
 * statement per 500 buckets. Each bucket may appear once per call.
 */
export async function addRateLimitHits(database: Database, rows: RateLimitHits[]): Promise<number[]> {
  const totals = new Map<string, number>();
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const returned = await database.db
      .insertInto('rate_limit_hits')
      .values(rows.slice(i, i + ROWS_PER_STATEMENT).map((r) => ({ bucket: r.bucket, hits: r.hits, expires_at: r.expiresAt })))
      .onConflict((oc) => oc.column('bucket').doUpdateSet((eb) => ({ hits: eb('rate_limit_hits.hits', '+', eb.ref('excluded.hits')) })))
      .returning(['bucket', 'hits'])
      .execute();
    for (const r of returned) totals.set(r.bucket, Number(r.hits));
  }
  return rows.map((r) => totals.get(r.bucket)!);
}

/** Drops buckets whose window has ended; returns how many went. */
export async function deleteExpiredRateLimitHits(database: Database, now: number): Promise<number> {
  const result = await database.db.deleteFrom('rate_limit_hits').where('expires_at', '<=', now).executeTakeFirst();
  return Number(result.numDeletedRows);
}
