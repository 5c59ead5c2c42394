// What search reads from and writes to the store: the papers an index is built from (all of them, or those
// changed since a watermark), attention signals for sort=trending, and the text derived at index time
// (keyphrases and TL;DRs, in their own columns beside the imported ai_keywords and ai_summary).

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

function indexable(r: {
  id: string;
  title: string;
  abstract: string;
  authors: string;
  categories: string | null;
  announced_on: string | null;
  submitted_at: string | null;
  hidden: number;
  modified_at: string;
}): IndexablePaper {
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

/** How many papers are visible (what a full search build indexes). */
export async function countVisiblePapers(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('papers')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('hidden', '=', 0)
    .executeTakeFirstOrThrow();
  return Number(row.n);
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
    const rows = await database.db
      .selectFrom('papers')
      .select(INDEXABLE)
      .where('id', 'in', ids.slice(i, i + 500))
      .execute();
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

export interface PaperToDerive {
  id: string;
  title: string;
  abstract: string;
  /** An imported ai_summary exists (no TL;DR is needed). */
  hasSummary: boolean;
  modifiedAt: string;
}

/**
 * Papers whose derived text (keyphrases, TL;DR) is missing, was made by another extractor version, or predates
 * the paper's last change; streamed in pages of ids ascending.
 */
export async function* streamPapersToDerive(database: Database, version: number, pageSize = 2_000, onlyIds?: string[]): AsyncGenerator<PaperToDerive[]> {
  let afterId = '';
  for (;;) {
    let q = database.db
      .selectFrom('papers')
      .select(['id', 'title', 'abstract', 'ai_summary', 'modified_at'])
      .where('id', '>', afterId)
      .where((eb) =>
        eb.or([
          eb('derived_version', 'is', null),
          eb('derived_version', '<>', version),
          eb('derived_from', 'is', null),
          eb('derived_from', '<>', eb.ref('modified_at')),
        ]),
      );
    if (onlyIds) q = q.where('id', 'in', onlyIds.length ? onlyIds : ['']);
    const rows = await q.orderBy('id').limit(pageSize).execute();
    if (!rows.length) return;
    yield rows.map((r) => ({ id: r.id, title: r.title, abstract: r.abstract, hasSummary: Boolean(r.ai_summary), modifiedAt: r.modified_at }));
    afterId = rows[rows.length - 1].id;
    if (rows.length < pageSize) return;
  }
}

export interface DerivedText {
  id: string;
  keywords: string[];
  tldr: string | null;
  /** The modified_at of the paper text they were derived from. */
  from: string;
}

/**
 * Stores derived keyphrases and TL;DRs. Does not touch modified_at: derived data must not make the paper look
 * changed (which would re-trigger indexing).
 */
export async function saveDerivedText(database: Database, rows: DerivedText[], version: number): Promise<void> {
  for (let i = 0; i < rows.length; i += 500) {
    const batch = rows.slice(i, i + 500);
    await database.db.transaction().execute(async (trx) => {
      for (const r of batch) {
        await trx
          .updateTable('papers')
          .set({ derived_keywords: JSON.stringify(r.keywords), tldr: r.tldr, derived_version: version, derived_from: r.from })
          .where('id', '=', r.id)
          .execute();
      }
    });
  }
}

/** Papers by id, as stored rows for rendering hits (order not guaranteed). */
export async function papersByIds(database: Database, ids: string[]) {
  if (!ids.length) return [];
  return database.db.selectFrom('papers').selectAll().where('id', 'in', ids).where('hidden', '=', 0).execute();
}
