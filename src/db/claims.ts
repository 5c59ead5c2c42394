// Claims of authorship: a signed-in person says "this author entry on this paper is me"; a moderator approves or
// rejects (src/db/moderation.ts, with the audit log); the claimant may withdraw their own claim at any time. An
// author entry has at most one approved claim, a person at most one open claim per paper (both enforced by unique
// indexes, so two requests at once cannot both win), and a banned account cannot claim.
import type { Transaction } from 'kysely';
import { authorKey } from '../domain/author-name.ts';
import { newId } from '../domain/credentials.ts';
import { AppError, badRequest, conflict, forbidden, notFound } from '../errors.ts';
import type { Database } from './connect.ts';
import type { DB } from './schema.ts';

export type ClaimStatus = 'pending' | 'approved' | 'rejected' | 'withdrawn';

/** Open claims a person may have waiting for moderators at once: enough for any author, few enough to stop a flood. */
export const MAX_PENDING_CLAIMS = 20;

export interface Claim {
  id: string;
  paperId: string;
  paperTitle: string;
  position: number;
  authorName: string;
  authorKey: string;
  userId: string;
  username: string;
  status: ClaimStatus;
  createdAt: string;
  decidedAt: string | null;
  reason: string | null;
}

function claimsQuery(db: Database['db'] | Transaction<DB>) {
  return db
    .selectFrom('author_claims as c')
    .innerJoin('users as u', 'u.id', 'c.user_id')
    .innerJoin('papers as p', 'p.id', 'c.paper_id')
    .select([
      'c.id',
      'c.paper_id',
      'p.title',
      'c.position',
      'c.author_name',
      'c.author_key',
      'c.user_id',
      'u.username',
      'c.status',
      'c.created_at',
      'c.decided_at',
      'c.reason',
    ]);
}

function toClaim(r: any): Claim {
  return {
    id: r.id,
    paperId: r.paper_id,
    paperTitle: r.title,
    position: Number(r.position),
    authorName: r.author_name,
    authorKey: r.author_key,
    userId: r.user_id,
    username: r.username,
    status: r.status as ClaimStatus,
    createdAt: r.created_at,
    decidedAt: r.decided_at,
    reason: r.reason,
  };
}

/** Files a pending claim of the author at `position` on a paper. */
export async function createClaim(database: Database, input: { userId: string; paperId: string; position: number }, now = new Date()): Promise<Claim> {
  const id = await database.db.transaction().execute(async (trx) => {
    const user = await trx.selectFrom('users').select(['banned_at']).where('id', '=', input.userId).executeTakeFirst();
    if (!user) throw notFound('no such account');
    if (user.banned_at) throw forbidden('a banned account cannot claim authorship', 'banned');
    const paper = await trx.selectFrom('papers').select(['authors', 'hidden']).where('id', '=', input.paperId).executeTakeFirst();
    if (!paper || Number(paper.hidden)) throw notFound(`no paper ${input.paperId}`);
    const authors: string[] = JSON.parse(paper.authors);
    if (!Number.isInteger(input.position) || input.position < 0 || input.position >= authors.length) throw badRequest('no such author on this paper');
    const name = authors[input.position];
    const key = authorKey(name);
    if (!key) throw badRequest('this author entry has no name to claim');
    const open = await trx
      .selectFrom('author_claims')
      .select(['user_id', 'position', 'status'])
      .where('paper_id', '=', input.paperId)
      .where('status', 'in', ['pending', 'approved'])
      .execute();
    if (open.some((c) => c.user_id === input.userId)) throw conflict('you already have a claim on this paper', 'already_claimed');
    if (open.some((c) => c.status === 'approved' && Number(c.position) === input.position)) {
      throw conflict('this author entry is already claimed by someone else; a moderator can help if that is wrong', 'entry_claimed');
    }
    const pending = await trx
      .selectFrom('author_claims')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('user_id', '=', input.userId)
      .where('status', '=', 'pending')
      .executeTakeFirstOrThrow();
    if (Number(pending.n) >= MAX_PENDING_CLAIMS) {
      throw new AppError(429, 'too_many_claims', `you have ${MAX_PENDING_CLAIMS} claims waiting for a moderator; wait for them to be decided`);
    }
    const claimId = newId();
    // A concurrent claim by the same person passes the checks above too; the unique index lets only one insert land.
    const inserted = await trx
      .insertInto('author_claims')
      .values({
        id: claimId,
        paper_id: input.paperId,
        position: input.position,
        author_name: name,
        author_key: key,
        user_id: input.userId,
        status: 'pending',
        created_at: now.toISOString(),
        decided_at: null,
        decided_by: null,
        reason: null,
      })
      .onConflict((oc) => oc.doNothing())
      .executeTakeFirst();
    if (!Number(inserted.numInsertedOrUpdatedRows ?? 0)) throw conflict('you already have a claim on this paper', 'already_claimed');
    return claimId;
  });
  return (await getClaim(database, id))!;
}

export async function getClaim(database: Database, id: string): Promise<Claim | null> {
  const r = await claimsQuery(database.db).where('c.id', '=', id).executeTakeFirst();
  return r ? toClaim(r) : null;
}

/** The claimant takes back a pending or approved claim; nobody else can (403). */
export async function withdrawClaim(database: Database, userId: string, claimId: string, now = new Date()): Promise<Claim> {
  const claim = await getClaim(database, claimId);
  if (!claim) throw notFound('no such claim');
  if (claim.userId !== userId) throw forbidden('only the person who made a claim can withdraw it');
  const r = await database.db
    .updateTable('author_claims')
    .set({ status: 'withdrawn', decided_at: now.toISOString() })
    .where('id', '=', claimId)
    .where('user_id', '=', userId)
    .where('status', 'in', ['pending', 'approved'])
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw conflict(`this claim is ${claim.status} already`, 'claim_closed');
  return { ...claim, status: 'withdrawn', decidedAt: now.toISOString() };
}

/**
 * Records a moderator's decision inside their transaction (moderation.ts logs it there too). Only pending claims
 * are decided, nobody decides their own, and an entry keeps at most one approved claim.
 */
export async function decidePendingClaim(
  trx: Transaction<DB>,
  actorId: string,
  claimId: string,
  approve: boolean,
  reason: string | null,
  now = new Date(),
): Promise<Claim> {
  const row = await claimsQuery(trx).where('c.id', '=', claimId).executeTakeFirst();
  if (!row) throw notFound('no such claim');
  const claim = toClaim(row);
  if (claim.userId === actorId) throw forbidden('you cannot decide your own claim');
  if (claim.status !== 'pending') throw conflict(`this claim is ${claim.status} already`, 'claim_closed');
  if (approve) {
    const taken = await trx
      .selectFrom('author_claims')
      .select('id')
      .where('paper_id', '=', claim.paperId)
      .where('position', '=', claim.position)
      .where('status', '=', 'approved')
      .executeTakeFirst();
    if (taken) throw conflict('another claim of this author entry is approved; reject this one or have the other withdrawn', 'entry_claimed');
  }
  const status: ClaimStatus = approve ? 'approved' : 'rejected';
  const r = await trx
    .updateTable('author_claims')
    .set({ status, decided_at: now.toISOString(), decided_by: actorId, reason: reason?.slice(0, 500) || null })
    .where('id', '=', claimId)
    .where('status', '=', 'pending')
    .executeTakeFirst();
  if (!Number(r.numUpdatedRows)) throw conflict('this claim was decided meanwhile', 'claim_closed');
  return { ...claim, status, decidedAt: now.toISOString(), reason };
}

/** A pending claim with what a moderator needs to judge it. */
export interface PendingClaim extends Claim {
  /** What Hugging Face says about the same entry, when it links it to an account. */
  hfUser: string | null;
  hfStatus: string | null;
  /** Claims of this person approved before. */
  approvedBefore: number;
  /** When the claimant's account was made. */
  memberSince: string;
}

export async function listPendingClaims(database: Database, limit = 100): Promise<PendingClaim[]> {
  const rows = await claimsQuery(database.db)
    .leftJoin('hf_author_entries as e', (j) => j.onRef('e.paper_id', '=', 'c.paper_id').onRef('e.position', '=', 'c.position'))
    .select([
      'e.hf_user',
      'e.status as hf_status',
      'u.created_at as member_since',
      (eb) =>
        eb
          .selectFrom('author_claims as a')
          .select((e2) => e2.fn.countAll<number>().as('n'))
          .whereRef('a.user_id', '=', 'c.user_id')
          .where('a.status', '=', 'approved')
          .as('approved_before'),
    ])
    .where('c.status', '=', 'pending')
    .orderBy('c.created_at')
    .orderBy('c.id')
    .limit(limit)
    .execute();
  return rows.map((r: any) => ({
    ...toClaim(r),
    hfUser: r.hf_user ?? null,
    hfStatus: r.hf_status ?? null,
    approvedBefore: Number(r.approved_before ?? 0),
    memberSince: r.member_since,
  }));
}

/** A person's claims in the given states, newest first. */
export async function listUserClaims(database: Database, userId: string, statuses: ClaimStatus[], limit = 200): Promise<Claim[]> {
  const rows = await claimsQuery(database.db)
    .where('c.user_id', '=', userId)
    .where('c.status', 'in', statuses)
    .where('p.hidden', '=', 0)
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id')
    .limit(limit)
    .execute();
  return rows.map(toClaim);
}

/** A person's open (pending or approved) claim on a paper, if any. */
export function openClaimOnPaper(database: Database, userId: string, paperId: string): Promise<Claim | null> {
  // Claims, users and papers are under the listings counter (migration 16).
  return database.memo.get(`open-claim ${userId} ${paperId}`, () => readOpenClaim(database, userId, paperId));
}

async function readOpenClaim(database: Database, userId: string, paperId: string): Promise<Claim | null> {
  const r = await claimsQuery(database.db)
    .where('c.user_id', '=', userId)
    .where('c.paper_id', '=', paperId)
    .where('c.status', 'in', ['pending', 'approved'])
    .executeTakeFirst();
  return r ? toClaim(r) : null;
}
