// Read model for the sitemap: every visible paper in fixed-size chunks (one sitemap file each), and every day that
// has papers, with the newest change in each. Both run on covering indexes (migration 13), so on a million
// papers they read index entries, never the papers' rows.
import type { Database } from './connect.ts';

export interface PaperChunk {
  /** Zero-based chunk number: the papers at positions [chunk·size, (chunk+1)·size) in id order. */
  chunk: number;
  /** The first id of the chunk; a chunk's papers are read from here. */
  firstId: string;
  count: number;
  /** Newest modified_at among its papers. */
  lastModified: string;
}

/**
 * The visible papers cut into chunks of `size` in id order, with each chunk's first id, count and newest change.
 * Walked with keyset steps (skip `size` index entries, then aggregate the range): two index range scans per chunk.
 */
export async function paperChunks(database: Database, size: number): Promise<PaperChunk[]> {
  if (!Number.isInteger(size) || size < 1) throw new Error(`chunk size must be a positive integer, not ${size}`);
  const visible = database.db.selectFrom('papers').where('hidden', '=', 0);
  const chunks: PaperChunk[] = [];
  let first = (await visible.select((eb) => eb.fn.min('id').as('id')).executeTakeFirst())?.id ?? null;
  while (first !== null) {
    const next = (await visible.select('id').where('id', '>=', first).orderBy('id').limit(1).offset(size).executeTakeFirst())?.id ?? null;
    let range = visible.where('id', '>=', first);
    if (next !== null) range = range.where('id', '<', next);
    const summary = await range.select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('modified_at').as('last_modified')]).executeTakeFirstOrThrow();
    chunks.push({ chunk: chunks.length, firstId: first, count: Number(summary.n), lastModified: summary.last_modified });
    first = next;
  }
  return chunks;
}

/** Up to `limit` visible papers with ids from `from` up to (not including) `before`, in id order: one chunk. */
export async function papersFrom(
  database: Database,
  range: { from: string; before: string | null },
  limit: number,
): Promise<{ id: string; modifiedAt: string }[]> {
  let query = database.db.selectFrom('papers').select(['id', 'modified_at']).where('hidden', '=', 0).where('id', '>=', range.from);
  if (range.before !== null) query = query.where('id', '<', range.before);
  const rows = await query.orderBy('id').limit(limit).execute();
  return rows.map((r) => ({ id: r.id, modifiedAt: r.modified_at }));
}

/**
 * Every day that has papers (announced on arXiv that day, or in that day's Daily Papers), oldest first, with the
 * newest change among them.
 */
export async function daysWithPapers(database: Database): Promise<{ day: string; lastModified: string }[]> {
  const announced = await database.db
    .selectFrom('papers')
    .select(['announced_on as day', (eb) => eb.fn.max('modified_at').as('last_modified')])
    .where('hidden', '=', 0)
    .where('announced_on', 'is not', null)
    .groupBy('announced_on')
    .execute();
  const submitted = await database.db
    .selectFrom('daily_entries as d')
    .innerJoin('papers as p', 'p.id', 'd.paper_id')
    .select(['d.day as day', (eb) => eb.fn.max('d.modified_at').as('last_modified')])
    .where('p.hidden', '=', 0)
    .groupBy('d.day')
    .execute();
  const newest = new Map<string, string>();
  for (const r of [...announced, ...submitted]) {
    const day = r.day as string;
    const seen = newest.get(day);
    if (!seen || r.last_modified > seen) newest.set(day, r.last_modified);
  }
  return [...newest].sort(([a], [b]) => (a < b ? -1 : 1)).map(([day, lastModified]) => ({ day, lastModified }));
}
