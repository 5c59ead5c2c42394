// What Hugging Face says about the people of a paper (author entries and their accounts, the organisation, media,
// the submitter's account), written with the paper's daily-feed entry, and read back together with the claims
// approved here. Hugging Face's data is replaced per paper by its newest observation, so re-importing is idempotent.
import { sql, type Transaction } from 'kysely';
import { authorKey } from '../domain/author-name.ts';
import type { DailyEntry } from '../domain/paper.ts';
import type { ApprovedClaim, HfAuthorEntry, HfOrganization, HfUserRef } from '../domain/people.ts';
import { insertRows, type BulkInsert } from './bulk-insert.ts';
import type { Database, DatabaseKind } from './connect.ts';
import type { ListedPaper } from './listings.ts';
import type { DB } from './schema.ts';

const ID_CHUNK = 500;

function chunks<T>(xs: T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) out.push(xs.slice(i, i + size));
  return out;
}

// ── Author names ─────────────────────────────────────────────────────────────────────────────────────────────

const AUTHOR_NAME_INSERT: BulkInsert = { table: 'author_names', columns: ['name', 'author_key'], suffix: 'ON CONFLICT (name) DO NOTHING' };

/** Files new spellings under their key (author pages find papers through this table). */
export async function recordAuthorNames(trx: Transaction<DB>, kind: DatabaseKind, names: Iterable<string>): Promise<void> {
  const distinct = [...new Set(names)];
  await insertRows(
    trx,
    kind,
    AUTHOR_NAME_INSERT,
    distinct.map((n) => [n, authorKey(n)]),
  );
}

// ── Writing what Hugging Face says ───────────────────────────────────────────────────────────────────────────

const HF_USER_UPSERT: BulkInsert = {
  table: 'hf_users',
  columns: ['username', 'hf_id', 'fullname', 'avatar_url', 'is_pro', 'modified_at'],
  suffix:
    'ON CONFLICT (username) DO UPDATE SET hf_id = COALESCE(excluded.hf_id, hf_users.hf_id), fullname = COALESCE(excluded.fullname, hf_users.fullname), ' +
    'avatar_url = COALESCE(excluded.avatar_url, hf_users.avatar_url), is_pro = excluded.is_pro, modified_at = excluded.modified_at',
};
const ORGANIZATION_UPSERT: BulkInsert = {
  table: 'organizations',
  columns: ['name', 'hf_id', 'fullname', 'avatar_url', 'modified_at'],
  suffix:
    'ON CONFLICT (name) DO UPDATE SET hf_id = COALESCE(excluded.hf_id, organizations.hf_id), fullname = excluded.fullname, ' +
    'avatar_url = COALESCE(excluded.avatar_url, organizations.avatar_url), modified_at = excluded.modified_at',
};
const DETAILS_UPSERT: BulkInsert = {
  table: 'hf_paper_details',
  columns: ['paper_id', 'organization', 'media_urls', 'is_author_participating', 'modified_at'],
  suffix:
    'ON CONFLICT (paper_id) DO UPDATE SET organization = excluded.organization, media_urls = excluded.media_urls, ' +
    'is_author_participating = excluded.is_author_participating, modified_at = excluded.modified_at',
};
const AUTHOR_ENTRY_INSERT: BulkInsert = {
  table: 'hf_author_entries',
  columns: ['paper_id', 'position', 'name', 'hf_id', 'hidden', 'status', 'status_changed_at', 'hf_user'],
};

/**
 * Stores the people data of Hugging Face entries (one per paper, already combined by the caller) inside the
 * caller's transaction: accounts and organisations are upserted, a paper's author entries and details replaced.
 */
export async function writeHfPeople(trx: Transaction<DB>, kind: DatabaseKind, entries: DailyEntry[]): Promise<void> {
  const withPeople = entries.filter((e) => e.people);
  if (!withPeople.length) return;
  const now = new Date().toISOString();
  const users = new Map<string, HfUserRef>();
  const organizations = new Map<string, HfOrganization>();
  for (const { people } of withPeople) {
    for (const a of people!.authors) if (a.user) users.set(a.user.username, a.user);
    if (people!.submitter) users.set(people!.submitter.username, people!.submitter);
    if (people!.organization) organizations.set(people!.organization.name, people!.organization);
  }
  await insertRows(
    trx,
    kind,
    HF_USER_UPSERT,
    [...users.values()].map((u) => [u.username, u.hfId, u.fullname, u.avatarUrl, u.isPro ? 1 : 0, now]),
  );
  await insertRows(
    trx,
    kind,
    ORGANIZATION_UPSERT,
    [...organizations.values()].map((o) => [o.name, o.hfId, o.fullname, o.avatarUrl, now]),
  );
  await insertRows(
    trx,
    kind,
    DETAILS_UPSERT,
    withPeople.map((e) => {
      const p = e.people!;
      return [
        e.paperId,
        p.organization?.name ?? null,
        JSON.stringify(p.mediaUrls),
        p.isAuthorParticipating === null ? null : p.isAuthorParticipating ? 1 : 0,
        now,
      ];
    }),
  );
  for (const ids of chunks(
    withPeople.map((e) => e.paperId),
    ID_CHUNK,
  )) {
    await trx.deleteFrom('hf_author_entries').where('paper_id', 'in', ids).execute();
  }
  const rows = withPeople.flatMap((e) =>
    e.people!.authors.map((a) => [e.paperId, a.position, a.name, a.hfId, a.hidden ? 1 : 0, a.status, a.statusChangedAt, a.user?.username ?? null]),
  );
  await insertRows(trx, kind, AUTHOR_ENTRY_INSERT, rows);
  await recordAuthorNames(
    trx,
    kind,
    withPeople.flatMap((e) => e.people!.authors.map((a) => a.name)),
  );
}

// ── Reading ──────────────────────────────────────────────────────────────────────────────────────────────────

/** An account here, as the people of a paper name it. */
export interface LocalPerson {
  userId: string;
  username: string;
}

/** Everything known about the people of one paper, beyond its author names. */
export interface PaperPeople {
  hfAuthors: HfAuthorEntry[];
  claims: ApprovedClaim[];
  organization: HfOrganization | null;
  mediaUrls: string[];
  /** Hugging Face's flag, or true when an author whose claim was approved here has a visible comment on the paper. */
  isAuthorParticipating: boolean;
  /** The submitter's account, when Hugging Face named one (for its full name and avatar). */
  submitter: HfUserRef | null;
  /** The newest change among these facts, for Last-Modified. */
  modifiedAt: string | null;
}

export const NO_PEOPLE: PaperPeople = {
  hfAuthors: [],
  claims: [],
  organization: null,
  mediaUrls: [],
  isAuthorParticipating: false,
  submitter: null,
  modifiedAt: null,
};

function hfUserFrom(r: {
  username: string | null;
  u_hf_id: string | null;
  u_fullname: string | null;
  u_avatar_url: string | null;
  u_is_pro: number | null;
}): HfUserRef | null {
  if (!r.username) return null;
  return { username: r.username, hfId: r.u_hf_id, fullname: r.u_fullname, avatarUrl: r.u_avatar_url, isPro: Number(r.u_is_pro) === 1 };
}

/**
 * The people of several papers in a handful of queries (a page of a list). `submitters` maps a paper to the user
 * name of its Hugging Face submitter, when the daily-feed entry came from Hugging Face.
 */
export async function peopleOfPapers(database: Database, paperIds: string[], submitters: Map<string, string> = new Map()): Promise<Map<string, PaperPeople>> {
  const out = new Map<string, PaperPeople>();
  const get = (id: string) => {
    let p = out.get(id);
    if (!p) out.set(id, (p = { ...NO_PEOPLE, hfAuthors: [], claims: [], mediaUrls: [] }));
    return p;
  };
  const later = (a: string | null, b: string | null) => (!a ? b : !b ? a : a > b ? a : b);
  const db = database.db;
  for (const ids of chunks([...new Set(paperIds)], ID_CHUNK)) {
    const entries = await db
      .selectFrom('hf_author_entries as e')
      .leftJoin('hf_users as u', 'u.username', 'e.hf_user')
      .select([
        'e.paper_id',
        'e.position',
        'e.name',
        'e.hf_id',
        'e.hidden',
        'e.status',
        'e.status_changed_at',
        'u.username',
        'u.hf_id as u_hf_id',
        'u.fullname as u_fullname',
        'u.avatar_url as u_avatar_url',
        'u.is_pro as u_is_pro',
      ])
      .where('e.paper_id', 'in', ids)
      .orderBy('e.paper_id')
      .orderBy('e.position')
      .execute();
    for (const r of entries) {
      get(r.paper_id).hfAuthors.push({
        position: Number(r.position),
        name: r.name,
        hfId: r.hf_id,
        hidden: Number(r.hidden) === 1,
        status: r.status,
        statusChangedAt: r.status_changed_at,
        user: hfUserFrom(r),
      });
    }
    // Every decided claim moves the paper's Last-Modified (a withdrawal too); only approved ones of accounts in
    // good standing show.
    const claims = await db
      .selectFrom('author_claims as c')
      .innerJoin('users as u', 'u.id', 'c.user_id')
      .select(['c.id', 'c.paper_id', 'c.position', 'c.author_key', 'c.user_id', 'c.status', 'c.decided_at', 'u.username', 'u.banned_at'])
      .where('c.paper_id', 'in', ids)
      .where('c.decided_at', 'is not', null)
      .execute();
    for (const r of claims) {
      const p = get(r.paper_id);
      p.modifiedAt = later(p.modifiedAt, r.decided_at);
      if (r.status !== 'approved' || r.banned_at) continue;
      p.claims.push({
        claimId: r.id,
        position: Number(r.position),
        authorKey: r.author_key,
        userId: r.user_id,
        username: r.username,
        approvedAt: r.decided_at ?? '',
      });
    }
    const details = await db
      .selectFrom('hf_paper_details as d')
      .leftJoin('organizations as o', 'o.name', 'd.organization')
      .select(['d.paper_id', 'd.media_urls', 'd.is_author_participating', 'd.modified_at', 'o.name', 'o.hf_id', 'o.fullname', 'o.avatar_url'])
      .where('d.paper_id', 'in', ids)
      .execute();
    for (const r of details) {
      const p = get(r.paper_id);
      p.mediaUrls = JSON.parse(r.media_urls);
      p.isAuthorParticipating = Number(r.is_author_participating) === 1;
      p.organization = r.name ? { name: r.name, hfId: r.hf_id, fullname: r.fullname ?? r.name, avatarUrl: r.avatar_url } : null;
      p.modifiedAt = later(p.modifiedAt, r.modified_at);
    }
    // An author here taking part in the discussion: a visible comment by someone whose claim on the paper was approved.
    const participating = await db
      .selectFrom('comments as cm')
      .innerJoin('author_claims as c', (j) => j.onRef('c.paper_id', '=', 'cm.paper_id').onRef('c.user_id', '=', 'cm.user_id'))
      .select('cm.paper_id')
      .distinct()
      .where('cm.paper_id', 'in', ids)
      .where('c.status', '=', 'approved')
      .where('cm.deleted_at', 'is', null)
      .where('cm.hidden_at', 'is', null)
      .execute();
    for (const r of participating) get(r.paper_id).isAuthorParticipating = true;
  }
  const names = [...new Set([...submitters.values()])];
  for (const batch of chunks(names, ID_CHUNK)) {
    const rows = await db.selectFrom('hf_users').selectAll().where('username', 'in', batch).execute();
    const byName = new Map(rows.map((r) => [r.username, r]));
    for (const [paperId, username] of submitters) {
      const r = byName.get(username);
      if (r) get(paperId).submitter = { username: r.username, hfId: r.hf_id, fullname: r.fullname, avatarUrl: r.avatar_url, isPro: Number(r.is_pro) === 1 };
    }
  }
  return out;
}

/** The people of listed papers (a page of a list, or one paper). */
export function peopleOfListed(database: Database, items: ListedPaper[]): Promise<Map<string, PaperPeople>> {
  const hfSubmitters = new Map(
    items.flatMap((i) => (i.signals.source === 'hf' && i.signals.submittedBy ? [[i.paper.id, i.signals.submittedBy] as const] : [])),
  );
  return peopleOfPapers(
    database,
    items.map((i) => i.paper.id),
    hfSubmitters,
  );
}

// ── Organisations ────────────────────────────────────────────────────────────────────────────────────────────

export async function getOrganization(database: Database, name: string): Promise<HfOrganization | null> {
  const r = await database.db.selectFrom('organizations').selectAll().where('name', '=', name).executeTakeFirst();
  return r ? { name: r.name, hfId: r.hf_id, fullname: r.fullname, avatarUrl: r.avatar_url } : null;
}

/** Visible papers of an organisation, newest first: one page of ids and the total. */
export async function organizationPaperIds(
  database: Database,
  name: string,
  page: { offset: number; limit: number },
): Promise<{ ids: string[]; total: number }> {
  const base = database.db
    .selectFrom('hf_paper_details as d')
    .innerJoin('papers as p', 'p.id', 'd.paper_id')
    .where('d.organization', '=', name)
    .where('p.hidden', '=', 0);
  const total = await base.select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const rows = await base
    .select('p.id')
    .orderBy(sql`COALESCE(p.submitted_at, p.announced_on)`, 'desc')
    .orderBy('p.id', 'desc')
    .offset(page.offset)
    .limit(page.limit)
    .execute();
  return { ids: rows.map((r) => r.id), total: Number(total.n) };
}
