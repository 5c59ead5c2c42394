// People on the web, on every database kind: the API's Hugging Face people fields (validated against the OpenAPI
// document), author and organisation pages and feeds, drawn avatars for any name, claiming authorship over HTTP
// (CSRF, who may withdraw, who may decide, the audit log), and profiles with the upvote privacy setting.
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listModerationLog, setUserBanned } from '../../src/db/moderation.ts';
import { upsertPapers } from '../../src/db/papers.ts';
import { createSession } from '../../src/db/sessions.ts';
import type { User } from '../../src/db/users.ts';
import { setVote } from '../../src/db/votes.ts';
import { importPaths } from '../../src/ingest/import.ts';
import { makePaper, makeUser } from '../helpers/factory.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { fixturePath } from '../helpers/fixtures.ts';
import { WebClient } from '../helpers/web-client.ts';
import { testApp, type TestApp } from './server.ts';

const BASE = 'http://paperfeed.test';
const CLAIMABLE = '2601.00042';

function compile(doc: any) {
  const ajv = new (Ajv2020 as any)({ strict: false, allErrors: true });
  (addFormats as any)(ajv);
  ajv.addSchema({ $id: 'openapi', components: doc.components });
  return {
    paper: ajv.getSchema('openapi#/components/schemas/Paper')!,
    dailyList: ajv.compile({ type: 'array', items: { $ref: 'openapi#/components/schemas/DailyPaper' } }),
  };
}

const xml = new XMLParser({ ignoreAttributes: false });

describe.each(databaseKinds)('people on the web on %s', (kind) => {
  let database: TestDatabase;
  let app: TestApp['app'];
  let schemas: ReturnType<typeof compile>;
  let ada: User;
  let eve: User;
  let mod: User;

  const as = async (user: User) => {
    const client = new WebClient(app, BASE);
    const { token } = await createSession(database, user.id, { ttlMs: 3_600_000 });
    client.cookies.set('pf_session', token);
    return client;
  };
  const anonymous = () => new WebClient(app, BASE);
  const claimRows = async () => database.db.selectFrom('author_claims').selectAll().orderBy('created_at').execute();

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await importPaths(database, [fixturePath('../people')]);
    await upsertPapers(database, [
      makePaper({
        id: CLAIMABLE,
        title: 'A Claimable Paper',
        authors: ['Ada Lovelace', 'Charles Babbage', '<script>alert(1)</script>'],
        categories: ['cs.LG'],
      }),
    ]);
    ada = await makeUser(database, { role: 'user', username: 'ada' });
    eve = await makeUser(database, { role: 'user', username: 'eve' });
    mod = await makeUser(database, { role: 'moderator', username: 'mod' });
    ({ app } = await testApp(database, { env: { PAGE_CACHE_SECONDS: '0' } }));
    schemas = compile(await (await app.request('/api/openapi.json')).json());
  });
  afterAll(() => database.drop());

  it("returns Hugging Face's people fields, as imported and typed as Hugging Face does", async () => {
    const res = await app.request('/api/papers/2506.01001');
    const p = await res.json();
    expect(schemas.paper(p), JSON.stringify(schemas.paper.errors)).toBe(true);
    expect(p.authors[0]).toEqual({
      _id: '6841a0000000000000000001',
      name: 'Ada Lovelace',
      hidden: false,
      status: 'claimed_verified',
      statusLastChangedAt: '2025-06-05T08:00:00.000Z',
      user: {
        _id: '64abc4aa6cadc7aca585dddf',
        avatarUrl: 'https://cdn-avatars.huggingface.co/v1/production/uploads/64abc4aa/ada.png',
        isPro: true,
        fullname: 'Ada Lovelace',
        user: 'ada-l',
        type: 'user',
      },
    });
    // Avatar URLs stay as given, relative ones too; an account without an id gets a stable one.
    expect(p.authors[1]).toMatchObject({
      status: 'extracted_pending',
      user: { user: 'aturing', avatarUrl: '/avatars/d3f68c2eba04f2698402cc532779a549.svg', fullname: 'alan' },
    });
    expect(p.authors[1].user._id).toMatch(/^[0-9a-f]{24}$/);
    expect(p.authors[2]).toEqual({ _id: '6841a0000000000000000003', name: 'Grace Hopper', hidden: false });
    expect(p.authors[3]).toMatchObject({ name: 'Hidden Person', hidden: true });
    expect(p.organization).toEqual({
      _id: '67d1140985ea0644e2f14b99',
      name: 'ByteDance-Seed',
      fullname: 'ByteDance Seed',
      avatar: 'https://cdn-uploads.huggingface.co/production/uploads/6535c9e8/seed.png',
    });
    expect(p.mediaUrls).toEqual(['https://cdn-uploads.huggingface.co/production/uploads/62dae373/demo.mp4']);
    expect(p.submittedOnDailyBy).toMatchObject({
      user: 'dinobby',
      name: 'dinobby',
      fullname: 'Justin Chen',
      avatarUrl: '/avatars/8e305ac7c170d70fbf83c109789b40d9.svg',
    });

    const items = await (await app.request('/api/daily_papers?date=2025-06-05')).json();
    expect(schemas.dailyList(items), JSON.stringify(schemas.dailyList.errors)).toBe(true);
    const byId = new Map(items.map((i: any) => [i.paper.id, i]));
    const first: any = byId.get('2506.01001');
    expect(first).toMatchObject({ isAuthorParticipating: true, mediaUrls: p.mediaUrls, organization: p.organization });
    expect(first.submittedBy).toMatchObject({ name: 'dinobby', fullname: 'Justin Chen', _id: '60f1abe7544c2adfd699860c', type: 'user' });
    const second: any = byId.get('2506.01002');
    expect(second).toMatchObject({ isAuthorParticipating: false, mediaUrls: [] });
    expect(second.organization).toBeUndefined();
    expect(second.paper.authors[1]).toEqual({
      _id: '6841a0000000000000000012',
      name: 'Zheyang Xiong',
      hidden: false,
      status: 'extracted_infirmed',
      statusLastChangedAt: '2024-11-12T04:19:15.947Z',
    });
  });

  it('shows the people on the paper page: author links, claims as Hugging Face accounts, organisation, submitter, media', async () => {
    const html = await (await anonymous().get('/papers/2506.01001')).text();
    expect(html).toContain('href="/authors/ada-lovelace"');
    expect(html).toContain('href="https://huggingface.co/ada-l"');
    expect(html).toContain('ada-l on HF');
    expect(html).toContain('aturing on HF?');
    // Hugging Face hides some entries from the list of people (arXiv's record, the BibTeX, still names them).
    const people = /<ul class="authors"[^>]*>([\s\S]*?)<\/ul>/.exec(html)![1];
    expect(people).toContain('Grace Hopper');
    expect(people).not.toContain('Hidden Person');
    expect(html).toContain('href="/orgs/ByteDance-Seed"');
    expect(html).toMatch(/Justin Chen <span class="handle">@dinobby<\/span>/);
    expect(html).toContain('href="https://cdn-uploads.huggingface.co/production/uploads/62dae373/demo.mp4"');
    // No picture from another site: every image is drawn here.
    for (const [, src] of html.matchAll(/<img[^>]* src="([^"]+)"/g)) expect(src).toMatch(/^\/avatars\//);
    // Anonymous visitors get a sign-in link, not a form (their page stays cacheable).
    expect(html).toContain('to claim it');
    expect(html).not.toContain('name="_csrf"');
  });

  it('has an author page with the papers, co-authors, categories, claimants and feeds; other spellings redirect', async () => {
    const client = anonymous();
    const res = await client.get('/authors/ada-lovelace');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toMatch(/<h1>Ada Lovelace<\/h1>/);
    expect(html).toContain('2 papers');
    expect(html).toContain('href="/papers/2506.01001"');
    expect(html).toContain(`href="/papers/${CLAIMABLE}"`);
    expect(html).toContain('href="/authors/charles-babbage"');
    expect(html).toContain('href="https://huggingface.co/ada-l"');
    // The Hugging Face account that claimed "Ada Lovelace" also claimed "A. Lovelace": a separate author, linked.
    expect(html).toContain('href="/authors/a-lovelace"');
    expect(html).toContain('cs.LG');
    expect(html).toContain('href="/authors/ada-lovelace/atom.xml"');
    const moved = await client.get('/authors/Ada-LOVELACE?p=0');
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/authors/ada-lovelace?p=0');
    expect((await client.get('/authors/a-lovelace')).status).toBe(200);
    expect((await client.get('/authors/nobody-by-this-name')).status).toBe(404);
    expect((await client.get('/authors/ada-lovelace?p=x')).status).toBe(400);

    const rss = await (await client.get('/authors/ada-lovelace/rss.xml')).text();
    expect(XMLValidator.validate(rss)).toBe(true);
    const items = [xml.parse(rss).rss.channel.item].flat();
    expect(items.map((i: any) => i.link).sort()).toEqual([`${BASE}/papers/2506.01001`, `${BASE}/papers/${CLAIMABLE}`]);
    const atom = await client.get('/authors/ada-lovelace/atom.xml');
    expect(atom.headers.get('content-type')).toContain('application/atom+xml');
    expect([xml.parse(await atom.text()).feed.entry].flat()).toHaveLength(2);
    const json = await (await client.get('/authors/ada-lovelace/feed.json')).json();
    expect(json.title).toBe('Paperfeed · Papers by Ada Lovelace');
    expect(json.items).toHaveLength(2);
  });

  it('links authors from cards, and names with markup render inert', async () => {
    const html = await (await anonymous().get('/papers/date/2025-06-05')).text();
    expect(html).toContain('href="/authors/ada-lovelace"');
    const page = await (await anonymous().get(`/papers/${CLAIMABLE}`)).text();
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).not.toContain('<script>alert(1)');
    expect(page).toContain('href="/authors/script-alert-1-script"');
  });

  it('has an organisation page and feed', async () => {
    const res = await anonymous().get('/orgs/ByteDance-Seed');
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('<h1>ByteDance Seed</h1>');
    expect(html).toContain('href="/papers/2506.01001"');
    expect(html).toContain('href="https://huggingface.co/ByteDance-Seed"');
    const feed = await (await anonymous().get('/orgs/ByteDance-Seed/feed.json')).json();
    expect(feed.items.map((i: any) => i.id)).toEqual([`${BASE}/papers/2506.01001`]);
    expect((await anonymous().get('/orgs/Nobody')).status).toBe(404);
  });

  it('draws an avatar for any name, never 404, as SVG with a CSP and validators', async () => {
    const client = anonymous();
    for (const name of [
      'Ada Lovelace',
      '',
      '🙂',
      'محمد علي',
      '<script>alert(1)</script>',
      '"><img src=x>',
      'd3f68c2eba04f2698402cc532779a549',
      'x'.repeat(300),
    ]) {
      const res = await client.get(`/avatars/${encodeURIComponent(name)}.svg`);
      expect(res.status, name).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/svg+xml');
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      const body = await res.text();
      expect(XMLValidator.validate(body), name).toBe(true);
      expect(body).not.toMatch(/<script|<img|onerror/i);
      const again = await client.get(`/avatars/${encodeURIComponent(name)}.svg`, { 'if-none-match': res.headers.get('etag')! });
      expect(again.status).toBe(304);
    }
    expect((await client.get('/avatars/nobody.png')).status).toBe(404);
  });

  it('pages load images from this site only', async () => {
    const res = await anonymous().get('/');
    expect(res.headers.get('content-security-policy')).toContain("img-src 'self' data:");
  });

  it('claims authorship with a CSRF-protected form; only the claimant withdraws; only moderators decide; all logged', async () => {
    const adaClient = await as(ada);
    const page = await (await adaClient.get(`/papers/${CLAIMABLE}`)).text();
    expect(page).toContain(`action="/papers/${CLAIMABLE}/claims"`);
    expect(page).toMatch(/<option value="0">Ada Lovelace<\/option>/);
    const token = /name="_csrf" value="([^"]+)"/.exec(page)![1];

    // No token, a wrong token, or nobody signed in: refused, nothing stored.
    expect((await adaClient.post(`/papers/${CLAIMABLE}/claims`, { position: '0' })).status).toBe(403);
    expect((await adaClient.post(`/papers/${CLAIMABLE}/claims`, { position: '0', _csrf: 'x' + token })).status).toBe(403);
    const anon = anonymous();
    const anonToken = await anon.csrf('/signin');
    expect((await anon.post(`/papers/${CLAIMABLE}/claims`, { position: '0', _csrf: anonToken })).status).toBe(401);
    expect(await claimRows()).toHaveLength(0);

    const filed = await adaClient.post(`/papers/${CLAIMABLE}/claims`, { position: '0', _csrf: token });
    expect(filed.status).toBe(303);
    expect(filed.headers.get('location')).toBe(`/papers/${CLAIMABLE}#claim`);
    const [claim] = await claimRows();
    expect(claim).toMatchObject({ paper_id: CLAIMABLE, position: 0, user_id: ada.id, status: 'pending', author_key: 'ada lovelace' });
    expect(await (await adaClient.get(`/papers/${CLAIMABLE}`)).text()).toContain('waits for a moderator');
    // Pending claims are not public.
    expect((await (await app.request(`/api/papers/${CLAIMABLE}`)).json()).authors[0].status).toBeUndefined();

    // Someone else cannot withdraw it, nor can a non-moderator decide it.
    const eveClient = await as(eve);
    const eveToken = await eveClient.csrf('/settings');
    expect((await eveClient.post(`/claims/${claim.id}/withdraw`, { _csrf: eveToken })).status).toBe(403);
    expect((await eveClient.post(`/mod/claims/${claim.id}/approve`, { _csrf: eveToken })).status).toBe(403);
    expect((await eveClient.get('/mod')).status).toBe(403);

    // The moderator sees it on the desk and approves it.
    const modClient = await as(mod);
    const desk = await (await modClient.get('/mod')).text();
    expect(desk).toContain('Authorship claims');
    expect(desk).toContain(`action="/mod/claims/${claim.id}/approve"`);
    const modToken = /name="_csrf" value="([^"]+)"/.exec(desk)![1];
    expect((await modClient.post(`/mod/claims/${claim.id}/approve`, { reason: 'ok' })).status).toBe(403);
    const approved = await modClient.post(`/mod/claims/${claim.id}/approve`, { _csrf: modToken, reason: 'same affiliation' });
    expect(approved.status).toBe(200);
    expect(await approved.text()).toContain('approved');
    const again = await modClient.post(`/mod/claims/${claim.id}/reject`, { _csrf: modToken });
    expect(again.status).toBe(409);
    expect((await listModerationLog(database)).filter((e) => e.targetType === 'claim')).toEqual([
      expect.objectContaining({ action: 'approve_claim', targetId: claim.id, actor: 'mod', reason: 'same affiliation' }),
    ]);

    // Approved: on the paper (API and page), the author page and the profile.
    const api = await (await app.request(`/api/papers/${CLAIMABLE}`)).json();
    expect(schemas.paper(api)).toBe(true);
    expect(api.authors[0]).toMatchObject({
      status: 'claimed_verified',
      user: { user: 'ada', fullname: 'ada', isPro: false, type: 'user', avatarUrl: `${BASE}/avatars/ada.svg` },
    });
    expect(api.authors[0].statusLastChangedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    const paperPage = await (await anonymous().get(`/papers/${CLAIMABLE}`)).text();
    expect(paperPage).toContain('href="/u/ada"');
    expect(await (await anonymous().get('/authors/ada-lovelace')).text()).toContain('href="/u/ada"');
    expect(await (await anonymous().get('/u/ada')).text()).toContain(`href="/papers/${CLAIMABLE}"`);

    // Only the claimant withdraws, and then the claim is gone from the paper.
    const adaToken = await adaClient.csrf('/settings');
    const withdrawn = await adaClient.post(`/claims/${claim.id}/withdraw`, { _csrf: adaToken, back: '/u/ada' });
    expect(withdrawn.status).toBe(303);
    expect(withdrawn.headers.get('location')).toBe('/u/ada');
    expect((await (await app.request(`/api/papers/${CLAIMABLE}`)).json()).authors[0].status).toBeUndefined();
  });

  it('a banned person cannot claim', async () => {
    const mallory = await makeUser(database, { role: 'user', username: 'mallory' });
    const client = await as(mallory);
    const token = await client.csrf('/settings');
    expect(await (await client.get(`/papers/${CLAIMABLE}`)).text()).toContain(`action="/papers/${CLAIMABLE}/claims"`);
    await setUserBanned(database, mod.id, mallory.id, true);
    // The ban ended the session, so the form's token no longer matches either: refused before anything is read.
    const res = await client.post(`/papers/${CLAIMABLE}/claims`, { position: '1', _csrf: token });
    expect([401, 403]).toContain(res.status);
    expect((await claimRows()).filter((c) => c.user_id === mallory.id)).toHaveLength(0);
  });

  it('profiles hide upvotes until the person shows them in settings; the owner always sees theirs', async () => {
    await setVote(database, eve.id, '2506.01002', true);
    const eveClient = await as(eve);
    const own = await (await eveClient.get('/u/eve')).text();
    expect(own).toContain('Upvoted papers');
    expect(own).toContain('Only you see this list');
    expect(await (await anonymous().get('/u/eve')).text()).not.toContain('Upvoted papers');

    const settings = await (await eveClient.get('/settings')).text();
    expect(settings).toMatch(/<input type="checkbox" name="showUpvotes"\s*\/?>/);
    const token = /name="_csrf" value="([^"]+)"/.exec(settings)![1];
    expect((await eveClient.post('/settings/profile', { showUpvotes: 'on' })).status).toBe(403);
    expect((await eveClient.post('/settings/profile', { showUpvotes: 'on', _csrf: token })).status).toBe(200);
    const shown = await (await anonymous().get('/u/eve')).text();
    expect(shown).toContain('Upvoted papers');
    expect(shown).toContain('href="/papers/2506.01002"');
    expect(await (await eveClient.get('/settings')).text()).toMatch(/name="showUpvotes" checked/);

    expect((await eveClient.post('/settings/profile', { _csrf: token })).status).toBe(200);
    expect(await (await anonymous().get('/u/eve')).text()).not.toContain('Upvoted papers');
    const moved = await anonymous().get('/users/eve');
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe('/u/eve');
  });
});
