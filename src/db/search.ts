// What search reads from and writes to the store: the papers an index is built from (all of them, or those
// changed since a watermark), attention signals for sort=trending, and derived keyphrases, which fill
// papers.keywords only where no source gave any.

import type { Database } from './connect.ts';

export interface IndexablePaper {
  id: string;
  title: string;
  abstract: string;
  authors: string[];
  categories: string[];
  /** YYYY-MM-DD: announcement day, else submission day. */
  day: string | null;
  hidden: boolean;
  modifiedAt: string;
}

/** Papers changed after `since` (all when null), in a stable order, streamed in pages to bound memory. */
export async function* streamIndexablePapers(database: Database, since: string | null, pageSize = 5_000): AsyncGenerator<IndexablePaper[]> {
  let afterId = '';
  for (;;) {
    let q = database.db
      .selectFrom('papers')
      .select(['id', 'title', 'abstract', 'authors', 'categories', 'announced_on', 'submitted_at', 'hidden', 'modified_at'])
      .where('id', '>', afterId)
      .orderBy('id')
      .limit(pageSize);
    if (since) q = q.where('modified_at', '>', since);
    const rows = await q.execute();
    if (!rows.length) return;
    yield rows.map((r) => ({
      id: r.id,
      title: r.title,
      abstract: r.abstract,
      authors: safeJsonArray(r.authors),
      categories: r.categories ? r.categories.split(' ').filter(Boolean) : [],
      day: r.announced_on ?? (r.submitted_at ? r.submitted_at.slice(0, 10) : null),
      hidden: Number(r.hidden) === 1,
      modifiedAt: r.modified_at,
    }));
    afterId = rows[rows.length - 1].id;
    if (rows.length < pageSize) return;
  }
}

function safeJsonArray(s: string): string[] {
  try {
    const v = JSON.parse(s);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
}

/** The newest modification stamp and the paper count: a cheap "has anything changed?" probe. */
export async function papersVersion(database: Database): Promise<{ count: number; lastModified: string | null }> {
  const row = await database.db
    .selectFrom('papers')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.max('modified_at').as('last')])
    .executeTakeFirstOrThrow();
  return { count: Number(row.n), lastModified: (row.last as string | null) ?? null };
}

/**
 * Stores derived keyphrases for papers whose keywords are empty. Does not touch modified_at: derived data must
 * not make the paper look changed (which would re-trigger indexing). Returns how many papers were filled.
 */
export async function fillMissingKeywords(database: Database, keyphrases: Map<string, string[]>): Promise<number> {
  let filled = 0;
  const entries = [...keyphrases].filter(([, k]) => k.length);
  for (let i = 0; i < entries.length; i += 500) {
    const batch = entries.slice(i, i + 500);
    await database.db.transaction().execute(async (trx) => {
      for (const [id, phrases] of batch) {
        const r = await trx
          .updateTable('papers')
          .set({ keywords: JSON.stringify(phrases) })
          .where('id', '=', id)
          .where((eb) => eb.or([eb('keywords', 'is', null), eb('keywords', '=', ''), eb('keywords', '=', '[]')]))
          .executeTakeFirst();
        filled += Number(r.numUpdatedRows ?? 0);
      }
    });
  }
  return filled;
}

/** Papers by id, as stored rows for rendering hits (order not guaranteed). */
export async function papersByIds(database: Database, ids: string[]) {
  if (!ids.length) return [];
  return database.db.selectFrom('papers').selectAll().where('id', 'in', ids).where('hidden', '=', 0).execute();
}

