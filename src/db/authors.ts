// Authors by key (src/domain/author-name.ts): the spellings filed under a key, their papers newest first, their
// co-authors and categories, and the people who claimed papers under the name — here (approved claims) or on
// Hugging Face (confirmed links) — with the other names those people claimed. Hidden papers never count.
import { sql } from 'kysely';
import { HF_CONFIRMED_STATUSES } from '../domain/people.ts';
import type { Database } from './connect.ts';

export interface AuthorSummary {
  key: string;
  /** The most common spelling. */
  name: string;
  /** Every spelling, most common first, with its number of papers. */
  spellings: { name: string; papers: number }[];
  papers: number;
  /** Hugging Face upvotes plus community upvotes over all the papers. */
  upvotes: number;
}

/** Paper ids of a key, as a subquery. */
function papersOfKey(database: Database, key: string) {
  return database.db
    .selectFrom('paper_authors as pa')
    .innerJoin('author_names as an', 'an.name', 'pa.name')
    .select('pa.paper_id')
    .where('an.author_key', '=', key);
}

/** The author filed under a key, or null when no visible paper names them. */
export async function getAuthor(database: Database, key: string): Promise<AuthorSummary | null> {
  if (!key) return null;
  const spellings = await database.db
    .selectFrom('paper_authors as pa')
    .innerJoin('author_names as an', 'an.name', 'pa.name')
    .innerJoin('papers as p', 'p.id', 'pa.paper_id')
    .select(['pa.name', (eb) => eb.fn.count<number>('pa.paper_id').distinct().as('n')])
    .where('an.author_key', '=', key)
    .where('p.hidden', '=', 0)
    .groupBy('pa.name')
    .orderBy('n', 'desc')
    .orderBy('pa.name')
    .execute();
  if (!spellings.length) return null;
  const totals = await database.db
    .selectFrom('papers as p')
    .leftJoin('daily_entries as d', 'd.paper_id', 'p.id')
    .select([(eb) => eb.fn.countAll<number>().as('n'), sql<number>`COALESCE(SUM(COALESCE(d.upvotes, 0) + p.community_upvotes), 0)`.as('upvotes')])
    .where('p.id', 'in', papersOfKey(database, key))
    .where('p.hidden', '=', 0)
    .executeTakeFirstOrThrow();
  return {
    key,
    name: spellings[0].name,
    spellings: spellings.map((s) => ({ name: s.name, papers: Number(s.n) })),
    papers: Number(totals.n),
    upvotes: Number(totals.upvotes),
  };
}

/** One page of an author's visible papers, newest first (by arXiv submission, else announcement). */
export async function authorPaperIds(database: Database, key: string, page: { offset: number; limit: number }): Promise<string[]> {
  const rows = await database.db
    .selectFrom('papers as p')
    .select('p.id')
    .where('p.id', 'in', papersOfKey(database, key))
    .where('p.hidden', '=', 0)
    .orderBy(sql`COALESCE(p.submitted_at, p.announced_on)`, 'desc')
    .orderBy('p.id', 'desc')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  return rows.map((r) => r.id);
}

export interface CoAuthor {
  key: string;
  name: string;
  papers: number;
}

/** The people an author wrote with most often. */
export async function coAuthors(database: Database, key: string, limit = 20): Promise<CoAuthor[]> {
  const rows = await sql<{ key: string; name: string; n: number }>`
    SELECT an2.author_key AS key, MIN(pa2.name) AS name, COUNT(DISTINCT pa2.paper_id) AS n
    FROM paper_authors pa2
    JOIN author_names an2 ON an2.name = pa2.name
    JOIN papers p ON p.id = pa2.paper_id AND p.hidden = 0
    WHERE pa2.paper_id IN (
      SELECT pa.paper_id FROM paper_authors pa JOIN author_names an ON an.name = pa.name WHERE an.author_key = ${key}
    )
      AND an2.author_key <> ${key} AND an2.author_key <> ''
    GROUP BY an2.author_key
    ORDER BY n DESC, key
    LIMIT ${limit}`.execute(database.db);
  return rows.rows.map((r) => ({ key: r.key, name: r.name, papers: Number(r.n) }));
}

/** The arXiv categories of an author's papers, most frequent first. */
export async function authorCategories(database: Database, key: string, limit = 12): Promise<{ category: string; count: number }[]> {
  const rows = await database.db
    .selectFrom('paper_categories as c')
    .innerJoin('papers as p', 'p.id', 'c.paper_id')
    .select(['c.category', (eb) => eb.fn.countAll<number>().as('n')])
    .where('c.paper_id', 'in', papersOfKey(database, key))
    .where('p.hidden', '=', 0)
    .groupBy('c.category')
    .orderBy('n', 'desc')
    .orderBy('c.category')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ category: r.category, count: Number(r.n) }));
}

/** Someone who claimed papers filed under an author's key. */
export interface Claimant {
  /** 'local': an account here (approved claims); 'hf': a Hugging Face account (confirmed links in imported data). */
  kind: 'local' | 'hf';
  username: string;
  fullname: string | null;
  papers: number;
  /** Other author keys this person claimed, with a spelling each: how one person's name variants are tied together. */
  otherNames: { key: string; name: string }[];
}

/**
 * The people behind an author name. Several people sharing one name each appear with the papers they claimed;
 * one person writing under several spellings appears with the others.
 */
export async function authorClaimants(database: Database, key: string): Promise<Claimant[]> {
  const db = database.db;
  const local = await db
    .selectFrom('author_claims as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .innerJoin('papers as p', 'p.id', 'c.paper_id')
    .select(['u.id', 'u.username', (eb) => eb.fn.countAll<number>().as('n')])
    .where('c.author_key', '=', key)
    .where('c.status', '=', 'approved')
    .where('u.banned_at', 'is', null)
    .where('p.hidden', '=', 0)
    .groupBy(['u.id', 'u.username'])
    .orderBy('n', 'desc')
    .orderBy('u.username')
    .execute();
  const hf = await db
    .selectFrom('hf_author_entries as e')
    .innerJoin('author_names as an', 'an.name', 'e.name')
    .innerJoin('papers as p', 'p.id', 'e.paper_id')
    .innerJoin('hf_users as u', 'u.username', 'e.hf_user')
    .select(['u.username', 'u.fullname', (eb) => eb.fn.count<number>('e.paper_id').distinct().as('n')])
    .where('an.author_key', '=', key)
    .where('e.status', 'in', [...HF_CONFIRMED_STATUSES])
    .where('p.hidden', '=', 0)
    .groupBy(['u.username', 'u.fullname'])
    .orderBy('n', 'desc')
    .orderBy('u.username')
    .execute();
  const out: Claimant[] = [];
  for (const r of local) {
    const others = await db
      .selectFrom('author_claims')
      .select(['author_key as key', (eb) => eb.fn.min('author_name').as('name')])
      .where('user_id', '=', r.id)
      .where('status', '=', 'approved')
      .where('author_key', '<>', key)
      .groupBy('author_key')
      .orderBy('author_key')
      .limit(10)
      .execute();
    out.push({
      kind: 'local',
      username: r.username,
      fullname: null,
      papers: Number(r.n),
      otherNames: others.map((o) => ({ key: o.key, name: String(o.name) })),
    });
  }
  for (const r of hf) {
    const others = await db
      .selectFrom('hf_author_entries as e')
      .innerJoin('author_names as an', 'an.name', 'e.name')
      .select(['an.author_key as key', (eb) => eb.fn.min('e.name').as('name')])
      .where('e.hf_user', '=', r.username)
      .where('e.status', 'in', [...HF_CONFIRMED_STATUSES])
      .where('an.author_key', '<>', key)
      .where('an.author_key', '<>', '')
      .groupBy('an.author_key')
      .orderBy('an.author_key')
      .limit(10)
      .execute();
    out.push({
      kind: 'hf',
      username: r.username,
      fullname: r.fullname,
      papers: Number(r.n),
      otherNames: others.map((o) => ({ key: o.key, name: String(o.name) })),
    });
  }
  return out;
}
