// The two queues that retry with backoff (queued mail, digest deliveries) share one meaning of "waiting for a retry".
import type { Database } from './connect.ts';

/**
 * Rows back to pending after a failed try, waiting for their retry. Not every pending row: one never tried may be
 * in another runner's claim at this moment, and counting it would report a retry where none is due.
 */
export async function awaitingRetry(database: Database, queue: 'mail_queue' | 'digest_deliveries'): Promise<number> {
  const row = await database.db
    .selectFrom(queue)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('status', '=', 'pending')
    .where('attempts', '>', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}
