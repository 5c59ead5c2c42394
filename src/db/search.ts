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

export interface AttentionSignals {
  id: string;
  upvotes: number;
  comments: number;
  stars: number | null;
  firstSeen: string | null;
}

/** Upvotes/comments (daily feed + community), stars and first-seen day for the given papers. */
export async function attentionSignals(database: Database, ids: string[]): Promise<Map<string, AttentionSignals>> {
  const out = new Map<string, AttentionSignals>();
  for (let i = 0; i < ids.length; i += 500) {
    const rows = await database.db
      .selectFrom('papers')
      .leftJoin('daily_entries', 'daily_entries.paper_id', 'papers.id')
      .select([
        'papers.id as id',
        'papers.community_upvotes as cu',
        'papers.community_comments as cc',
        'papers.github_stars as stars',
        'papers.announced_on as announced',
        'daily_entries.upvotes as du',
        'daily_entries.num_comments as dc',
        'daily_entries.day as day',
      ])
      .where('papers.id', 'in', ids.slice(i, i + 500))
      .execute();
    for (const r of rows) {
      out.set(r.id, {
        id: r.id,
        upvotes: Number(r.cu ?? 0) + Number(r.du ?? 0),
        comments: Number(r.cc ?? 0) + Number(r.dc ?? 0),
        stars: r.stars === null ? null : Number(r.stars),
        firstSeen: (r.day as string | null) ?? r.announced ?? null,
      });
    }
  }
  return out;
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
export async function* streamPapersToDerive(database: Database, version: number, pageSize = 2_000): AsyncGenerator<PaperToDerive[]> {
  let afterId = '';
  for (;;) {
    const rows = await database.db
      .selectFrom('papers')
      .select(['id', 'title', 'abstract', 'ai_summary', 'modified_at'])
      .where('id', '>', afterId)
      .where((eb) =>
        eb.or([eb('derived_version', 'is', null), eb('derived_version', '<>', version), eb('derived_from', 'is', null), eb('derived_from', '<>', eb.ref('modified_at'))]),
      )
      .orderBy('id')
      .limit(pageSize)
      .execute();
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

