// HTTP behaviour shared by pages, API and feeds: security headers, validators and 304s, Cache-Control, and the
// in-process page cache (anonymous only, ≤ 5 s, never for signed-in visitors or responses that set cookies).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { createPageCache } from '../../src/web/http/page-cache.ts';
import { createSession } from '../../src/db/sessions.ts';
import { makeUser } from '../helpers/factory.ts';
import { FIXED_NOW, seedFixtures } from './fixtures.ts';
import { startTestServer, testApp } from './server.ts';
import { StoreMemo } from '../../src/db/memo.ts';

const URLS = {
  page: '/papers/date/2025-06-06',
  paper: '/papers/2506.06001',
  api: '/api/daily_papers?date=2025-06-06',
  apiPaper: '/api/papers/2506.06001',
  feed: '/papers/date/2025-06-06/atom.xml',
};

describe('HTTP headers, validators and caching', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await seedFixtures(db);
  });
  afterAll(() => db.drop());

  it('reads the store change counter once per GET request on every listing page, feed and API list, anonymous and signed in', async () => {
    // Each counter read is a statement (a round trip on PostgreSQL); a route that read it for each memoised part
    // paid two or three (docs/performance.md).
    let reads = 0;
    const counted = { ...db, memo: new StoreMemo(() => (reads++, db.memo.version())) };
    const server = await startTestServer(counted, { now: FIXED_NOW, env: { PAGE_CACHE_SECONDS: '0' } });
    try {
      const { token } = await createSession(db, (await makeUser(db)).id, { ttlMs: 60_000 });
      const routes = [
        '/',
        URLS.page,
        '/papers/week/2025-W23',
        '/papers/trending',
        URLS.paper,
        URLS.api,
        '/api/daily_papers',
        URLS.feed,
        '/feeds/daily/rss.xml',
        '/papers/trending/atom.xml',
        '/feeds/category/cs.CV/rss.xml',
        '/feeds',
      ];
      for (const cookie of [undefined, `pf_session=${token}`]) {
        for (const route of routes) {
          reads = 0;
          const res = await fetch(server.url + route, { headers: cookie ? { cookie } : {} });
          expect(res.status, route).toBe(200);
          await res.arrayBuffer();
          expect(reads, `${route}${cookie ? ', signed in' : ''}`).toBe(1);
        }
      }
    } finally {
      await server.close();
    }
  });

  it('sends security headers and a strict CSP on every kind of response', async () => {
    const { app } = await testApp(db, { now: FIXED_NOW });
    // Twice each: the second answer of a cacheable URL comes from the page cache and must carry the same headers.
    for (const url of [...Object.values(URLS), ...Object.values(URLS), '/no/such/page', '/api/papers/2506.99999']) {
      const res = await app.request(url);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp, url).toContain("default-src 'none'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(csp).toContain("frame-ancestors 'none'");
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('referrer-policy')).toBe('strict-origin-when-cross-origin');
    }
    // HSTS only when the site is served over HTTPS.
    expect((await app.request('/')).headers.get('strict-transport-security')).toBeNull();
    const https = (await testApp(db, { now: FIXED_NOW, env: { BASE_URL: 'https://papers.example' } })).app;
    expect((await https.request('/')).headers.get('strict-transport-security')).toContain('max-age=');
  });

  it('pages carry no inline script and no inline style', async () => {
    const { app } = await testApp(db, { now: FIXED_NOW });
    for (const url of ['/', URLS.paper, '/papers/trending']) {
      const html = await (await app.request(url)).text();
      // The only script element without src is the JSON-LD data block, which CSP does not execute.
      for (const m of html.matchAll(/<script(?![^>]*\bsrc=)([^>]*)>/g)) expect(m[1]).toContain('application/ld+json');
      expect(html).not.toMatch(/<style|\sstyle="/);
    }
  });

  it('answers 304 to If-None-Match and If-Modified-Since, and 200 when the validator is stale', async () => {
    const { app } = await testApp(db, { now: FIXED_NOW, env: { PAGE_CACHE_SECONDS: '0' } });
    for (const [name, url] of Object.entries(URLS)) {
      const first = await app.request(url);
      expect(first.status, name).toBe(200);
      const etag = first.headers.get('etag')!;
      const lastModified = first.headers.get('last-modified')!;
      expect(etag, name).toMatch(/^"[\w-]+"$/);
      expect(lastModified, name).toMatch(/GMT$/);
      expect(first.headers.get('cache-control'), name).toMatch(/max-age=\d+/);
      const byTag = await app.request(url, { headers: { 'If-None-Match': etag } });
      expect(byTag.status, name).toBe(304);
      expect(await byTag.text()).toBe('');
      expect(byTag.headers.get('etag')).toBe(etag);
      expect((await app.request(url, { headers: { 'If-None-Match': `W/${etag}` } })).status).toBe(304);
      expect((await app.request(url, { headers: { 'If-None-Match': '"stale"' } })).status).toBe(200);
      expect((await app.request(url, { headers: { 'If-Modified-Since': lastModified } })).status, name).toBe(304);
      expect((await app.request(url, { headers: { 'If-Modified-Since': 'Thu, 01 Jan 2015 00:00:00 GMT' } })).status).toBe(200);
    }
  });

  it('uses public caching for anonymous pages and private caching for signed-in ones', async () => {
    const { app } = await testApp(db, { now: FIXED_NOW });
    expect((await app.request('/')).headers.get('cache-control')).toBe('public, max-age=5');
    // A cookie that signs nobody in leaves the request anonymous.
    expect((await app.request('/', { headers: { Cookie: 'pf_session=abc' } })).headers.get('cache-control')).toBe('public, max-age=5');
    const { token } = await createSession(db, (await makeUser(db)).id, { ttlMs: 60_000 });
    const personal = await app.request('/', { headers: { Cookie: `pf_session=${token}` } });
    // The signed-in copy carries vote and save forms, whose CSRF token makes it no-store.
    expect(personal.headers.get('cache-control')).toBe('private, no-store');
    expect(personal.headers.get('vary')).toContain('Cookie');
    expect((await app.request('/assets/nothing.css')).status).toBe(404);
  });

  it('serves a new upvote within the cache lifetime, and at once to signed-in visitors', async () => {
    const { app } = await testApp(db, { now: FIXED_NOW, env: { PAGE_CACHE_SECONDS: '1' } });
    const { token } = await createSession(db, (await makeUser(db)).id, { ttlMs: 60_000 });
    const upvotesOf = async (headers: Record<string, string> = {}) => {
      const items = await (await app.request('/api/daily_papers?date=2025-06-02', { headers })).json();
      return items.find((i: any) => i.paper.id === '2506.02000').paper.upvotes;
    };
    const before = await upvotesOf();
    await db.db.updateTable('papers').set({ community_upvotes: 10 }).where('id', '=', '2506.02000').execute();
    // Within the lifetime the cached body is served (this is what makes the home page cheap)...
    expect(await upvotesOf()).toBe(before);
    // ...but never to someone signed in, who sees their vote immediately...
    expect(await upvotesOf({ Cookie: `theme=dark; pf_session=${token}` })).toBe(before + 10);
    // ...and everyone sees it once the lifetime (here 1 s; at most 5 s by configuration) has passed.
    await new Promise((r) => setTimeout(r, 1100));
    expect(await upvotesOf()).toBe(before + 10);
  });

  it('shows a signed-in person their name, never from the shared cache, while anonymous visitors keep the cached page', async () => {
    const { app } = await testApp(db, { now: FIXED_NOW });
    const user = await makeUser(db, { username: 'ada_lovelace' });
    const { token } = await createSession(db, user.id, { ttlMs: 60_000 });
    for (const url of ['/', '/papers/trending', '/papers/2506.06001', '/feeds']) {
      const anonymous = await (await app.request(url)).text();
      expect(anonymous, url).toContain('>Sign in</a>');
      const signedIn = await app.request(url, { headers: { Cookie: `pf_session=${token}` } });
      const body = await signedIn.text();
      expect(body, url).toContain('>ada_lovelace</a>');
      expect(body).not.toContain('>Sign in</a>');
      expect(signedIn.headers.get('cache-control')).toMatch(/private/);
      // The anonymous copy in the cache was not replaced by the personal one.
      expect(await (await app.request(url)).text()).not.toContain('ada_lovelace');
    }
  });

  it('renders a page asked for by many at once only once, and each asker gets it', async () => {
    let renders = 0;
    const cache = createPageCache({ ttlMs: 60_000, maxEntries: 10, isPersonal: () => false });
    const app = new Hono();
    app.use('*', cache.middleware);
    app.get('/slow', async (c) => {
      renders++;
      await new Promise((r) => setTimeout(r, 50));
      return c.text('expensive', 200, { ETag: '"s"' });
    });
    app.get('/error', async (c) => {
      renders++;
      await new Promise((r) => setTimeout(r, 20));
      return c.text('nope', 500);
    });
    const bodies = await Promise.all(Array.from({ length: 8 }, async () => (await app.request('/slow')).text()));
    expect(bodies).toEqual(Array(8).fill('expensive'));
    expect(renders).toBe(1);
    // A render that cannot be stored is no use to the others: each renders its own.
    renders = 0;
    const statuses = await Promise.all(Array.from({ length: 3 }, async () => (await app.request('/error')).status));
    expect(statuses).toEqual([500, 500, 500]);
    expect(renders).toBe(3);
  });

  it('keeps only entries still within their lifetime: expired ones are dropped as new ones come', async () => {
    let now = 0;
    const cache = createPageCache({ ttlMs: 5_000, maxEntries: 2_000, isPersonal: () => false, now: () => now });
    const app = new Hono();
    app.use('*', cache.middleware);
    app.get('/p/:n', (c) => c.text(`page ${c.req.param('n')}`, 200, { ETag: '"p"' }));
    for (let n = 0; n < 100; n++) await app.request(`/p/${n}`);
    expect(cache.size()).toBe(100);
    now = 4_000;
    await app.request('/p/100');
    expect(cache.size()).toBe(101);
    // A soak over thousands of pages would otherwise hold up to maxEntries of them long after they can be served.
    now = 5_000;
    await app.request('/p/101');
    expect(cache.size()).toBe(2);
    expect(await (await app.request('/p/100')).text()).toBe('page 100');
  });

  it('never stores responses that set cookies, are private, are errors or lack an ETag, and keys by full URL', async () => {
    let renders = 0;
    const cache = createPageCache({ ttlMs: 60_000, maxEntries: 10, isPersonal: (c) => c.req.header('x-personal') === '1' });
    const app = new Hono();
    app.use('*', cache.middleware);
    app.get('/plain', (c) => c.text(`render ${++renders}`, 200, { ETag: '"x"' }));
    app.get('/cookie', (c) => c.text(`render ${++renders}`, 200, { ETag: '"c"', 'Set-Cookie': 'pf_csrf=1' }));
    app.get('/private', (c) => c.text(`render ${++renders}`, 200, { ETag: '"p"', 'Cache-Control': 'private, no-store' }));
    app.get('/missing', (c) => c.text(`render ${++renders}`, 404, { ETag: '"m"' }));
    app.get('/no-etag', (c) => c.text(`render ${++renders}`));
    for (const url of ['/cookie', '/private', '/missing', '/no-etag']) {
      const a = await (await app.request(url)).text();
      const b = await (await app.request(url)).text();
      expect(a, url).not.toBe(b);
    }
    const a = await (await app.request('/plain?x=1')).text();
    expect(await (await app.request('/plain?x=1')).text()).toBe(a);
    expect(await (await app.request('/plain?x=2')).text()).not.toBe(a);
    expect((await app.request('/plain?x=1', { headers: { 'If-None-Match': '"x"' } })).status).toBe(304);
    expect(await (await app.request('/plain?x=1', { headers: { 'x-personal': '1' } })).text()).not.toBe(a);
  });
});
