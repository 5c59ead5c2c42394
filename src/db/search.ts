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

const INDEXABLE = ['id', 'title', 'abstract', 'authors', 'categories', 'announced_on', 'submitted_at', 'hidden', 'modified_at'] as const;

function indexable(r: { id: string; title: string; abstract: string; authors: string; categories: string | null; announced_on: string | null; submitted_at: string | null; hidden: number; modified_at: string }): IndexablePaper {
  return {
    id: r.id,
    title: r.title,
    abstract: r.abstract,
    authors: safeJsonArray(r.authors),
    categories: r.categories ? r.categories.split(' ').filter(Boolean) : [],
    day: r.announced_on ?? (r.submitted_at ? r.submitted_at.slice(0, 10) : null),
    hidden: Number(r.hidden) === 1,
    modifiedAt: r.modified_at,
  };
}

/** Papers changed after `since` (all when null), in a stable order, streamed in pages to bound memory. */
export async function* streamIndexablePapers(database: Database, since: string | null, pageSize = 5_000): AsyncGenerator<IndexablePaper[]> {
  let afterId = '';
  for (;;) {
    let q = database.db.selectFrom('papers').select(INDEXABLE).where('id', '>', afterId).orderBy('id').limit(pageSize);
    if (since) q = q.where('modified_at', '>', since);
    const rows = await q.execute();
    if (!rows.length) return;
    yield rows.map(indexable);
    afterId = rows[rows.length - 1].id;
    if (rows.length < pageSize) return;
  }
}

/**
 * Every paper's id and modification stamp after `since` (hidden papers included): the cheap first step of change
 * detection, answered from the modified_at index; the full rows of what changed are read with indexablePapersByIds.
 */
export async function paperStampsSince(database: Database, since: string): Promise<{ id: string; modifiedAt: string }[]> {
  const rows = await database.db.selectFrom('papers').select(['id', 'modified_at']).where('modified_at', '>', since).orderBy('modified_at').execute();
  return rows.map((r) => ({ id: r.id, modifiedAt: r.modified_at }));
}

/** The indexable rows of these papers, hidden ones included (in no particular order). */
export async function indexablePapersByIds(database: Database, ids: string[]): Promise<IndexablePaper[]> {
  const out: IndexablePaper[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await database.db.selectFrom('papers').select(INDEXABLE).where('id', 'in', ids.slice(i, i + 500)).execute();
    out.push(...rows.map(indexable));
  }
  return out;
}

function safeJsonArray(s: string): string[] {
  try {
    const v = JSON.parse(s);
    return Array.isArray(v) ? v.map(String) : [];
  } catch {
    return [];
  }
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

