// People in the store, on every database kind: what a Hugging Face import keeps about people (and that importing
// again changes nothing), author pages' queries with the merge rules, claims and their permissions with the audit
// log, upvote listings, migration 006 filing the names of papers stored before it, and migration 020 keying names
// with a sigma again.
import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { authorCategories, authorClaimants, authorPaperIds, coAuthors, getAuthor } from '../../src/db/authors.ts';
import { createClaim, listPendingClaims, listUserClaims, MAX_PENDING_CLAIMS, withdrawClaim } from '../../src/db/claims.ts';
import { migrate } from '../../src/db/migrate.ts';
import { migrations } from '../../src/db/migrations/index.ts';
import { decideClaim, listModerationLog, setPaperHidden, setUserBanned } from '../../src/db/moderation.ts';
import { upsertPapers } from '../../src/db/papers.ts';
import { getOrganization, organizationPaperIds, peopleOfPapers } from '../../src/db/people.ts';
import { setVote, listUserUpvotes } from '../../src/db/votes.ts';
import { authorKey } from '../../src/domain/author-name.ts';
import { AppError } from '../../src/errors.ts';
import { importPaths } from '../../src/ingest/import.ts';
import { makePaper, makeUser } from '../helpers/factory.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { fixturePath } from '../helpers/fixtures.ts';

async function rejects(p: Promise<unknown>, status: number, code?: string): Promise<void> {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err, 'expected an AppError').toBeInstanceOf(AppError);
  expect((err as AppError).status).toBe(status);
  if (code) expect((err as AppError).code).toBe(code);
}

const HF_FIXTURE = fixturePath('../people');

async function counts(database: TestDatabase) {
  const n = async (table: 'hf_author_entries' | 'hf_users' | 'organizations' | 'hf_paper_details' | 'author_names' | 'daily_entries') =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    entries: await n('hf_author_entries'),
    users: await n('hf_users'),
    organizations: await n('organizations'),
    details: await n('hf_paper_details'),
    names: await n('author_names'),
    daily: await n('daily_entries'),
  };
}

describe.each(databaseKinds)('people in the store on %s', (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('keeps what a Hugging Face entry says about people, and importing it again changes nothing', async () => {
    await importPaths(database, [HF_FIXTURE]);
    const first = await counts(database);
    expect(first).toMatchObject({ entries: 7, users: 3, organizations: 1, details: 2, daily: 2 });
    const people = await peopleOfPapers(database, ['2506.01001', '2506.01002'], new Map([['2506.01001', 'dinobby']]));
    const a = people.get('2506.01001')!;
    expect(a.organization).toEqual({
      name: 'ByteDance-Seed',
      hfId: '67d1140985ea0644e2f14b99',
      fullname: 'ByteDance Seed',
      avatarUrl: 'https://cdn-uploads.huggingface.co/production/uploads/6535c9e8/seed.png',
    });
    // Only well-formed http(s) media are kept: the javascript: URL and the bare "http://" are dropped.
    expect(a.mediaUrls).toEqual(['https://cdn-uploads.huggingface.co/production/uploads/62dae373/demo.mp4']);
    expect(a.isAuthorParticipating).toBe(true);
    expect(a.submitter).toMatchObject({ username: 'dinobby', fullname: 'Justin Chen', avatarUrl: '/avatars/8e305ac7c170d70fbf83c109789b40d9.svg' });
    const [ada, alan, grace, hidden, edsger] = a.hfAuthors;
    expect(ada).toMatchObject({
      position: 0,
      name: 'Ada Lovelace',
      hfId: '6841a0000000000000000001',
      status: 'claimed_verified',
      statusChangedAt: '2025-06-05T08:00:00.000Z',
    });
    expect(ada.user).toEqual({
      username: 'ada-l',
      hfId: '64abc4aa6cadc7aca585dddf',
      fullname: 'Ada Lovelace',
      avatarUrl: 'https://cdn-avatars.huggingface.co/v1/production/uploads/64abc4aa/ada.png',
      isPro: true,
    });
    // A relative avatar path is kept as given.
    expect(alan.user).toMatchObject({ username: 'aturing', hfId: null, avatarUrl: '/avatars/d3f68c2eba04f2698402cc532779a549.svg' });
    expect(alan.status).toBe('extracted_pending');
    expect(grace).toMatchObject({ status: null, user: null, hidden: false });
    expect(hidden.hidden).toBe(true);
    // An account name with a space and a javascript: avatar are not an account; a bad date is no date.
    expect(edsger).toMatchObject({ status: 'admin_assigned', statusChangedAt: null, user: null });
    const b = people.get('2506.01002')!;
    expect(b.hfAuthors.map((e) => e.status)).toEqual(['extracted_confirmed', 'extracted_infirmed']);
    expect(b.organization).toBeNull();
    expect(b.isAuthorParticipating).toBe(false);

    await importPaths(database, [HF_FIXTURE]);
    expect(await counts(database)).toEqual(first);
  });

  it('files spellings under one author and never merges initials; co-authors, categories, claimants', async () => {
    await upsertPapers(database, [
      makePaper({ id: '2601.00001', authors: ['Yann LeCun', 'Léon Bottou'], categories: ['cs.LG'], submittedAt: '2026-01-02T00:00:00.000Z' }),
      makePaper({
        id: '2601.00002',
        authors: ['YANN LECUN', 'Leon Bottou', 'Yoshua Bengio'],
        categories: ['cs.LG', 'cs.AI'],
        submittedAt: '2026-01-03T00:00:00.000Z',
      }),
      makePaper({ id: '2601.00003', authors: ['Y. LeCun', 'Léon Bottou'], categories: ['cs.CV'] }),
      makePaper({ id: '2601.00004', authors: ['Yann Le-Cun'], categories: ['cs.LG'] }),
      makePaper({ id: '2601.00005', authors: ['Yann Le Cun'], categories: ['cs.LG'] }),
    ]);
    const yann = (await getAuthor(database, authorKey('Yann LeCun')))!;
    expect(yann.papers).toBe(2);
    expect(yann.spellings.map((s) => s.name).sort()).toEqual(['YANN LECUN', 'Yann LeCun'].sort());
    // "Le-Cun" and "Le Cun" are one spelling; "LeCun" another word, so another author until a claim ties them.
    expect(await getAuthor(database, authorKey('Yann Le-Cun'))).toMatchObject({ papers: 2 });
    expect(await getAuthor(database, authorKey('Y. LeCun'))).toMatchObject({ papers: 1, name: 'Y. LeCun' });
    expect(await getAuthor(database, 'nobody at all')).toBeNull();
    expect(await getAuthor(database, '')).toBeNull();
    expect(await authorPaperIds(database, yann.key, { offset: 0, limit: 10 })).toEqual(['2601.00002', '2601.00001']);
    expect(await coAuthors(database, yann.key)).toEqual([
      { key: 'leon bottou', name: expect.stringMatching(/^L[ée]on Bottou$/), papers: 2 },
      { key: 'yoshua bengio', name: 'Yoshua Bengio', papers: 1 },
    ]);
    expect(await authorCategories(database, yann.key)).toEqual([
      { category: 'cs.LG', count: 2 },
      { category: 'cs.AI', count: 1 },
    ]);
    // A hidden paper drops out of every count.
    const mod = await makeUser(database, { role: 'moderator' });
    await setPaperHidden(database, mod.id, '2601.00002', true);
    expect(await getAuthor(database, yann.key)).toMatchObject({ papers: 1, spellings: [{ name: 'Yann LeCun', papers: 1 }] });

    // Claims tell namesakes apart and tie a person's spellings together.
    const alice = await makeUser(database, { role: 'user', username: 'alice' });
    const c1 = await createClaim(database, { userId: alice.id, paperId: '2601.00001', position: 0 });
    const c2 = await createClaim(database, { userId: alice.id, paperId: '2601.00003', position: 0 });
    await decideClaim(database, mod.id, c1.id, true);
    await decideClaim(database, mod.id, c2.id, true);
    expect(await authorClaimants(database, yann.key)).toEqual([
      { kind: 'local', username: 'alice', fullname: null, papers: 1, otherNames: [{ key: 'y lecun', name: 'Y. LeCun' }] },
    ]);
  });

  it('lists Hugging Face accounts with confirmed links as claimants, with their other spellings', async () => {
    await importPaths(database, [HF_FIXTURE]);
    const claimants = await authorClaimants(database, authorKey('Ada Lovelace'));
    expect(claimants).toEqual([
      { kind: 'hf', username: 'ada-l', fullname: 'Ada Lovelace', papers: 1, otherNames: [{ key: 'a lovelace', name: 'A. Lovelace' }] },
    ]);
    // An automatic match nobody confirmed does not make a claimant.
    expect(await authorClaimants(database, authorKey('Alan Turing'))).toEqual([]);
    expect(await getOrganization(database, 'ByteDance-Seed')).toMatchObject({ fullname: 'ByteDance Seed' });
    expect(await organizationPaperIds(database, 'ByteDance-Seed', { offset: 0, limit: 10 })).toEqual({ ids: ['2506.01001'], total: 1 });
    expect(await getOrganization(database, 'nope')).toBeNull();
  });

  it('claims: only pending ones are decided, by someone else, once; the log records each decision', async () => {
    await upsertPapers(database, [makePaper({ id: '2601.00001', authors: ['Ada Lovelace', 'Alan Turing', '—'] }), makePaper({ id: '2601.00002' })]);
    const ada = await makeUser(database, { role: 'user', username: 'ada' });
    const eve = await makeUser(database, { role: 'user', username: 'eve' });
    const mod = await makeUser(database, { role: 'moderator', username: 'mod' });
    await rejects(createClaim(database, { userId: ada.id, paperId: '2601.00001', position: 3 }), 400);
    await rejects(createClaim(database, { userId: ada.id, paperId: '2601.00001', position: 2 }), 400);
    await rejects(createClaim(database, { userId: ada.id, paperId: '2601.99999', position: 0 }), 404);
    const claim = await createClaim(database, { userId: ada.id, paperId: '2601.00001', position: 0 });
    expect(claim).toMatchObject({ status: 'pending', authorName: 'Ada Lovelace', authorKey: 'ada lovelace', username: 'ada' });
    await rejects(createClaim(database, { userId: ada.id, paperId: '2601.00001', position: 1 }), 409, 'already_claimed');
    // An impostor may file a competing claim; moderators see both.
    const fake = await createClaim(database, { userId: eve.id, paperId: '2601.00001', position: 0 });
    expect((await listPendingClaims(database)).map((c) => c.id)).toEqual([claim.id, fake.id]);

    await rejects(withdrawClaim(database, eve.id, claim.id), 403);
    await rejects(decideClaim(database, ada.id, claim.id, true), 403);
    await decideClaim(database, mod.id, claim.id, true, 'matches the affiliation');
    await rejects(decideClaim(database, mod.id, claim.id, false), 409, 'claim_closed');
    await rejects(decideClaim(database, mod.id, fake.id, true), 409, 'entry_claimed');
    await decideClaim(database, mod.id, fake.id, false, 'not this person');
    await rejects(createClaim(database, { userId: eve.id, paperId: '2601.00001', position: 0 }), 409, 'entry_claimed');

    const log = await listModerationLog(database);
    expect(log.map((e) => [e.action, e.targetType, e.targetId, e.actor, e.reason])).toEqual(
      expect.arrayContaining([
        ['approve_claim', 'claim', claim.id, 'mod', 'matches the affiliation'],
        ['reject_claim', 'claim', fake.id, 'mod', 'not this person'],
      ]),
    );
    expect(log).toHaveLength(2);

    const people = (await peopleOfPapers(database, ['2601.00001'])).get('2601.00001')!;
    expect(people.claims).toEqual([expect.objectContaining({ claimId: claim.id, position: 0, username: 'ada', authorKey: 'ada lovelace' })]);
    expect(people.modifiedAt).not.toBeNull();
    expect((await listUserClaims(database, ada.id, ['approved'])).map((c) => c.paperId)).toEqual(['2601.00001']);

    // The claimant withdraws; the entry is free again, and a withdrawn claim stays withdrawn.
    await withdrawClaim(database, ada.id, claim.id);
    await rejects(withdrawClaim(database, ada.id, claim.id), 409, 'claim_closed');
    expect((await peopleOfPapers(database, ['2601.00001'])).get('2601.00001')?.claims ?? []).toEqual([]);
    await createClaim(database, { userId: ada.id, paperId: '2601.00001', position: 0 });
  });

  it('a banned account cannot claim, and its approved claims stop showing', async () => {
    await upsertPapers(database, [makePaper({ id: '2601.00001' }), makePaper({ id: '2601.00002' })]);
    const ada = await makeUser(database, { role: 'user', username: 'ada' });
    const mallory = await makeUser(database, { role: 'user', username: 'mallory' });
    const mod = await makeUser(database, { role: 'moderator', username: 'mod' });
    const claim = await createClaim(database, { userId: mallory.id, paperId: '2601.00001', position: 0 });
    await decideClaim(database, mod.id, claim.id, true);
    await setUserBanned(database, mod.id, mallory.id, true);
    await rejects(createClaim(database, { userId: mallory.id, paperId: '2601.00002', position: 0 }), 403, 'banned');
    expect((await peopleOfPapers(database, ['2601.00001'])).get('2601.00001')?.claims ?? []).toEqual([]);
    await createClaim(database, { userId: ada.id, paperId: '2601.00002', position: 1 });
  });

  it('one open claim per person and paper, even when two arrive at once; a cap on pending claims', async () => {
    const ids = Array.from({ length: MAX_PENDING_CLAIMS + 1 }, (_, i) => `2601.${String(i + 1).padStart(5, '0')}`);
    await upsertPapers(
      database,
      ids.map((id) => makePaper({ id: id })),
    );
    const ada = await makeUser(database, { role: 'user', username: 'ada' });
    const results = await Promise.allSettled([0, 1].map((position) => createClaim(database, { userId: ada.id, paperId: ids[0], position })));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const failure = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect((failure.reason as AppError).status).toBe(409);
    for (const id of ids.slice(1, MAX_PENDING_CLAIMS)) await createClaim(database, { userId: ada.id, paperId: id, position: 0 });
    await rejects(createClaim(database, { userId: ada.id, paperId: ids[MAX_PENDING_CLAIMS], position: 0 }), 429, 'too_many_claims');
  });

  it('lists a person’s upvotes, newest first, without hidden papers', async () => {
    await upsertPapers(database, [makePaper({ id: '2601.00001' }), makePaper({ id: '2601.00002' }), makePaper({ id: '2601.00003' })]);
    const ada = await makeUser(database, { role: 'user', username: 'ada' });
    const mod = await makeUser(database, { role: 'moderator' });
    for (const id of ['2601.00001', '2601.00002', '2601.00003']) {
      await setVote(database, ada.id, id, true);
      await new Promise((r) => setTimeout(r, 5));
    }
    await setPaperHidden(database, mod.id, '2601.00002', true);
    const { items, total } = await listUserUpvotes(database, ada.id);
    expect(total).toBe(2);
    expect(items.map((u) => u.paperId)).toEqual(['2601.00003', '2601.00001']);
  });
});

describe.each(databaseKinds)('migration 006 on %s', (kind) => {
  it('files the author names of papers stored before it', async () => {
    const database = await createTestDatabase(kind, { migrated: false });
    try {
      await sql`CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`.execute(database.db);
      for (const m of migrations.filter((m) => m.version < 6)) {
        await database.db.transaction().execute(async (trx) => {
          await m.up(trx, database.kind);
          await trx.insertInto('schema_migrations').values({ version: m.version, name: m.name, applied_at: new Date().toISOString() }).execute();
        });
      }
      const now = new Date().toISOString();
      await database.db
        .insertInto('papers')
        .values({
          id: '2601.00001',
          version: 1,
          title: 'T',
          abstract: '',
          authors: '["José Pérez","Jose Perez"]',
          categories: '',
          versions: '[]',
          created_at: now,
          modified_at: now,
        } as any)
        .execute();
      await database.db
        .insertInto('paper_authors')
        .values([
          { paper_id: '2601.00001', position: 0, name: 'José Pérez' },
          { paper_id: '2601.00001', position: 1, name: 'Jose Perez' },
        ])
        .execute();
      expect((await migrate(database)).applied.map((m) => m.version)).toContain(6);
      const rows = await database.db.selectFrom('author_names').selectAll().orderBy('name').execute();
      expect(rows).toEqual([
        { name: 'Jose Perez', author_key: 'jose perez' },
        { name: 'José Pérez', author_key: 'jose perez' },
      ]);
      expect(await getAuthor(database, 'jose perez')).toMatchObject({ papers: 1 });
    } finally {
      await database.drop();
    }
  });
});

describe.each(databaseKinds)('migration 020 on %s', (kind) => {
  it('computes again the keys of names holding a sigma, and no other', async () => {
    const database = await createTestDatabase(kind);
    try {
      const user = await makeUser(database, { username: 'sigma' });
      await upsertPapers(database, [makePaper({ id: '2601.00002', authors: ['Νικόλαος Παπαδόπουλος', 'Ada Lovelace'] })]);
      // As the keys were before: final sigma kept as ς. An unrelated key stays as stored, even a wrong one.
      await database.db.updateTable('author_names').set({ author_key: 'νικολαος παπαδοπουλος' }).where('name', '=', 'Νικόλαος Παπαδόπουλος').execute();
      await database.db.updateTable('author_names').set({ author_key: 'ada lovelace (as stored)' }).where('name', '=', 'Ada Lovelace').execute();
      await database.db
        .insertInto('author_claims')
        .values({
          id: 'c1',
          paper_id: '2601.00002',
          position: 0,
          author_name: 'Νικόλαος Παπαδόπουλος',
          author_key: 'νικολαος παπαδοπουλος',
          user_id: user.id,
          status: 'pending',
          created_at: new Date().toISOString(),
        })
        .execute();
      await database.db.deleteFrom('schema_migrations').where('version', '=', 20).execute();
      expect((await migrate(database)).applied.map((m) => m.version)).toEqual([20]);
      const names = await database.db.selectFrom('author_names').selectAll().orderBy('name').execute();
      expect(names).toEqual([
        { name: 'Ada Lovelace', author_key: 'ada lovelace (as stored)' },
        { name: 'Νικόλαος Παπαδόπουλος', author_key: 'νικολαοσ παπαδοπουλοσ' },
      ]);
      expect(authorKey('Νικόλαος Παπαδόπουλος')).toBe('νικολαοσ παπαδοπουλοσ');
      const claim = await database.db.selectFrom('author_claims').select('author_key').where('id', '=', 'c1').executeTakeFirstOrThrow();
      expect(claim.author_key).toBe('νικολαοσ παπαδοπουλοσ');
      expect(await getAuthor(database, 'νικολαοσ παπαδοπουλοσ')).toMatchObject({ papers: 1 });
    } finally {
      await database.drop();
    }
  });
});
