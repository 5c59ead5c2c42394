// The papers aggregate: papers with their authors and categories, and daily-feed entries.
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import { mergePapers, paperChanged, type DailyEntry, type Paper } from '../domain/paper.ts';
import { insertRows, type BulkInsert } from './bulk-insert.ts';
import type { Database, DatabaseKind } from './connect.ts';
import { recordAuthorNames, writeHfPeople } from './people.ts';
import type { DB, PapersTable } from './schema.ts';

export type PaperRow = Selectable<PapersTable>;

/** A stored paper with the extra facts the store keeps beside the arXiv record. */
export interface StoredPaper extends Paper {
  githubStars: number | null;
  /** Keyphrases to show: the imported ones (Hugging Face ai_keywords), else those extracted at index time. */
  keywords: string[];
  /** True when `keywords` were extracted from the paper's text rather than imported. */
  keywordsExtracted: boolean;
  aiSummary: string | null;
  /**
   * One sentence of the abstract chosen at index time as its summary, for papers without an ai_summary (null
   * until the index build derives it, and where ai_summary exists). Show `aiSummary ?? tldr`, labelled as
   * extracted when it is the tldr.
   */
  tldr: string | null;
  createdAt: string;
  modifiedAt: string;
}

export function rowToPaper(row: PaperRow): StoredPaper {
  return {
    id: row.id,
    version: Number(row.version),
    title: row.title,
    abstract: row.abstract,
    authors: JSON.parse(row.authors),
    categories: row.categories ? row.categories.split(' ') : [],
    submittedAt: row.submitted_at,
    updatedAt: row.updated_at,
    announcedOn: row.announced_on,
    versions: JSON.parse(row.versions),
    comments: row.comments,
    journalRef: row.journal_ref,
    doi: row.doi,
    license: row.license,
    codeUrl: row.code_url,
    projectUrl: row.project_url,
    githubStars: row.github_stars === null ? null : Number(row.github_stars),
    ...shownKeywords(row),
    aiSummary: row.ai_summary,
    tldr: row.ai_summary ? null : (row.tldr ?? null),
    createdAt: row.created_at,
    modifiedAt: row.modified_at,
  };
}

function jsonList(text: string | null | undefined): string[] {
  return text ? JSON.parse(text) : [];
}

function shownKeywords(row: PaperRow): { keywords: string[]; keywordsExtracted: boolean } {
  const imported = jsonList(row.keywords);
  if (imported.length) return { keywords: imported, keywordsExtracted: false };
  const extracted = jsonList(row.derived_keywords);
  return { keywords: extracted, keywordsExtracted: extracted.length > 0 };
}

function paperToColumns(p: Paper) {
  return {
    version: p.version,
    title: p.title,
    abstract: p.abstract,
    authors: JSON.stringify(p.authors),
    primary_category: p.categories[0] ?? null,
    categories: p.categories.join(' '),
    submitted_at: p.submittedAt,
    updated_at: p.updatedAt,
    announced_on: p.announcedOn,
    versions: JSON.stringify(p.versions),
    comments: p.comments,
    journal_ref: p.journalRef,
    doi: p.doi,
    license: p.license,
    code_url: p.codeUrl,
    project_url: p.projectUrl,
  };
}

export interface UpsertCounts {
  inserted: number;
  updated: number;
  unchanged: number;
}

// Rows per multi-row INSERT and ids per `IN (…)` list: under SQLite's and PostgreSQL's bound-parameter limits.
const ROWS_PER_STATEMENT = 400;
const ID_LOOKUP_CHUNK = 1_000;

function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

/**
 * Inserts new papers and merges known ones (the newer version wins), all in one transaction: a batch is
 * stored whole or not at all. The same id twice in a batch is merged first.
 */
export async function upsertPapers(database: Database, papers: Paper[]): Promise<UpsertCounts> {
  return storeImportBatch(database, papers, []);
}

/**
 * Stores a batch of papers and the daily-feed entries that refer to them in one transaction, so a record
 * and its entry are written together or not at all. Counts are per distinct id. `alsoInTransaction` runs
 * last inside the same transaction (a harvester moves its resume cursor with the page it stored).
 */
export async function storeImportBatch(
  database: Database,
  papers: Paper[],
  entries: DailyEntry[],
  alsoInTransaction?: (trx: Transaction<DB>) => Promise<void>,
): Promise<UpsertCounts> {
  if (!papers.length && !entries.length && !alsoInTransaction) return { inserted: 0, updated: 0, unchanged: 0 };
  const byId = new Map<string, Paper>();
  for (const p of papers) {
    const seen = byId.get(p.id);
    byId.set(p.id, seen ? mergePapers(seen, p) : p);
  }
  return database.db.transaction().execute(async (trx) => {
    const counts = await upsertMerged(trx, database.kind, [...byId.values()]);
    await writeDailyEntries(trx, database.kind, entries);
    await alsoInTransaction?.(trx);
    return counts;
  });
}

const PAPER_COLUMNS = [
  'id',
  'version',
  'title',
  'abstract',
  'authors',
  'primary_category',
  'categories',
  'submitted_at',
  'updated_at',
  'announced_on',
  'versions',
  'comments',
  'journal_ref',
  'doi',
  'license',
  'code_url',
  'project_url',
  'created_at',
  'modified_at',
] as const satisfies readonly (keyof PapersTable)[];

// On a known id every column is replaced by the merged row, except when it was first stored.
const PAPER_UPSERT: BulkInsert = {
  table: 'papers',
  columns: PAPER_COLUMNS,
  suffix: `ON CONFLICT (id) DO UPDATE SET ${PAPER_COLUMNS.filter((c) => c !== 'id' && c !== 'created_at')
    .map((c) => `${c} = excluded.${c}`)
    .join(', ')}`,
};
const AUTHOR_INSERT: BulkInsert = { table: 'paper_authors', columns: ['paper_id', 'position', 'name'] };
const CATEGORY_INSERT: BulkInsert = { table: 'paper_categories', columns: ['paper_id', 'category'] };

function paperRow(p: Paper, now: string): unknown[] {
  const c = paperToColumns(p);
  return [
    p.id,
    c.version,
    c.title,
    c.abstract,
    c.authors,
    c.primary_category,
    c.categories,
    c.submitted_at,
    c.updated_at,
    c.announced_on,
    c.versions,
    c.comments,
    c.journal_ref,
    c.doi,
    c.license,
    c.code_url,
    c.project_url,
    now,
    now,
  ];
}

/**
 * Reads the stored versions of the batch's ids, merges in memory, and writes only what changed: the paper
 * rows (one upsert per few hundred rows), and for known papers their authors and categories replaced.
 */
async function upsertMerged(trx: Transaction<DB>, kind: DatabaseKind, papers: Paper[]): Promise<UpsertCounts> {
  const counts: UpsertCounts = { inserted: 0, updated: 0, unchanged: 0 };
  const now = new Date().toISOString();
  const existing = new Map<string, Paper>();
  for (const ids of chunks(
    papers.map((p) => p.id),
    ID_LOOKUP_CHUNK,
  )) {
    const rows = await trx.selectFrom('papers').selectAll().where('id', 'in', ids).execute();
    for (const r of rows) existing.set(r.id, paperFields(rowToPaper(r)));
  }
  const toWrite: Paper[] = [];
  const replacedIds: string[] = [];
  for (const incoming of papers) {
    const stored = existing.get(incoming.id);
    if (!stored) {
      toWrite.push(incoming);
      counts.inserted++;
      continue;
    }
    const merged = mergePapers(stored, incoming);
    if (paperChanged(stored, merged)) {
      toWrite.push(merged);
      replacedIds.push(merged.id);
      counts.updated++;
    } else {
      counts.unchanged++;
    }
  }
  await insertRows(
    trx,
    kind,
    PAPER_UPSERT,
    toWrite.map((p) => paperRow(p, now)),
  );
  for (const ids of chunks(replacedIds, ID_LOOKUP_CHUNK)) {
    await trx.deleteFrom('paper_categories').where('paper_id', 'in', ids).execute();
    await trx.deleteFrom('paper_authors').where('paper_id', 'in', ids).execute();
  }
  await insertRows(
    trx,
    kind,
    AUTHOR_INSERT,
    toWrite.flatMap((p) => p.authors.map((name, position) => [p.id, position, name])),
  );
  await recordAuthorNames(
    trx,
    kind,
    toWrite.flatMap((p) => p.authors),
  );
  await insertRows(
    trx,
    kind,
    CATEGORY_INSERT,
    toWrite.flatMap((p) => p.categories.map((category) => [p.id, category])),
  );
  return counts;
}

function paperFields(p: StoredPaper | Paper): Paper {
  return {
    id: p.id,
    version: p.version,
    title: p.title,
    abstract: p.abstract,
    authors: p.authors,
    categories: p.categories,
    submittedAt: p.submittedAt,
    updatedAt: p.updatedAt,
    announcedOn: p.announcedOn,
    versions: p.versions,
    comments: p.comments,
    journalRef: p.journalRef,
    doi: p.doi,
    license: p.license,
    codeUrl: p.codeUrl,
    projectUrl: p.projectUrl,
  };
}

/**
 * Records daily-feed entries (from Hugging Face or a community submission). The first day a paper entered
 * the feed is kept; counts and submitter follow the newest observation. Also stores the paper-level
 * signals such entries carry (GitHub repository and stars, project page, keywords, summary).
 */
export async function upsertDailyEntries(database: Database, entries: DailyEntry[]): Promise<number> {
  if (!entries.length) return 0;
  await database.db.transaction().execute((trx) => writeDailyEntries(trx, database.kind, entries));
  return entries.length;
}

/**
 * Combines two observations of the same paper's feed entry, in the order they arrived, by the rules the
 * upsert below applies against the stored row: first day, newest counts, a known submitter kept.
 */
function combineDailyEntries(earlier: DailyEntry, later: DailyEntry): DailyEntry {
  return {
    ...later,
    day: earlier.day < later.day ? earlier.day : later.day,
    submittedAt: earlier.submittedAt ?? later.submittedAt,
    submittedBy: later.submittedBy ?? earlier.submittedBy,
    githubRepo: later.githubRepo ?? earlier.githubRepo,
    githubStars: later.githubStars ?? earlier.githubStars,
    projectPage: later.projectPage ?? earlier.projectPage,
    keywords: later.keywords.length ? later.keywords : earlier.keywords,
    aiSummary: later.aiSummary ?? earlier.aiSummary,
    people: later.people ?? earlier.people,
  };
}

async function writeDailyEntries(trx: Transaction<DB>, kind: DatabaseKind, all: DailyEntry[]): Promise<void> {
  if (!all.length) return;
  // PostgreSQL refuses an upsert that touches the same row twice in one statement, so one entry per paper.
  const byPaper = new Map<string, DailyEntry>();
  for (const e of all) {
    const seen = byPaper.get(e.paperId);
    byPaper.set(e.paperId, seen ? combineDailyEntries(seen, e) : e);
  }
  const entries = [...byPaper.values()];
  const now = new Date().toISOString();
  for (const batch of chunks(entries, ROWS_PER_STATEMENT)) {
    await trx
      .insertInto('daily_entries')
      .values(
        batch.map((e) => ({
          paper_id: e.paperId,
          day: e.day,
          submitted_at: e.submittedAt,
          submitted_by: e.submittedBy,
          upvotes: e.upvotes,
          num_comments: e.numComments,
          source: e.source,
          modified_at: now,
        })),
      )
      .onConflict((oc) =>
        oc.column('paper_id').doUpdateSet((eb) => ({
          day: sql`CASE WHEN ${eb.ref('excluded.day')} < daily_entries.day THEN ${eb.ref('excluded.day')} ELSE daily_entries.day END`,
          upvotes: eb.ref('excluded.upvotes'),
          num_comments: eb.ref('excluded.num_comments'),
          submitted_by: sql`COALESCE(${eb.ref('excluded.submitted_by')}, daily_entries.submitted_by)`,
          submitted_at: sql`COALESCE(daily_entries.submitted_at, ${eb.ref('excluded.submitted_at')})`,
          modified_at: now,
        })),
      )
      .execute();
  }
  for (const e of entries) {
    await updatePaperSignals(trx, e, now);
  }
  await writeHfPeople(trx, kind, entries);
}

async function updatePaperSignals(trx: Kysely<DB>, e: DailyEntry, now: string): Promise<void> {
  const set: Record<string, unknown> = {};
  if (e.githubRepo) set.code_url = e.githubRepo;
  if (e.githubStars !== null) set.github_stars = e.githubStars;
  if (e.projectPage) set.project_url = e.projectPage;
  if (e.keywords.length) set.keywords = JSON.stringify(e.keywords);
  if (e.aiSummary) set.ai_summary = e.aiSummary;
  if (!Object.keys(set).length) return;
  await trx
    .updateTable('papers')
    .set({ ...set, modified_at: now })
    .where('id', '=', e.paperId)
    .execute();
}

export async function getPaper(database: Database, id: string): Promise<StoredPaper | null> {
  const row = await database.db.selectFrom('papers').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToPaper(row) : null;
}

export async function listLatestPapers(database: Database, limit: number): Promise<StoredPaper[]> {
  const rows = await database.db
    .selectFrom('papers')
    .selectAll()
    .orderBy(sql`COALESCE(announced_on, substr(submitted_at, 1, 10))`, 'desc')
    .orderBy('id', 'desc')
    .limit(limit)
    .execute();
  return rows.map(rowToPaper);
}

export interface StoreStats {
  papers: number;
  authors: number;
  authorships: number;
  categories: number;
  dailyEntries: number;
  firstAnnounced: string | null;
  lastAnnounced: string | null;
  firstSubmitted: string | null;
  lastSubmitted: string | null;
  firstDailyDay: string | null;
  lastDailyDay: string | null;
}

export async function storeStats(database: Database): Promise<StoreStats> {
  const db = database.db;
  const papers = await db
    .selectFrom('papers')
    .select((eb) => [
      eb.fn.countAll<number>().as('n'),
      eb.fn.min('announced_on').as('firstAnnounced'),
      eb.fn.max('announced_on').as('lastAnnounced'),
      eb.fn.min('submitted_at').as('firstSubmitted'),
      eb.fn.max('submitted_at').as('lastSubmitted'),
    ])
    .executeTakeFirstOrThrow();
  const authors = await db
    .selectFrom('paper_authors')
    .select((eb) => [eb.fn.count<number>('name').distinct().as('distinct'), eb.fn.countAll<number>().as('all')])
    .executeTakeFirstOrThrow();
  const categories = await db
    .selectFrom('paper_categories')
    .select((eb) => eb.fn.count<number>('category').distinct().as('n'))
    .executeTakeFirstOrThrow();
  const daily = await db
    .selectFrom('daily_entries')
    .select((eb) => [eb.fn.countAll<number>().as('n'), eb.fn.min('day').as('first'), eb.fn.max('day').as('last')])
    .executeTakeFirstOrThrow();
  return {
    papers: Number(papers.n),
    authors: Number(authors.distinct),
    authorships: Number(authors.all),
    categories: Number(categories.n),
    dailyEntries: Number(daily.n),
    firstAnnounced: papers.firstAnnounced ?? null,
    lastAnnounced: papers.lastAnnounced ?? null,
    firstSubmitted: papers.firstSubmitted ?? null,
    lastSubmitted: papers.lastSubmitted ?? null,
    firstDailyDay: (daily.first as string | null) ?? null,
    lastDailyDay: (daily.last as string | null) ?? null,
  };
}
