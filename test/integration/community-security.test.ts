// Security of the community routes, through the real app in process: CSRF on every mutation, authorisation,
// single-use and expiring sign-in links, no account enumeration, inert user content, rate limits.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { addComment } from '../../src/db/comments.ts';
import { createApiToken, createSession } from '../../src/db/sessions.ts';
import { createLoginToken, findUserByEmail, type User } from '../../src/db/users.ts';
import { countVotes } from '../../src/db/votes.ts';
import { upsertPapers } from '../../src/db/papers.ts';
import type { Services } from '../../src/services.ts';
import { type AppOptions, createApp } from '../../src/web/app.tsx';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { atomFor, freePort, seedPapers, startArxivServer } from '../helpers/community.ts';
import { daysAgo, makePaper, makeUser } from '../helpers/factory.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';
import { WebClient } from '../helpers/web-client.ts';
import { testServices } from '../helpers/services.ts';
import { processIndexQueue } from '../../src/ingest/index-queue.ts';
import { indexRequestView } from '../../src/jobs/index-requests.ts';

let database: TestDatabase;
let smtp: TestSmtpServer;
let app: ReturnType<typeof createApp>;
let alice: User;
let bob: User;
let moderator: User;
let arxiv: Awaited<ReturnType<typeof startArxivServer>>;
const opened: Services[] = [];
const FRESH_ID = '2601.07777';
const STALE_ID = '2601.08888';

async function appWith(env: Record<string, string>, options: AppOptions = {}) {
  const config = loadConfig({
    ...database.env,
    SMTP_URL: smtp.url,
    BASE_URL: 'http://localhost:3000',
    PAGE_CACHE_SECONDS: '0',
    ARXIV_API_URL: arxiv.url,
    ALLOW_PRIVATE_NETWORK: 'true',
    ARXIV_MIN_INTERVAL_MS: '0',
    SUBMISSIONS_PER_DAY: '2',
    ...env,
  });
  const services = await testServices(config, database);
  opened.push(services);
  return createApp(services, options);
}

async function signedIn(user: User, target = app): Promise<WebClient> {
  const client = new WebClient(target);
  const { token } = await createSession(database, user.id, { ttlMs: 3_600_000 });
  client.cookies.set('pf_session', token);
  return client;
}

async function countCommentsOn(paperId: string): Promise<number> {
  const row = await database.db
    .selectFrom('comments')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('paper_id', '=', paperId)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

function linkFrom(text: string): string {
  const m = /http:\/\/localhost:3000(\/signin\/link\?token=[A-Za-z0-9_%-]+)/.exec(text);
  if (!m) throw new Error(`no sign-in link in: ${text}`);
  return m[1];
}

beforeAll(async () => {
  smtp = await startSmtpServer();
  arxiv = await startArxivServer(
    new Map([
      [FRESH_ID, atomFor(FRESH_ID, 'A fresh paper', 3)],
      [STALE_ID, atomFor(STALE_ID, 'A stale paper', 30)],
    ]),
  );
  database = await createTestDatabase('sqlite');
  await seedPapers(database, ['2601.00001', '2601.00002']);
  app = await appWith({ SIGNIN_RATE_LIMIT: '1000', MAGIC_LINKS_PER_HOUR: '1000' });
  alice = await makeUser(database, { username: 'alice' });
  bob = await makeUser(database, { username: 'bob' });
  moderator = await makeUser(database, { role: 'moderator', username: 'mia' });
});

afterAll(async () => {
  for (const services of opened) await services.close();
  await database.drop();
  await smtp.stop();
  await arxiv.close();
});

describe('CSRF', () => {
  it('refuses every kind of mutation without a valid token (403) and changes nothing', async () => {
    const client = await signedIn(alice);
    const token = await client.csrf('/submit');
    const attempts: [string, Record<string, string>][] = [
      ['/papers/2601.00001/upvote', {}],
      ['/papers/2601.00001/comments', { body: 'hello' }],
      ['/submit', { paper: '2601.00002' }],
      ['/settings/tokens', { name: 'x' }],
      ['/signout', {}],
    ];
    for (const [path, form] of attempts) {
      expect((await client.post(path, form)).status, path).toBe(403);
      expect((await client.post(path, { ...form, _csrf: token.slice(0, -2) + 'xx' })).status, path).toBe(403);
    }
    expect(await countVotes(database, '2601.00001')).toBe(0);
    // A token from another browser (another pf_csrf cookie) does not work either.
    const other = await signedIn(bob);
    const otherToken = await other.csrf('/submit');
    expect((await client.post('/papers/2601.00001/upvote', { _csrf: otherToken, upvoted: 'true' })).status).toBe(403);
    // Nor does another person's cookie-and-token pair planted in this browser: the token is bound to the session.
    const planted = new WebClient(app);
    planted.cookies.set('pf_session', client.cookies.get('pf_session')!);
    planted.cookies.set('pf_csrf', other.cookies.get('pf_csrf')!);
    expect((await planted.post('/papers/2601.00001/upvote', { _csrf: otherToken, upvoted: 'true' })).status).toBe(403);
    // Anonymous forms are covered too.
    expect((await new WebClient(app).post('/signin/email', { email: 'x@example.org' })).status).toBe(403);
    // The right token works.
    expect((await client.post('/papers/2601.00001/upvote', { _csrf: token, upvoted: 'true' })).status).toBe(303);
    expect(await countVotes(database, '2601.00001')).toBe(1);
    await client.post('/papers/2601.00001/upvote', { _csrf: token, upvoted: 'false' });
  });

  it('refuses oversized bodies before reading them', async () => {
    const client = await signedIn(alice);
    const token = await client.csrf('/submit');
    const res = await client.post('/papers/2601.00001/comments', { _csrf: token, body: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.status).toBe(413);
    const { token: pat } = await createApiToken(database, alice.id, 'big');
    const json = await new WebClient(app).postJson(
      '/api/papers/2601.00001/comment',
      { comment: 'y'.repeat(2 * 1024 * 1024) },
      { authorization: `Bearer ${pat}` },
    );
    expect(json.status).toBe(413);
    expect(await countCommentsOn('2601.00001')).toBe(0);
  });

  it('requires the header for cookie-authenticated JSON, but not for access tokens', async () => {
    const client = await signedIn(alice);
    expect((await client.postJson('/api/papers/2601.00002/upvote', {})).status).toBe(403);
    const token = await client.csrf('/submit');
    const withHeader = await client.postJson('/api/papers/2601.00002/upvote', { upvoted: true }, { 'X-CSRF-Token': token });
    expect(withHeader.status).toBe(200);
    expect(await withHeader.json()).toMatchObject({ upvoted: true, upvotes: 1 });

    const { token: pat } = await createApiToken(database, bob.id, 'script');
    const script = new WebClient(app);
    const res = await script.postJson('/api/papers/2601.00002/upvote', { upvoted: true }, { authorization: `Bearer ${pat}` });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ upvoted: true, upvotes: 2 });
    expect((await script.postJson('/api/papers/2601.00002/upvote', {}, { authorization: 'Bearer pf_' + 'A'.repeat(43) })).status).toBe(401);
    // Another Authorization scheme (a proxy's Basic auth) neither authenticates nor exempts a cookie request from CSRF.
    expect((await client.postJson('/api/papers/2601.00002/upvote', {}, { authorization: 'Basic dXNlcjpwYXNz' })).status).toBe(403);
    expect((await client.get('/settings', { authorization: 'Basic dXNlcjpwYXNz' })).status).toBe(200);
    // A token cannot be used to manage the account.
    expect((await script.post('/settings/tokens', { name: 'more' }, { authorization: `Bearer ${pat}` })).status).toBe(403);
  });
});

describe('authorisation', () => {
  it('lets the author edit their own comment', async () => {
    const comment = await addComment(database, { paperId: '2601.00002', userId: alice.id, body: 'typo' });
    const client = await signedIn(alice);
    const token = await client.csrf(`/comments/${comment.id}/edit`);
    const res = await client.post(`/comments/${comment.id}/edit`, { _csrf: token, body: 'fixed' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/papers/2601.00002#comment-${comment.id}`);
    const row = await database.db.selectFrom('comments').select(['body', 'edited_at']).where('id', '=', comment.id).executeTakeFirstOrThrow();
    expect(row.body).toBe('fixed');
    expect(row.edited_at).not.toBeNull();
  });

  it('takes the Edit button off the paper page when the edit window closes, with nothing changed in the store', async () => {
    // The page keeps each person's discussion panel while the store is unchanged (templated-page.ts); the clock
    // alone must still end the Edit link on time.
    // Similar papers are fixed, so that only the clock differs between the requests.
    const windowed = await appWith({ COMMENT_EDIT_WINDOW_MINUTES: '1' }, { paper: { similarIds: async () => null } });
    const comment = await addComment(database, { paperId: '2601.00001', userId: alice.id, body: 'closing soon' });
    const closesIn = 1500;
    await database.db
      .updateTable('comments')
      .set({ created_at: new Date(Date.now() - 60_000 + closesIn).toISOString() })
      .where('id', '=', comment.id)
      .execute();
    const client = await signedIn(alice, windowed);
    const editLink = `/comments/${comment.id}/edit`;
    expect(await (await client.get('/papers/2601.00001')).text()).toContain(editLink);
    expect(await (await client.get('/papers/2601.00001')).text()).toContain(editLink);
    await new Promise((r) => setTimeout(r, closesIn + 100));
    const later = await (await client.get('/papers/2601.00001')).text();
    expect(later).toContain('closing soon');
    expect(later).not.toContain(editLink);
  });

  it("refuses to edit or delete another person's comment (403)", async () => {
    const comment = await addComment(database, { paperId: '2601.00001', userId: alice.id, body: 'original' });
    const client = await signedIn(bob);
    const token = await client.csrf('/submit');
    expect((await client.get(`/comments/${comment.id}/edit`)).status).toBe(403);
    expect((await client.post(`/comments/${comment.id}/edit`, { _csrf: token, body: 'defaced' })).status).toBe(403);
    expect((await client.post(`/comments/${comment.id}/delete`, { _csrf: token })).status).toBe(403);
    const row = await database.db.selectFrom('comments').select(['body', 'deleted_at']).where('id', '=', comment.id).executeTakeFirstOrThrow();
    expect(row).toEqual({ body: 'original', deleted_at: null });
  });

  it('lets only moderators hide, and only signed-in people vote or comment', async () => {
    const comment = await addComment(database, { paperId: '2601.00001', userId: alice.id, body: 'to hide' });
    const bobClient = await signedIn(bob);
    const token = await bobClient.csrf('/submit');
    expect((await bobClient.post(`/mod/comments/${comment.id}/hide`, { _csrf: token })).status).toBe(403);
    expect((await bobClient.get('/mod')).status).toBe(403);
    const mod = await signedIn(moderator);
    const modToken = await mod.csrf('/mod');
    expect((await mod.post(`/mod/comments/${comment.id}/hide`, { _csrf: modToken })).status).toBe(303);
    const anonymous = new WebClient(app);
    const anonToken = await anonymous.csrf('/signin');
    expect((await anonymous.post('/papers/2601.00001/upvote', { _csrf: anonToken, upvoted: 'true' })).status).toBe(401);
    expect((await anonymous.postJson('/api/papers/2601.00001/comment', { comment: 'x' })).status).toBe(403);
    expect((await anonymous.postJson('/api/papers/2601.00001/comment', { comment: 'x' }, { 'X-CSRF-Token': anonToken })).status).toBe(401);
    expect((await anonymous.get('/submit')).headers.get('location')).toBe('/signin?next=%2Fsubmit');
  });
});

describe('moderation desk', () => {
  it("bans and features through the desk with an audit trail; staff accounts are out of a moderator's reach", async () => {
    const victim = await makeUser(database, { username: 'spammer' });
    const victimClient = await signedIn(victim);
    const admin = await makeUser(database, { role: 'admin', username: 'root' });
    const mod = await signedIn(moderator);
    const token = await mod.csrf('/mod');
    expect((await mod.post('/mod/users', { _csrf: token, username: 'spammer', action: 'ban', reason: 'spam' })).status).toBe(200);
    expect((await victimClient.get('/settings')).status).toBe(303);
    expect((await mod.post('/mod/users', { _csrf: token, username: 'root', action: 'ban' })).status).toBe(403);
    expect((await mod.post('/mod/users', { _csrf: token, username: 'bob', action: 'role:moderator' })).status).toBe(403);
    expect((await mod.post('/mod/papers', { _csrf: token, paper: '2601.00002', action: 'feature' })).status).toBe(200);
    const featured = await database.db.selectFrom('papers').select('featured_at').where('id', '=', '2601.00002').executeTakeFirstOrThrow();
    expect(featured.featured_at).not.toBeNull();
    const reported = await addComment(database, { paperId: '2601.00002', userId: alice.id, body: 'fine, really' });
    const reporter = await signedIn(bob);
    const reporterToken = await reporter.csrf('/submit');
    expect((await reporter.post(`/comments/${reported.id}/report`, { _csrf: reporterToken, reason: 'I disagree' })).status).toBe(303);
    expect(await (await mod.get('/mod')).text()).toContain(`/mod/comments/${reported.id}/dismiss`);
    expect((await reporter.post(`/mod/comments/${reported.id}/dismiss`, { _csrf: reporterToken })).status).toBe(403);
    expect((await mod.post(`/mod/comments/${reported.id}/dismiss`, { _csrf: token })).status).toBe(303);
    expect(await (await mod.get('/mod')).text()).not.toContain(`/mod/comments/${reported.id}/dismiss`);
    const desk = await (await mod.get('/mod')).text();
    expect(desk).toContain('dismiss_reports');
    expect(desk).toContain('ban_user');
    expect(desk).toContain('feature_paper');
    const rootClient = await signedIn(admin);
    const rootToken = await rootClient.csrf('/mod');
    expect((await rootClient.post('/mod/users', { _csrf: rootToken, username: 'bob', action: 'role:moderator' })).status).toBe(200);
    expect((await findUserByEmail(database, 'bob@example.org'))?.role).toBe('moderator');
    expect((await rootClient.post('/mod/users', { _csrf: rootToken, username: 'bob', action: 'role:user' })).status).toBe(200);
  });
});

describe('sign-in links', () => {
  it('signs up with a mailed link once; a used link fails', async () => {
    const client = new WebClient(app);
    const token = await client.csrf('/signup');
    const before = smtp.received.length;
    const res = await client.post('/signup', { _csrf: token, email: 'carol@example.org', username: 'carol', password: '' });
    expect(res.status).toBe(200);
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail.envelopeTo).toEqual(['carol@example.org']);
    const link = linkFrom(mail.parsed.text ?? '');
    expect((await client.get(link)).status).toBe(200);
    // Opening the link (GET) changes nothing: it can be opened again before confirming.
    const confirmPage = await (await client.get(link)).text();
    const confirmToken = /name="_csrf" value="([^"]+)"/.exec(confirmPage)![1];
    const linkToken = new URL(link, 'http://x').searchParams.get('token')!;
    const signIn = await client.post('/signin/link', { _csrf: confirmToken, token: linkToken });
    expect(signIn.status).toBe(303);
    expect(signIn.headers.get('set-cookie')).toMatch(/pf_session=[^;]+;.*HttpOnly/i);
    expect(signIn.headers.get('set-cookie')).toMatch(/SameSite=Lax/i);
    expect(await findUserByEmail(database, 'carol@example.org')).toMatchObject({ username: 'carol' });
    expect((await client.get('/settings')).status).toBe(200);

    const again = new WebClient(app);
    const againToken = await again.csrf('/signin');
    expect((await again.get(link)).status).toBe(400);
    expect((await again.post('/signin/link', { _csrf: againToken, token: linkToken })).status).toBe(400);
    expect(again.cookies.has('pf_session')).toBe(false);
  });

  it('lets an unknown address that asked to sign in choose a username and become an account', async () => {
    const client = new WebClient(app);
    const csrf = await client.csrf('/signin');
    const before = smtp.received.length;
    expect((await client.post('/signin/email', { _csrf: csrf, email: 'Dora@Example.org' })).status).toBe(200);
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail.parsed.subject).toBe('Finish signing up to Paperfeed');
    const link = linkFrom(mail.parsed.text ?? '');
    const token = new URL(link, 'http://x').searchParams.get('token')!;
    expect(await (await client.get(link)).text()).toContain('name="username"');
    const missing = await client.post('/signin/link', { _csrf: csrf, token });
    expect(missing.status).toBe(400);
    const taken = await client.post('/signin/link', { _csrf: csrf, token, username: 'Alice' });
    expect(taken.status).toBe(400);
    expect(await taken.text()).toContain('is taken');
    const ok = await client.post('/signin/link', { _csrf: csrf, token, username: 'dora' });
    expect(ok.status).toBe(303);
    expect(await findUserByEmail(database, 'dora@example.org')).toMatchObject({ username: 'dora', role: 'user' });
  });

  it('sets Secure cookies when the public URL is https', async () => {
    const https = await appWith({ BASE_URL: 'https://papers.example.org' });
    const token = await createLoginToken(database, { email: 'alice@example.org', ttlMs: 60_000 });
    const client = new WebClient(https, 'https://papers.example.org');
    const csrf = await client.csrf('/signin');
    const res = await client.post('/signin/link', { _csrf: csrf, token });
    expect(res.status).toBe(303);
    const cookies = res.headers.getSetCookie();
    expect(cookies.find((v) => v.startsWith('pf_session='))).toMatch(/; Secure/);
  });

  it('refuses an expired link', async () => {
    const expired = await createLoginToken(database, { email: 'alice@example.org', ttlMs: 15 * 60_000 }, new Date(Date.now() - 16 * 60_000));
    const client = new WebClient(app);
    const token = await client.csrf('/signin');
    expect((await client.get(`/signin/link?token=${expired}`)).status).toBe(400);
    expect((await client.post('/signin/link', { _csrf: token, token: expired })).status).toBe(400);
    expect(client.cookies.has('pf_session')).toBe(false);
  });

  it('answers the same whether or not an account exists', async () => {
    const client = new WebClient(app);
    const token = await client.csrf('/signin');
    const before = smtp.received.length;
    const known = await client.post('/signin/email', { _csrf: token, email: 'alice@example.org' });
    const unknown = await client.post('/signin/email', { _csrf: token, email: 'nobody@example.org' });
    expect(known.status).toBe(unknown.status);
    expect((await known.text()).replaceAll('alice@example.org', 'X')).toBe((await unknown.text()).replaceAll('nobody@example.org', 'X'));
    await smtp.waitFor(before + 2);

    const wrong1 = await client.post('/signin/password', { _csrf: token, email: 'alice@example.org', password: 'wrong password' });
    const wrong2 = await client.post('/signin/password', { _csrf: token, email: 'nobody@example.org', password: 'wrong password' });
    expect(wrong1.status).toBe(401);
    expect(wrong2.status).toBe(401);
    expect(await wrong1.text()).toBe((await wrong2.text()).replaceAll('nobody@example.org', 'alice@example.org'));
  });
});

describe('user content renders inert', () => {
  it('escapes script and HTML in comments, usernames and paper titles', async () => {
    await upsertPapers(database, [
      makePaper({ id: '2601.00066', submittedAt: daysAgo(2), title: '<script>alert("title")</script><img src=x onerror=alert(1)>' }),
    ]);
    // The sign-up form refuses markup in usernames; one stored before the rule (or by another tool) still renders inert.
    const client = new WebClient(app);
    const token = await client.csrf('/signup');
    const refused = await client.post('/signup', { _csrf: token, email: 'evil@example.org', username: '<script>x</script>' });
    expect(refused.status).toBe(400);
    expect(await findUserByEmail(database, 'evil@example.org')).toBeNull();
    await database.db
      .insertInto('users')
      .values({
        id: 'evil-id',
        username: '<img src=x onerror=alert(2)>',
        username_key: 'evil',
        email: 'evil2@example.org',
        password_hash: null,
        role: 'user',
        banned_at: null,
        created_at: new Date().toISOString(),
      })
      .execute();
    await addComment(database, {
      paperId: '2601.00066',
      userId: 'evil-id',
      body: '<script>alert(3)</script> [x](javascript:alert(4)) <a href="https://e.org" onclick="alert(5)">y</a>',
    });
    const html = await (await client.get('/papers/2601.00066')).text();
    expect(html).not.toMatch(/<script>alert|<img src=x|href="javascript:|onclick="alert/);
    expect(html).toContain('&lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
    expect(html).toContain('&lt;script&gt;alert(3)&lt;/script&gt;');
    const api = await (await client.get('/api/papers/2601.00066/comments')).json();
    expect(api.comments[0].html).not.toContain('<script');
  });
});

describe('paper page panel', () => {
  it('gives anonymous visitors a cacheable page without tokens, and signed-in people a private one whose forms work', async () => {
    const anonymous = await new WebClient(app).get('/papers/2601.00001');
    expect(anonymous.status).toBe(200);
    const anonymousHtml = await anonymous.text();
    expect(anonymousHtml).toContain('id="discussion"');
    expect(anonymousHtml).not.toContain('name="_csrf"');
    expect(anonymous.headers.getSetCookie()).toEqual([]);
    expect(anonymous.headers.get('cache-control')).not.toMatch(/private|no-store/);

    // A signed-in browser without a pf_csrf cookie yet gets one with the page, and the page's forms work.
    const client = await signedIn(bob);
    const res = await client.get('/papers/2601.00001');
    expect(res.headers.get('cache-control')).toBe('private, no-store');
    expect(res.headers.getSetCookie().some((v) => v.startsWith('pf_csrf='))).toBe(true);
    const token = /name="_csrf" value="([^"]+)"/.exec(await res.text())![1];
    const before = await countVotes(database, '2601.00001');
    const vote = await client.post('/papers/2601.00001/upvote', { _csrf: token, back: '/papers/2601.00001', upvoted: 'true' });
    expect(vote.status).toBe(303);
    expect(vote.headers.get('location')).toBe('/papers/2601.00001#card-2601-00001');
    expect(await countVotes(database, '2601.00001')).toBe(before + 1);
    expect((await client.get('/papers/2601.00001/discussion')).headers.get('location')).toBe('/papers/2601.00001#discussion');
  });
});

describe('submissions', () => {
  it('answer at once: a stored paper is submitted, an unknown one queued for arXiv and recorded when it arrives, under the same rules', async () => {
    const user = await makeUser(database);
    const { token: pat } = await createApiToken(database, user.id, 'submit');
    const script = new WebClient(app);
    const submit = (value: string) => script.postJson('/api/papers/submit', { paper: value }, { authorization: `Bearer ${pat}` });
    const bad = await submit('not an id');
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.code).toBe('bad_arxiv_id');

    // Nothing is fetched while the request waits: each unknown id is queued and the answer says so.
    const lookupsBefore = arxiv.requests.length;
    const queued: Record<string, { requestId: string }> = {};
    for (const id of ['2601.09999', `https://arxiv.org/abs/${STALE_ID}`, `https://huggingface.co/papers/${FRESH_ID}`]) {
      const res = await submit(id);
      expect(res.status).toBe(202);
      const body = await res.json();
      expect(body).toMatchObject({ status: 'queued', submittedBy: user.username });
      queued[body.paper.id] = body;
    }
    expect(arxiv.requests.length).toBe(lookupsBefore);

    // The index-requests job looks them up and records what the rules allow.
    await processIndexQueue(opened[0]);
    const view = async (id: string) => indexRequestView(opened[0], queued[id].requestId);
    expect(await view(FRESH_ID)).toMatchObject({ status: 'submitted' });
    expect(await view(STALE_ID)).toMatchObject({ status: 'rejected', error: expect.stringContaining('last') });
    expect(await view('2601.09999')).toMatchObject({ status: 'missing' });
    const entry = await database.db.selectFrom('daily_entries').select('submitted_by').where('paper_id', '=', FRESH_ID).executeTakeFirst();
    expect(entry?.submitted_by).toBe(user.username);
    expect(await database.db.selectFrom('daily_entries').select('paper_id').where('paper_id', '=', STALE_ID).executeTakeFirst()).toBeUndefined();

    // Stored papers are submitted at once; the daily cap (2 here) counts the queued submission that was recorded.
    expect((await submit(FRESH_ID)).status).toBe(409);
    await seedPapers(database, ['2601.00101', '2601.00102']);
    const direct = await submit('2601.00101');
    expect(direct.status).toBe(201);
    expect(await direct.json()).toMatchObject({ status: 'submitted', paper: { id: '2601.00101' }, submittedBy: user.username });
    const capped = await submit('2601.00102');
    expect(capped.status).toBe(429);
    expect(capped.headers.get('retry-after')).toMatch(/^\d+$/);
    // Past the cap, an unknown id is refused before it is queued: it costs no lookup.
    expect((await submit('2601.05555')).status).toBe(429);
    const waiting = await database.db.selectFrom('index_requests').select('id').where('arxiv_id', '=', '2601.05555').execute();
    expect(waiting).toEqual([]);
    expect(arxiv.requests.filter((q) => q.includes('id_list=2601.00101'))).toEqual([]);
  });
});

describe('old-style arXiv ids', () => {
  it('votes, comments and reads threads on papers whose id has a slash', async () => {
    await seedPapers(database, ['hep-th/9901001']);
    const client = await signedIn(alice);
    const page = await client.get('/papers/hep-th/9901001');
    expect(page.status).toBe(200);
    const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1];
    const vote = await client.post('/papers/hep-th/9901001/upvote', { _csrf: token, upvoted: 'true' });
    expect(vote.status).toBe(303);
    expect(vote.headers.get('location')).toBe('/papers/hep-th/9901001#card-hep-th-9901001');
    const posted = await client.postJson('/api/papers/hep-th/9901001/comment', { comment: 'old but gold' }, { 'X-CSRF-Token': token });
    expect(posted.status).toBe(201);
    const thread = await (await client.get('/api/papers/hep-th/9901001/comments')).json();
    expect(thread).toMatchObject({ paperId: 'hep-th/9901001', numComments: 1, comments: [{ body: 'old but gold' }] });
    expect((await client.get('/papers/hep-th/9901001/discussion')).headers.get('location')).toBe('/papers/hep-th/9901001#discussion');
    expect(await countVotes(database, 'hep-th/9901001')).toBe(1);
  });
});

describe('settings', () => {
  it('lists sessions, signs another browser out, and issues an access token shown once', async () => {
    const laptop = await signedIn(alice);
    const phone = await signedIn(alice);
    const token = await laptop.csrf('/settings');
    const page = await (await laptop.get('/settings')).text();
    const others = [...page.matchAll(/action="\/settings\/sessions\/([^/]+)\/revoke"/g)].map((m) => m[1]);
    expect(others.length).toBeGreaterThanOrEqual(1);
    for (const id of others) expect((await laptop.post(`/settings/sessions/${id}/revoke`, { _csrf: token })).status).toBe(303);
    expect((await phone.get('/settings')).status).toBe(303);
    expect((await laptop.get('/settings')).status).toBe(200);
    // Nobody can revoke someone else's session.
    const bobClient = await signedIn(bob);
    const bobToken = await bobClient.csrf('/settings');
    const { id: aliceSession } = await createSession(database, alice.id, { ttlMs: 60_000 });
    expect((await bobClient.post(`/settings/sessions/${aliceSession}/revoke`, { _csrf: bobToken })).status).toBe(404);

    const created = await (await laptop.post('/settings/tokens', { _csrf: token, name: 'my script' })).text();
    const pat = /<code id="new-token">(pf_[A-Za-z0-9_-]{43})<\/code>/.exec(created)![1];
    expect(await (await laptop.get('/settings')).text()).not.toContain(pat);
    const res = await new WebClient(app).postJson('/api/papers/2601.00001/comment', { comment: 'from a script' }, { authorization: `Bearer ${pat}` });
    expect(res.status).toBe(201);
    expect((await res.json()).comment).toMatchObject({ author: { username: 'alice' }, body: 'from a script' });
  });
});

describe('rate limits', () => {
  it('limits sign-in attempts per address and votes per person', async () => {
    const limited = await appWith({ SIGNIN_RATE_LIMIT: '3', VOTE_RATE_LIMIT_PER_MINUTE: '2' });
    // Limits are counted in the shared store: the sign-ins of the tests above count in the same window.
    await database.db.deleteFrom('rate_limit_hits').execute();
    const client = new WebClient(limited);
    const token = await client.csrf('/signin');
    const statuses = [];
    for (let i = 0; i < 4; i++)
      statuses.push((await client.post('/signin/password', { _csrf: token, email: 'alice@example.org', password: 'nope nope nope' })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
    const voter = await signedIn(bob, limited);
    const vt = await voter.csrf('/submit');
    const votes = [];
    for (let i = 0; i < 3; i++) votes.push((await voter.post('/papers/2601.00002/upvote', { _csrf: vt, upvoted: 'true' })).status);
    expect(votes).toEqual([303, 303, 429]);
  });
});

describe('submitting while arXiv is out of reach', () => {
  it('answers at once that the paper is queued, and names a refused id under the field with what was typed kept', async () => {
    const closed = `http://127.0.0.1:${await freePort()}/api/query`;
    const offline = await appWith({ ARXIV_API_URL: closed, HTTP_MAX_RETRIES: '0', HTTP_RETRY_BASE_MS: '5' });
    const client = await signedIn(alice, offline);
    const token = await client.csrf('/submit');
    const queued = await client.post('/submit', { _csrf: token, paper: '2601.09998' });
    expect(queued.status).toBe(202);
    expect(await queued.text()).toMatch(/<p class="notice" role="status">2601\.09998 is not stored here yet: it is queued for arXiv/);
    const refused = await client.post('/submit', { _csrf: token, paper: 'not-an-id' });
    expect(refused.status).toBe(400);
    expect(await refused.text()).toMatch(
      /<form method="post" action="\/submit">[\s\S]*value="not-an-id"[\s\S]*<p id="submit-paper-error" class="field-error" role="alert">enter an arXiv id[^<]+<\/p>[\s\S]*<\/form>/,
    );
  });
});
