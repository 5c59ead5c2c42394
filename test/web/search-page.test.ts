// The search page and "index any arXiv paper" over real HTTP, on the fixture corpus plus a few papers made for names:
// an exact arXiv id redirects, an id not stored is offered for indexing (a CSRF-protected form for signed-in people,
// POST /api/papers/index for scripts, both limited by the index-request queue), spelling corrections offer the
// other query, a typed name offers "Papers by NAME", hits show the listings' card with "In short" and keyphrases,
// and the total and sort=date count only papers matching most of the query.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiToken, createSession } from '../../src/db/sessions.ts';
import { getPaper, upsertPapers } from '../../src/db/papers.ts';
import { indexRequestView } from '../../src/jobs/index-requests.ts';
import { importCorpus } from '../helpers/corpus.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { makePaper, makeUser } from '../helpers/factory.ts';
import { WebClient } from '../helpers/web-client.ts';
import { startTestServer, type TestServer } from './server.ts';

const LECUN = ['2506.70001', '2506.70002', '2506.70003'];
const NOT_STORED = '2512.99999';
/** A corpus paper with an imported Hugging Face ai_summary, a GitHub repository with stars, upvotes and comments. */
const HF_PAPER = '2506.00214';

describe.each(databaseKinds)('search page over HTTP (%s)', (kind) => {
  let database: TestDatabase;
  let server: TestServer;
  let bearer: string;
  let session: string;

  beforeAll(async () => {
    database = await createTestDatabase(kind);
    await importCorpus(database);
    await upsertPapers(database, [
      ...LECUN.map((id, i) =>
        makePaper({
          id,
          title: `Energy-based world models ${i}`,
          abstract: 'We learn world models with joint embedding predictive architectures from video.',
          authors: ['Yann LeCun', 'Ada Lovelace'],
        }),
      ),
      // Yann as a surname and LeCun in an abstract: words of the name, not the name.
      makePaper({
        id: '2506.70004',
        title: 'Convolutional networks revisited',
        abstract: 'Following LeCun, we revisit convolutional networks for digits.',
        authors: ['Rui Yann'],
      }),
    ]);
    server = await startTestServer(database, { env: { PAGE_CACHE_SECONDS: '0', INDEX_REQUESTS_PER_HOUR: '3', INDEX_REQUESTS_PER_HOUR_TOTAL: '5' } });
    await server.services.search.refresh();
    const user = await makeUser(database);
    bearer = (await createApiToken(database, user.id, 'test')).token;
    session = (await createSession(database, (await makeUser(database)).id, { ttlMs: 3_600_000 })).token;
  });
  afterAll(async () => {
    await server?.close();
    await database?.drop();
  });

  const client = () => new WebClient(server.url);
  const signedIn = () => {
    const c = client();
    c.cookies.set('pf_session', session);
    return c;
  };
  const page = async (query: string) => {
    const res = await client().get(`/search?${new URLSearchParams({ q: query })}`);
    expect(res.status).toBe(200);
    return res.text();
  };

  it('an exact arXiv id, in any form, redirects to the paper (303); the API lists it first', async () => {
    for (const form of [
      HF_PAPER,
      `arXiv:${HF_PAPER}v1`,
      `https://arxiv.org/abs/${HF_PAPER}v1`,
      `https://huggingface.co/papers/${HF_PAPER}`,
      `10.48550/arXiv.${HF_PAPER}`,
    ]) {
      const res = await client().get(`/search?${new URLSearchParams({ q: form })}`);
      expect(res.status, form).toBe(303);
      expect(res.headers.get('location'), form).toBe(`/papers/${HF_PAPER}`);
    }
    const api = await (await client().get(`/api/papers/search?q=${encodeURIComponent(`https://arxiv.org/pdf/${HF_PAPER}v2`)}`)).json();
    expect(api.map((i: { paper: { id: string } }) => i.paper.id)).toEqual([HF_PAPER]);
  });

  it('an id not stored says so: a sign-in link for visitors, an "Index this paper" form for signed-in people', async () => {
    const anonymous = await page(NOT_STORED);
    expect(anonymous).toContain(`<h2 id="search-total" class="search-total">arXiv:${NOT_STORED} is not in Paperfeed yet</h2>`);
    expect(anonymous).toContain(`/signin?next=${encodeURIComponent(`/search?q=${NOT_STORED}`)}`);
    expect(anonymous).not.toContain('action="/search/index"');
    const html = await (await signedIn().get(`/search?q=${NOT_STORED}`)).text();
    expect(html).toMatch(/<form method="post" action="\/search\/index"/);
    expect(html).toContain(`name="arxivId" value="${NOT_STORED}"`);
    expect(html).toMatch(/name="_csrf" value="[^"]+"/);
  });

  it('the form queues the paper (CSRF required, sign-in required) and the page says when it should appear', async () => {
    const id = '2512.99001';
    const person = signedIn();
    const token = await person.csrf(`/search?q=${id}`);
    expect((await person.post('/search/index', { arxivId: id })).status).toBe(403); // no token
    const anonymous = client();
    const anonymousToken = await anonymous.csrf('/signin');
    expect((await anonymous.post('/search/index', { arxivId: id, _csrf: anonymousToken })).status).toBe(401);
    const res = await person.post('/search/index', { arxivId: id, _csrf: token });
    expect(res.status).toBe(202);
    const html = await res.text();
    expect(html).toMatch(/Asked for: it is number 1 in the queue/);
    expect(html).not.toContain('action="/search/index"');
    const stored = await person.post('/search/index', { arxivId: HF_PAPER, _csrf: token });
    expect(stored.status).toBe(303);
    expect(stored.headers.get('location')).toBe(`/papers/${HF_PAPER}`);
    const bad = await person.post('/search/index', { arxivId: 'not an id', _csrf: token });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toMatch(/enter an arXiv id such as/);
  });

  it('POST /api/papers/index: a token or a session with its CSRF header; 202 queued with an estimate, 200 when stored', async () => {
    const api = client();
    const auth = { authorization: `Bearer ${bearer}` };
    // Without credentials the CSRF check answers first, as for every unsafe request (src/web/security/csrf.ts).
    expect((await api.postJson('/api/papers/index', { arxivId: '2512.99002' })).status).toBe(403);
    const queued = await api.postJson('/api/papers/index', { arxivId: 'https://arxiv.org/abs/2512.99002v3' }, auth);
    expect(queued.status).toBe(202);
    const body = await queued.json();
    expect(body).toMatchObject({ status: 'queued', arxivId: '2512.99002', position: expect.any(Number), url: `${server.config.baseUrl}/papers/2512.99002` });
    expect(body.estimatedAt === null || !Number.isNaN(Date.parse(body.estimatedAt))).toBe(true);
    expect((await indexRequestView(server.services, body.requestId))?.status).toBe('queued');
    const stored = await api.postJson('/api/papers/index', { arxivId: `arXiv:${HF_PAPER}` }, auth);
    expect(stored.status).toBe(200);
    expect(await stored.json()).toMatchObject({ status: 'stored', arxivId: HF_PAPER });

    const person = signedIn();
    const token = await person.csrf(`/search?q=${NOT_STORED}`);
    expect((await person.postJson('/api/papers/index', { arxivId: '2512.99003' })).status).toBe(403);
    expect((await person.postJson('/api/papers/index', { arxivId: '2512.99003' }, { 'X-CSRF-Token': token })).status).toBe(202);
  });

  it('POST /api/papers/index refuses bad input with a clear 400', async () => {
    const auth = { authorization: `Bearer ${bearer}` };
    const cases: [unknown, RegExp][] = [
      [{ arxivId: 'transformers' }, /enter an arXiv id such as 2406\.01234/],
      [{}, /arxivId/],
      [{ arxivId: 42 }, /arxivId/],
      [{ arxivId: '2512.99004', extra: true }, /extra/],
    ];
    for (const [body, message] of cases) {
      const res = await client().postJson('/api/papers/index', body, auth);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(JSON.stringify(await res.json()), JSON.stringify(body)).toMatch(message);
    }
    const broken = await client().request('/api/papers/index', {
      method: 'POST',
      body: '{"arxivId":',
      headers: { 'content-type': 'application/json', ...auth },
    });
    expect(broken.status).toBe(400);
  });

  it('limits requests per person and overall: 429 with Retry-After and a message', async () => {
    // The token's owner has asked for one paper (2512.99002); the limit is 3 an hour per person.
    const auth = { authorization: `Bearer ${bearer}` };
    for (const id of ['2512.99005', '2512.99006']) expect((await client().postJson('/api/papers/index', { arxivId: id }, auth)).status).toBe(202);
    const mine = await client().postJson('/api/papers/index', { arxivId: '2512.99007' }, auth);
    expect(mine.status).toBe(429);
    expect(Number(mine.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.stringify(await mine.json())).toMatch(/you can ask for 3 papers an hour/);
    // Five accepted in all (the form's 99001, the token's 99002, 99005 and 99006, the session's 99003): the overall limit.
    const other = await createApiToken(database, (await makeUser(database)).id, 'other');
    const all = await client().postJson('/api/papers/index', { arxivId: '2512.99008' }, { authorization: `Bearer ${other.token}` });
    expect(all.status).toBe(429);
    expect(JSON.stringify(await all.json())).toMatch(/too many papers were asked for in the last hour/);
    // The page's form says the same, as a page.
    const person = signedIn();
    const token = await person.csrf(`/search?q=${NOT_STORED}`);
    const form = await person.post('/search/index', { arxivId: '2512.99009', _csrf: token });
    expect(form.status).toBe(429);
    expect(await form.text()).toMatch(/role="alert">too many papers were asked for in the last hour/);
  });

  it('a misspelt query shows results for the correction and links to the query as typed, which offers "Did you mean"', async () => {
    const corrected = await page('difusion models');
    expect(corrected).toMatch(
      /Showing results for <strong><a href="[^"]*">diffusion models<\/a><\/strong> · search instead for <a href="\/search\?q=difusion\+models&amp;spelling=off">difusion models<\/a>/,
    );
    expect(corrected).toMatch(/<mark>[Dd]iffusion<\/mark>/);
    const api = await client().get('/api/papers/search?q=difusion+models');
    expect(api.headers.get('x-search-corrected')).toBe('diffusion%20models');
    const typed = await (await client().get('/search?q=difusion+models&spelling=off')).text();
    expect(typed).toMatch(/Did you mean <a href="\/search\?q=diffusion\+models">diffusion models<\/a>\?/);
  });

  it('a typed name offers "Papers by NAME (N papers)" linking to the author page, and lists that name first', async () => {
    const html = await page('yann lecun');
    expect(html).toMatch(/Papers by <a href="\/authors\/[^"]+">Yann LeCun<\/a> \(3 papers\)/);
    const ids = [...html.matchAll(/<h3 id="t-[^"]+"><a href="\/papers\/([^"]+)"/g)].map((m) => m[1]);
    expect(ids.slice(0, 3).sort()).toEqual(LECUN);
    const href = /Papers by <a href="([^"]+)"/.exec(html)![1];
    const author = await client().get(href);
    expect(author.status).toBe(200);
    const authorPage = await author.text();
    for (const id of LECUN) expect(authorPage).toContain(`/papers/${id}`);
  });

  it('hits use the listings card (upvotes, comments, code and stars) with "In short" and keyphrase chips', async () => {
    const html = await page('consistency distillation few-step diffusion');
    const card = html.slice(html.indexOf('<li class="paper-card"'), html.indexOf('</li>', html.indexOf('<li class="paper-card"')));
    expect(card).toContain(`/papers/${HF_PAPER}`);
    // As on the listings: the upvote control (a sign-in link here, anonymous) with the count, and a save.
    expect(card).toContain('aria-label="Sign in to upvote (57 upvotes)">▲ <span class="count">57</span></a>');
    expect(card).toMatch(/6 on Hugging Face/); // imported comments, shown apart from the ones written here
    expect(card).toMatch(/code \(1\.2k ★\)/);
    const paper = (await getPaper(database, HF_PAPER))!;
    expect(card).toContain(`<strong>In short:</strong> ${paper.aiSummary!.replace(/&/g, '&amp;')}`);
    expect(card).toMatch(/<ul class="keyphrases" aria-label="Keywords"><li><a href="\/search\?q=%22/);
  });

  it('a paper without an imported summary shows the extracted TL;DR, labelled, on hits and on its page', async () => {
    const id = LECUN[0];
    const paper = (await getPaper(database, id))!;
    expect(paper.aiSummary).toBeNull();
    expect(paper.tldr).toBeTruthy();
    const html = await page('joint embedding predictive architectures');
    expect(html).toContain(`<strong>In short (extracted):</strong> ${paper.tldr}`);
    const own = await (await client().get(`/papers/${id}`)).text();
    expect(own).toMatch(/<h2 id="in-short">In short<\/h2><p>[^<]+<\/p><p class="muted small">Extracted:/);
  });

  it('the total counts papers matching most of the query; sort=date lists only those, newest first', async () => {
    const q = 'diffusion models for weather nowcasting';
    const relevance = await client().get(`/api/papers/search?${new URLSearchParams({ q, limit: '100' })}`);
    const anyWord = Number(relevance.headers.get('x-total-count'));
    const most = Number(relevance.headers.get('x-matching-count'));
    expect(most).toBeGreaterThan(0);
    expect(most).toBeLessThan(anyWord);
    const byDate = await client().get(`/api/papers/search?${new URLSearchParams({ q, limit: '100', sort: 'date' })}`);
    const items: { paper: { title: string; summary: string; publishedAt: string } }[] = await byDate.json();
    expect(items.length).toBe(most);
    for (const { paper } of items) {
      const words = ['diffusion', 'model', 'weather', 'nowcast'].filter((w) => `${paper.title} ${paper.summary}`.toLowerCase().includes(w));
      expect(words.length, paper.title).toBeGreaterThanOrEqual(2);
    }
    const dates = items.map((i) => i.paper.publishedAt);
    expect(dates).toEqual([...dates].sort().reverse());
    const html = await page(q);
    expect(html).toContain(`<h2 id="search-total" class="search-total">${most} papers contain most of these words</h2>`);
  });

  it('the canonical URL keeps the query; the query box is a textarea holding it', async () => {
    const html = await (await client().get('/search?q=masked+discrete+diffusion&sort=date')).text();
    expect(html).toContain(`<link rel="canonical" href="${server.config.baseUrl}/search?q=masked+discrete+diffusion&amp;sort=date"`);
    expect(html).toMatch(/<textarea id="search-q" name="q"[^>]*>masked discrete diffusion<\/textarea>/);
  });
});
