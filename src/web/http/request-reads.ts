// One request, one reading of the store. Memoised reads each check the listings change counter (src/db/memo.ts);
// a signed-in page made four such checks (its session, the latest day, the template, the person's marks), each a
// round trip on PostgreSQL. Reads made through `readsOf(c, database)` in a GET or HEAD request share one counter
// read, taken at the first of them, so the request sees the store as of one moment after it arrived.
//
// Only for reads: a request that writes (any other method) gets the store as it is, so what it reads after its own
// write sees that write. GET handlers never change what the counter covers (a session's last-seen time is not under
// it).
import type { Context } from 'hono';
import type { Database } from '../../db/connect.ts';

declare module 'hono' {
  interface ContextVariableMap {
    requestReads: { of: Database; reads: Database } | undefined;
  }
}

export function readsOf(c: Context, database: Database): Database {
  if (c.req.method !== 'GET' && c.req.method !== 'HEAD') return database;
  const kept = c.get('requestReads');
  if (kept?.of === database) return kept.reads;
  const reads = { ...database, memo: database.memo.once() };
  c.set('requestReads', { of: database, reads });
  return reads;
}
