// The community store on every database kind: counters stay equal to the rows they count under concurrency,
// sign-in links are single use and expire, submissions obey the rules, moderation is logged.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { addComment, deleteComment, editComment, listPaperComments, reportComment, listOpenReports } from '../../src/db/comments.ts';
import { listModerationLog, moderateComment, setPaperFeatured, setPaperHidden, setUserBanned } from '../../src/db/moderation.ts';
import {
  createApiToken,
  createSession,
  findApiTokenUser,
  findSessionUser,
  listSessions,
  loadOrCreateSecret,
  revokeApiToken,
  revokeSession,
} from '../../src/db/sessions.ts';
import { listUserSubmissions, recordSubmission } from '../../src/db/submissions.ts';
import { consumeLoginToken, createLoginToken, createUser, peekLoginToken } from '../../src/db/users.ts';
import { countVotes, paperCounts, setVote } from '../../src/db/votes.ts';
import { AppError } from '../../src/errors.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { seedPapers } from '../helpers/community.ts';
import { makeUser } from '../helpers/factory.ts';

async function rejects(p: Promise<unknown>, status: number, code?: string): Promise<void> {
  const err = await p.then(
    () => null,
    (e) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  expect((err as AppError).status).toBe(status);
  if (code) expect((err as AppError).code).toBe(code);
}

describe.each(databaseKinds)('community store on %s', (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
    await seedPapers(database, ['2601.00001', '2601.00002']);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('refuses a second account with the same email or username (any case)', async () => {
    await createUser(database, { email: 'a@example.org', username: 'Alice' });
    await rejects(createUser(database, { email: 'b@example.org', username: 'alice' }), 409, 'username_taken');
    await rejects(createUser(database, { email: 'a@example.org', username: 'Alicia' }), 409, 'email_taken');
  });

  it('uses a sign-in link once, and never after it expires', async () => {
    const now = new Date();
    const token = await createLoginToken(database, { email: 'x@example.org', ttlMs: 15 * 60_000 }, now);
    expect(await peekLoginToken(database, token, now)).not.toBeNull();
    const [first, second] = await Promise.all([consumeLoginToken(database, token, now), consumeLoginToken(database, token, now)]);
    expect([first, second].filter(Boolean)).toHaveLength(1);
    expect(await consumeLoginToken(database, token, now)).toBeNull();

    const old = await createLoginToken(database, { email: 'x@example.org', ttlMs: 15 * 60_000 }, now);
    const later = new Date(now.getTime() + 15 * 60_000 + 1);
    expect(await peekLoginToken(database, old, later)).toBeNull();
    expect(await consumeLoginToken(database, old, later)).toBeNull();
    // Only the hash is stored.
    const rows = await database.db.selectFrom('login_tokens').select('token_hash').execute();
    expect(rows.map((r) => r.token_hash)).not.toContain(token);
  });

  it('finds sessions and tokens by their secret, lists and revokes them, and drops them on a ban', async () => {
    const user = await makeUser(database);
    const admin = await makeUser(database, { role: 'admin' });
    const s = await createSession(database, user.id, { ttlMs: 60_000, userAgent: 'test' });
    expect((await findSessionUser(database, s.token))?.user.id).toBe(user.id);
    expect(await findSessionUser(database, s.token, new Date(Date.now() + 120_000))).toBeNull();
    const other = await createSession(database, user.id, { ttlMs: 60_000 });
    expect(await listSessions(database, user.id)).toHaveLength(2);
    expect(await revokeSession(database, admin.id, other.id)).toBe(false);
    expect(await revokeSession(database, user.id, other.id)).toBe(true);
    expect(await findSessionUser(database, other.token)).toBeNull();

    const t = await createApiToken(database, user.id, 'script');
    expect(t.token.startsWith('pf_')).toBe(true);
    expect((await findApiTokenUser(database, t.token))?.id).toBe(user.id);
    const t2 = await createApiToken(database, user.id, 'other');
    expect(await revokeApiToken(database, user.id, t2.id)).toBe(true);
    expect(await findApiTokenUser(database, t2.token)).toBeNull();

    await setUserBanned(database, admin.id, user.id, true, 'spam');
    expect(await findSessionUser(database, s.token)).toBeNull();
    expect(await findApiTokenUser(database, t.token)).toBeNull();
  });

  it('keeps one shared secret per name', async () => {
    const [a, b] = await Promise.all([loadOrCreateSecret(database, 'csrf'), loadOrCreateSecret(database, 'csrf')]);
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThanOrEqual(43);
  });

  it('sets one vote per person, idempotently, and keeps the counter equal to the votes under concurrency', async () => {
    const users = await Promise.all(Array.from({ length: 12 }, () => makeUser(database)));
    // Every person sets their vote several times at once (up, down, up …): the final state is the last one set,
    // and setting the same state twice changes nothing.
    await Promise.all(
      users.map(async (u, i) => {
        for (let k = 0; k <= i % 3; k++) {
          await setVote(database, u.id, '2601.00001', k % 2 === 0);
          await setVote(database, u.id, '2601.00001', k % 2 === 0);
        }
      }),
    );
    // And explicit set-calls racing each other on the same person: still at most one vote.
    await Promise.all([setVote(database, users[0].id, '2601.00002', true), setVote(database, users[0].id, '2601.00002', true)]);
    const counts = await paperCounts(database, '2601.00001');
    const rows = await countVotes(database, '2601.00001');
    expect(rows).toBe(users.filter((_, i) => (i % 3) % 2 === 0).length);
    expect(counts?.upvotes).toBe(rows);
    expect((await paperCounts(database, '2601.00002'))?.upvotes).toBe(1);
    await rejects(setVote(database, users[0].id, '9999.99999', true), 404);
  });

  it('adds imported upvotes to community ones', async () => {
    await database.db
      .insertInto('daily_entries')
      .values({
        paper_id: '2601.00001',
        day: '2026-01-02',
        submitted_at: null,
        submitted_by: 'akhaliq',
        upvotes: 40,
        num_comments: 3,
        source: 'hf',
        modified_at: 'x',
      })
      .execute();
    const u = await makeUser(database);
    const r = await setVote(database, u.id, '2601.00001', true);
    expect(r).toMatchObject({ upvoted: true, upvotes: 41, communityUpvotes: 1 });
    await addComment(database, { paperId: '2601.00001', userId: u.id, body: 'hi' });
    expect((await paperCounts(database, '2601.00001'))?.numComments).toBe(4);
  });

  it('threads comments, counts only visible ones, and enforces authorship and the edit window', async () => {
    const [author, other, mod] = [await makeUser(database), await makeUser(database), await makeUser(database, { role: 'moderator' })];
    const root = await addComment(database, { paperId: '2601.00001', userId: author.id, body: 'root' });
    const reply = await addComment(database, { paperId: '2601.00001', userId: other.id, parentId: root.id, body: 'reply' });
    await rejects(addComment(database, { paperId: '2601.00002', userId: other.id, parentId: root.id, body: 'x' }), 400, 'bad_parent');
    await rejects(addComment(database, { paperId: '2601.00001', userId: other.id, body: '   ' }), 400, 'empty_comment');
    expect((await paperCounts(database, '2601.00001'))?.numComments).toBe(2);

    await rejects(editComment(database, { commentId: root.id, userId: other.id, body: 'hacked', editWindowMs: 60_000 }), 403);
    await rejects(
      editComment(database, { commentId: root.id, userId: author.id, body: 'late', editWindowMs: 60_000 }, new Date(Date.now() + 120_000)),
      403,
      'edit_window_closed',
    );
    const edited = await editComment(database, { commentId: root.id, userId: author.id, body: 'root, edited', editWindowMs: 60_000 });
    expect(edited.editedAt).not.toBeNull();

    await reportComment(database, { commentId: reply.id, userId: author.id, reason: 'rude' });
    expect((await listOpenReports(database)).map((r) => r.commentId)).toEqual([reply.id]);
    await moderateComment(database, mod.id, reply.id, true, 'rude');
    expect(await listOpenReports(database)).toEqual([]);
    expect((await paperCounts(database, '2601.00001'))?.numComments).toBe(1);
    await rejects(editComment(database, { commentId: reply.id, userId: other.id, body: 'sneaky', editWindowMs: 60_000 }), 403);
    await rejects(deleteComment(database, { commentId: root.id, userId: other.id }), 403);
    await deleteComment(database, { commentId: root.id, userId: author.id });
    expect((await paperCounts(database, '2601.00001'))?.numComments).toBe(0);
    const listed = await listPaperComments(database, '2601.00001');
    expect(listed.find((c) => c.id === root.id)).toMatchObject({ parentId: null, deleted: true, hidden: false, body: '' });
    expect(listed.find((c) => c.id === reply.id)).toMatchObject({ parentId: root.id, deleted: false, hidden: true, body: 'reply' });
  });

  it('an author deleting a hidden or reported comment keeps its text for moderators and the report in their queue', async () => {
    const [author, reporter, mod] = [await makeUser(database), await makeUser(database), await makeUser(database, { role: 'moderator' })];
    const hidden = await addComment(database, { paperId: '2601.00001', userId: author.id, body: 'abusive text' });
    await moderateComment(database, mod.id, hidden.id, true, 'abuse');
    await deleteComment(database, { commentId: hidden.id, userId: author.id });
    const reported = await addComment(database, { paperId: '2601.00001', userId: author.id, body: 'reported text' });
    await reportComment(database, { commentId: reported.id, userId: reporter.id, reason: 'spam' });
    await deleteComment(database, { commentId: reported.id, userId: author.id });
    const plain = await addComment(database, { paperId: '2601.00001', userId: author.id, body: 'ordinary text' });
    await deleteComment(database, { commentId: plain.id, userId: author.id });

    const listed = await listPaperComments(database, '2601.00001');
    expect(listed.find((c) => c.id === hidden.id)).toMatchObject({ deleted: true, hidden: true, body: 'abusive text' });
    expect(listed.find((c) => c.id === reported.id)).toMatchObject({ deleted: true, hidden: false, body: 'reported text' });
    // Nobody asked to keep an ordinary comment: deleting it erases the text.
    expect(listed.find((c) => c.id === plain.id)).toMatchObject({ deleted: true, body: '' });
    const reports = await listOpenReports(database);
    expect(reports.map((r) => [r.commentId, r.body, r.deletedByAuthor])).toEqual([[reported.id, 'reported text', true]]);
    expect((await listModerationLog(database)).some((e) => e.action === 'hide_comment' && e.targetId === hidden.id)).toBe(true);
    // A moderator can still hide it from the queue, which changes no count (it is not counted since it was deleted).
    await moderateComment(database, mod.id, reported.id, true, 'spam');
    expect(await listOpenReports(database)).toEqual([]);
    expect((await paperCounts(database, '2601.00001'))?.numComments).toBe(0);
  });

  it('records a submission into the Daily Papers once, within the daily cap, and logs moderation', async () => {
    await seedPapers(database, ['2601.00003', '2601.00004']);
    const u = await makeUser(database);
    const admin = await makeUser(database, { role: 'admin' });
    const day = new Date().toISOString().slice(0, 10);
    await recordSubmission(database, { userId: u.id, username: u.username, paperId: '2601.00001', day, maxPerDay: 2 });
    await rejects(
      recordSubmission(database, { userId: admin.id, username: admin.username, paperId: '2601.00001', day, maxPerDay: 2 }),
      409,
      'duplicate_submission',
    );
    await recordSubmission(database, { userId: u.id, username: u.username, paperId: '2601.00002', day, maxPerDay: 2 });
    await rejects(recordSubmission(database, { userId: u.id, username: u.username, paperId: '2601.00003', day, maxPerDay: 2 }), 429);
    const entry = await database.db.selectFrom('daily_entries').selectAll().where('paper_id', '=', '2601.00001').executeTakeFirstOrThrow();
    expect(entry).toMatchObject({ day, submitted_by: u.username, source: 'community', upvotes: 0 });
    expect((await listUserSubmissions(database, u.id)).map((s) => s.paperId).sort()).toEqual(['2601.00001', '2601.00002']);

    await setPaperHidden(database, admin.id, '2601.00004', true, 'off-topic');
    await rejects(recordSubmission(database, { userId: admin.id, username: admin.username, paperId: '2601.00004', day, maxPerDay: 2 }), 404);
    await setPaperFeatured(database, admin.id, '2601.00001', true);
    const log = await listModerationLog(database);
    expect(log.map((e) => [e.actor, e.action, e.targetId]).sort()).toEqual(
      [
        [admin.username, 'feature_paper', '2601.00001'],
        [admin.username, 'hide_paper', '2601.00004'],
      ].sort(),
    );
  });
});
