// What independent clients see, over real HTTP on a listening socket: feed autodiscovery, the sitemap index
// (parsed as XML), a paper's BibTeX (read by two BibTeX parsers) and Markdown, CORS for browser apps on other
// origins (raw preflights, and a real Chromium fetching across origins), gzip/brotli with ETags that still
// validate, ETags on every read, the PNG share card and Highwire citation meta, and the API's one rule for
// parameters and errors.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import zlib from 'node:zlib';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { createApiToken } from '../../src/db/sessions.ts';
import { periodContaining } from '../../src/domain/periods.ts';
import { ERROR_CODES } from '../../src/errors.ts';
import { SITEMAP_MAX_URLS } from '../../src/web/site/sitemap.ts';
import { readWithCitationJs, readWithRetorquere } from '../helpers/bibtex-readers.ts';
import { hasChromium, launchChromium } from '../helpers/browser.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { makeUser } from '../helpers/factory.ts';
import { errorsOf, openApiSchemas } from '../helpers/openapi.ts';
import { FIXED_NOW, HIDDEN_ID, OLD_STYLE_ID, seedFixtures, XSS_ID, XSS_TITLE, type Fixtures } from './fixtures.ts';
import { startTestServer, type TestServer } from './server.ts';

const BASE = 'http://paperfeed.test';
const PAPER = '2506.06001';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  /** The bytes as sent (still compressed when Content-Encoding says so). */
  body: Buffer;
}

/** One request with node:http, which (unlike fetch) neither adds Accept-Encoding nor decompresses. */
function raw(server: TestServer, path: string, headers: Record<string, string> = {}, method = 'GET'): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${server.url}${path}`, { method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

function decoded(res: RawResponse): string {
  const coding = res.headers['content-encoding'];
  const bytes = coding === 'br' ? zlib.brotliDecompressSync(res.body) : coding === 'gzip' ? zlib.gunzipSync(res.body) : res.body;
  return bytes.toString('utf8');
}

const localPath = (url: string) => {
  expect(url.startsWith(BASE), url).toBe(true);
  return url.slice(BASE.length);
};

describe('for clients, over a real socket', () => {
  let db: TestDatabase;
  let server: TestServer;
  let uncached: TestServer;

  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await seedFixtures(db);
    server = await startTestServer(db, { now: FIXED_NOW });
    uncached = await startTestServer(db, { now: FIXED_NOW, env: { PAGE_CACHE_SECONDS: '0' } });
    await server.services.search.refresh();
    await uncached.services.search.refresh();
  });
  afterAll(async () => {
    await server.close();
    await uncached.close();
    await db.drop();
  });

  it('advertises the rolling daily feed on the home page and a search feed on /search, and serves both', async () => {
    const home = decoded(await raw(server, '/'));
    expect(home).toContain('<link rel="alternate" type="application/rss+xml" title="Daily Papers (RSS)" href="/feeds/daily/rss.xml"/>');
    expect(home).toContain('href="/feeds/daily/atom.xml"');
    expect(home).toContain('href="/feeds/daily/feed.json"');
    expect(home).not.toMatch(/href="\/papers\/date\/[^"]*\/rss\.xml"/);
    const search = decoded(await raw(server, '/search?q=features&category=cs.CL'));
    const href = /<link rel="alternate" type="application\/rss\+xml" title="Search: features \(RSS\)" href="([^"]+)"/.exec(search)?.[1];
    expect(href).toBe('/search/rss.xml?q=features&amp;category=cs.CL');
    for (const path of ['/feeds/daily/rss.xml', href!.replace('&amp;', '&')]) {
      const feed = await raw(server, path);
      expect(feed.status, path).toBe(200);
      expect(XMLValidator.validate(decoded(feed)), path).toBe(true);
      expect(decoded(feed)).toContain('<item>');
    }
    // A search page without a query has nothing to follow.
    expect(decoded(await raw(server, '/search'))).not.toContain('application/rss+xml');
  });

  it('serves /papers/{id}.bib that two BibTeX parsers read back, for new-style, old-style and hostile titles', async () => {
    for (const [id, title, file] of [
      [PAPER, `Paper ${PAPER}: learning features number`, `${PAPER}.bib`],
      [OLD_STYLE_ID, 'An old-style paper on strings', 'hep-th_9901001.bib'],
      [XSS_ID, XSS_TITLE, `${XSS_ID}.bib`],
    ]) {
      const res = await raw(server, `/papers/${id}.bib`, { 'Accept-Encoding': 'gzip' });
      expect(res.status, id).toBe(200);
      expect(res.headers['content-type']).toBe('application/x-bibtex; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(`attachment; filename="${file}"`);
      const bib = decoded(res);
      for (const read of [readWithRetorquere(bib), readWithCitationJs(bib)]) {
        expect(read, id).toHaveLength(1);
        expect(read[0].title.startsWith(title), `${id}: ${read[0].title}`).toBe(true);
        expect(read[0].authors.length).toBeGreaterThan(0);
      }
      expect(readWithRetorquere(bib)[0].fields.eprint).toBe(id);
    }
    // The copy box on the page shows the same entry.
    const page = decoded(await raw(server, `/papers/${PAPER}`));
    const bib = decoded(await raw(server, `/papers/${PAPER}.bib`));
    expect(page).toContain(`href="/papers/${PAPER}.bib"`);
    expect(page).toContain(bib.trim().split('\n')[0]);
    for (const missing of ['/papers/2506.99999.bib', `/papers/${HIDDEN_ID}.bib`]) expect((await raw(server, missing)).status, missing).toBe(404);
  });

  it('serves a paper as Markdown at /papers/{id}.md and at the page address for Accept: text/markdown', async () => {
    for (const target of [server, uncached]) {
      const md = await raw(target, `/papers/${PAPER}.md`);
      expect(md.status).toBe(200);
      expect(md.headers['content-type']).toBe('text/markdown; charset=utf-8');
      const text = decoded(md);
      expect(text).toMatch(new RegExp(`^# Paper ${PAPER.replace('.', '\\.')}: learning features number`));
      expect(text).toContain('Author');
      expect(text).toMatch(new RegExp(`\\[arXiv\\]\\(<?https://arxiv\\.org/abs/${PAPER.replace('.', '\\.')}>?\\)`));
      expect(text).toContain(`Abstract of ${PAPER}`);
      expect(text).toContain('```bibtex');
      // huggingface_hub's read_paper() asks the page's own address; a browser on the same URL still gets HTML,
      // in either order through the page cache.
      for (const [accept, type] of [
        ['text/markdown', 'text/markdown'],
        ['text/html,application/xhtml+xml,*/*;q=0.8', 'text/html'],
        ['text/markdown, text/html;q=0.5', 'text/markdown'],
        ['*/*', 'text/html'],
      ]) {
        const res = await raw(target, `/papers/${PAPER}`, { Accept: accept });
        expect(res.status, accept).toBe(200);
        expect(res.headers['content-type'], accept).toContain(type);
        expect(res.headers.vary, accept).toMatch(/Accept(?!-)/);
        if (type === 'text/markdown') expect(decoded(res)).toBe(text);
      }
    }
    expect(decoded(await raw(server, `/papers/${OLD_STYLE_ID}.md`))).toMatch(/^# An old-style paper on strings/);
    expect((await raw(server, '/papers/2506.99999.md')).status).toBe(404);
  });

  it('answers CORS preflights on the API, feeds and paper files, and labels their anonymous GET and HEAD answers', async () => {
    const origin = 'https://reader.example';
    const readable = [
      '/api/daily_papers',
      `/api/papers/${PAPER}`,
      '/api/papers/search?q=features',
      '/feeds/daily/feed.json',
      '/papers/date/2025-06-06/atom.xml',
      `/papers/${PAPER}.md`,
      `/papers/${PAPER}.bib`,
    ];
    for (const path of readable) {
      const pre = await raw(
        server,
        path,
        { Origin: origin, 'Access-Control-Request-Method': 'GET', 'Access-Control-Request-Headers': 'if-none-match' },
        'OPTIONS',
      );
      expect(pre.status, path).toBe(204);
      expect(pre.headers['access-control-allow-origin'], path).toBe('*');
      expect(pre.headers['access-control-allow-methods']).toBe('GET, HEAD');
      expect(pre.headers['access-control-allow-headers']).toMatch(/If-None-Match/);
      expect(pre.headers['access-control-allow-headers']).not.toMatch(/Authorization|X-CSRF-Token/i);
      expect(pre.headers['access-control-allow-credentials']).toBeUndefined();
      for (const method of ['GET', 'HEAD']) {
        const res = await raw(server, path, { Origin: origin }, method);
        expect(res.status, `${method} ${path}`).toBe(200);
        expect(res.headers['access-control-allow-origin'], `${method} ${path}`).toBe('*');
        expect(res.headers['access-control-expose-headers']).toMatch(/ETag/);
      }
    }
    // Errors are readable too, so a web app can show why.
    const missing = await raw(server, '/api/papers/2506.99999', { Origin: origin });
    expect(missing.status).toBe(404);
    expect(missing.headers['access-control-allow-origin']).toBe('*');
    // Pages are not for other origins.
    expect((await raw(server, '/', { Origin: origin })).headers['access-control-allow-origin']).toBeUndefined();
    expect(
      (await raw(server, '/', { Origin: origin, 'Access-Control-Request-Method': 'GET' }, 'OPTIONS')).headers['access-control-allow-origin'],
    ).toBeUndefined();
  });

  it.skipIf(!hasChromium)('lets a page on another origin read the API and a feed in Chromium, and stops its writes', async () => {
    // A second origin: a blank page on its own port.
    const other = http.createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>other</title>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
      const result = await page.evaluate(async (api) => {
        const list = await fetch(`${api}/api/daily_papers?date=2025-06-06`, { headers: { 'If-None-Match': '"nothing"' } });
        const feed = await fetch(`${api}/feeds/daily/feed.json`);
        let write = 'sent';
        try {
          await fetch(`${api}/api/papers/2506.06001/upvote`, {
            method: 'POST',
            headers: { 'Content-Type': 'application/json', Authorization: 'Bearer pf_x' },
            body: '{}',
          });
        } catch (e) {
          write = (e as Error).name;
        }
        return { status: list.status, items: (await list.json()).length, etag: list.headers.get('etag'), feed: (await feed.json()).version, write };
      }, server.url);
      expect(result.status).toBe(200);
      expect(result.items).toBe(7);
      expect(result.etag).toMatch(/^(W\/)?"/);
      expect(result.feed).toBe('https://jsonfeed.org/version/1.1');
      // The preflight allows neither POST nor Authorization: the browser refuses before sending.
      expect(result.write).toBe('TypeError');
    } finally {
      await browser.close();
      await new Promise<void>((resolve) => other.close(() => resolve()));
    }
  });

  it('compresses HTML, JSON, XML and feeds with brotli or gzip, and the ETag still answers 304', async () => {
    const paths = [
      '/',
      `/papers/${PAPER}`,
      '/api/daily_papers?date=2025-06-03&limit=100',
      '/papers/date/2025-06-03/rss.xml',
      '/feeds/daily/feed.json',
      '/sitemaps/papers-0.xml',
      '/api/openapi.json',
    ];
    for (const target of [uncached, server]) {
      for (const path of paths) {
        // Identity, gzip and brotli interleaved, so that the page cache must keep each coding apart.
        const plain = await raw(target, path);
        expect(plain.headers['content-encoding'], path).toBeUndefined();
        expect(plain.headers.vary, path).toMatch(/Accept-Encoding/);
        const identityTag = plain.headers.etag!;
        expect(identityTag, path).toMatch(/^"[\w-]+"$/);
        for (const [accept, coding] of [
          ['gzip, deflate', 'gzip'],
          ['gzip, deflate, br', 'br'],
          ['br;q=0, gzip', 'gzip'],
          ['br;q=0.5, gzip;q=1', 'gzip'],
          ['identity', undefined],
        ] as const) {
          const res = await raw(target, path, { 'Accept-Encoding': accept });
          expect(res.status, `${path} ${accept}`).toBe(200);
          expect(res.headers['content-encoding'], `${path} ${accept}`).toBe(coding);
          expect(decoded(res), `${path} ${accept}`).toBe(plain.body.toString('utf8'));
          // Headers set around the compression (security, CORS) survive it and the page cache.
          expect(res.headers['content-security-policy'], `${path} ${accept}`).toContain("default-src 'none'");
          if (!coding) continue;
          expect(res.body.length, path).toBeLessThan(plain.body.length);
          // The compressed variant carries the weak form of the same tag; either form revalidates either variant.
          expect(res.headers.etag, `${path} ${accept}`).toBe(`W/${identityTag}`);
          for (const tag of [res.headers.etag!, identityTag]) {
            const again = await raw(target, path, { 'Accept-Encoding': accept, 'If-None-Match': tag });
            expect(again.status, `${path} ${accept} ${tag}`).toBe(304);
            expect(again.body.length).toBe(0);
            expect(again.headers.etag).toBe(res.headers.etag);
            expect(again.headers['content-encoding']).toBeUndefined();
          }
          expect((await raw(target, path, { 'Accept-Encoding': accept, 'If-None-Match': '"stale"' })).status).toBe(200);
        }
      }
    }
    // Images are compressed already.
    const png = await raw(server, `/papers/${PAPER}/thumbnail.png`, { 'Accept-Encoding': 'gzip, br' });
    expect(png.headers['content-encoding']).toBeUndefined();
  });

  it('sends ETags on search, the OpenAPI document and robots.txt, and answers 304', async () => {
    for (const path of ['/api/papers/search?q=features', '/api/openapi.json', '/robots.txt', `/api/papers/${PAPER}/similar`]) {
      const first = await raw(uncached, path);
      expect(first.status, path).toBe(200);
      expect(first.headers.etag, path).toMatch(/^"[\w-]+"$/);
      expect((await raw(uncached, path, { 'If-None-Match': first.headers.etag! })).status, path).toBe(304);
    }
  });

  it('serves a 1200×630 PNG share card and names it, with Highwire citation meta, on the paper page', async () => {
    const png = await raw(server, `/papers/${PAPER}/thumbnail.png`);
    expect(png.status).toBe(200);
    expect(png.headers['content-type']).toBe('image/png');
    expect(png.body.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(png.body.readUInt32BE(16)).toBe(1200);
    expect(png.body.readUInt32BE(20)).toBe(630);
    expect((await raw(server, `/papers/${PAPER}/thumbnail.png`, { 'If-None-Match': png.headers.etag! })).status).toBe(304);
    const page = decoded(await raw(server, `/papers/${PAPER}`));
    expect(page).toContain(`<meta property="og:image" content="${BASE}/papers/${PAPER}/thumbnail.png"/>`);
    expect(page).toContain('<meta property="og:image:type" content="image/png"/>');
    expect(page).toContain(`<meta name="citation_title" content="Paper ${PAPER}: learning features number`);
    expect(page.match(/<meta name="citation_author" content="[^"]+"\/>/g)).toHaveLength(2);
    expect(page).toMatch(/<meta name="citation_publication_date" content="2025\/06\/06"\/>/);
    expect(page).toContain(`<meta name="citation_arxiv_id" content="${PAPER}"/>`);
    expect(page).toContain(`<meta name="citation_pdf_url" content="https://arxiv.org/pdf/${PAPER}"/>`);
    // The API's thumbnail is the PNG too.
    const [item] = JSON.parse(decoded(await raw(server, '/api/daily_papers?date=2025-06-06&limit=1')));
    expect(item.thumbnail).toBe(`${BASE}/papers/${item.paper.id}/thumbnail.png`);
  });

  it('applies one parameter rule to every API route and feed: unknown ones ignored, limit above 100 a 400', async () => {
    for (const path of [
      '/api/daily_papers?date=2025-06-06',
      `/api/papers/${PAPER}`,
      '/api/papers/search?q=features',
      `/api/papers/${PAPER}/similar?limit=5`,
      '/feeds/daily/feed.json?category=cs.CV',
    ]) {
      const plain = decoded(await raw(uncached, path));
      const sep = path.includes('?') ? '&' : '?';
      const noisy = await raw(uncached, `${path}${sep}_=1717171717&utm_source=newsletter&utm_medium=email&fbclid=x`);
      expect(noisy.status, path).toBe(200);
      expect(decoded(noisy), path).toBe(plain);
    }
    for (const path of ['/api/daily_papers?limit=101', '/api/papers/search?q=x&limit=101', `/api/papers/${PAPER}/similar?limit=101`]) {
      const res = await raw(uncached, path);
      expect(res.status, path).toBe(400);
      expect(JSON.parse(decoded(res)).error).toEqual({ code: 'bad_query', message: 'limit: expected at most 100' });
    }
    const noQuery = await raw(uncached, '/api/papers/search');
    expect(noQuery.status).toBe(400);
    expect(JSON.parse(decoded(noQuery)).error.code).toBe('bad_query');
  });

  it('gives search items the same comments and submitter as the daily papers item', async () => {
    const daily = JSON.parse(decoded(await raw(uncached, '/api/daily_papers?date=2025-06-03&limit=100')));
    const byId = new Map(daily.map((i: any) => [i.paper.id, i]));
    const found = JSON.parse(decoded(await raw(uncached, '/api/papers/search?q=features&mode=lexical&limit=100')));
    const both = found.filter((i: any) => byId.has(i.paper.id));
    expect(both.length).toBeGreaterThan(10);
    for (const hit of both) {
      const listed: any = byId.get(hit.paper.id);
      expect(hit.numComments, hit.paper.id).toBe(listed.numComments);
      expect(hit.submittedBy).toEqual(listed.submittedBy);
      expect(hit.paper.numComments).toBe(listed.paper.numComments);
      expect(hit.paper.submittedOnDailyBy).toEqual(listed.paper.submittedOnDailyBy);
    }
    expect(both.some((h: any) => h.numComments > 0)).toBe(true);
  });

  it('documents the community endpoints and the bearer scheme, and their answers match the document', async () => {
    const doc = JSON.parse(decoded(await raw(uncached, '/api/openapi.json')));
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({ type: 'http', scheme: 'bearer' });
    for (const path of ['/api/papers/{id}/upvote', '/api/papers/{id}/comment', '/api/papers/submit']) {
      const op = doc.paths[path].post;
      expect(op.security, path).toEqual([{ bearerAuth: [] }]);
    }
    expect(doc.paths['/api/papers/{id}/comments'].get).toBeDefined();
    expect(doc.components.schemas.Error.properties.error.properties.code.enum).toEqual(Object.keys(ERROR_CODES));

    const user = await makeUser(db);
    const token = (await createApiToken(db, user.id, 'test')).token;
    const post = (path: string, body: unknown) =>
      fetch(`${uncached.url}${path}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
        body: JSON.stringify(body),
      });
    const { schema } = openApiSchemas({ components: { ...doc.components, schemas: { ...doc.components.schemas, ...responseSchemas(doc) } } });
    const upvote = await post(`/api/papers/${PAPER}/upvote`, { upvoted: true });
    const check = async (res: Response, status: number, name: string) => {
      expect(res.status, name).toBe(status);
      const validate = schema(name);
      expect(validate(await res.json()), errorsOf(validate)).toBe(true);
    };
    await check(upvote, 200, 'upvote');
    await check(await post(`/api/papers/${PAPER}/comment`, { comment: 'Nice *result*.' }), 201, 'comment');
    await check(await fetch(`${uncached.url}/api/papers/${PAPER}/comments`), 200, 'comments');
    await check(await post(`/api/papers/${PAPER}/comment`, { comment: '' }), 400, 'Error');
    await check(await post(`/api/papers/${PAPER}/upvote`, { upvoted: 'yes' }), 400, 'Error');
  });

  it('uses only codes of the one vocabulary, and docs/api.md lists each of them', async () => {
    const docs = fs.readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
    for (const code of Object.keys(ERROR_CODES)) expect(docs, code).toContain(`| \`${code}\` |`);
    for (const [path, method] of [
      ['/api/daily_papers?date=2025-13-01', 'GET'],
      ['/api/papers/2506.99999', 'GET'],
      ['/api/papers/search', 'GET'],
      ['/api/nothing/here', 'GET'],
      [`/api/papers/${PAPER}/upvote`, 'POST'],
    ]) {
      const res = await raw(uncached, path, { Accept: 'application/json' }, method);
      expect(res.status, path).toBeGreaterThanOrEqual(400);
      expect(Object.keys(ERROR_CODES), path).toContain(JSON.parse(decoded(res)).error.code);
    }
  });
});

/** The response schemas of the community operations, under short names, to validate answers with. */
function responseSchemas(doc: any): Record<string, unknown> {
  const of = (path: string, method: string, status: string) => doc.paths[path][method].responses[status].content['application/json'].schema;
  return {
    upvote: of('/api/papers/{id}/upvote', 'post', '200'),
    comment: of('/api/papers/{id}/comment', 'post', '201'),
    comments: of('/api/papers/{id}/comments', 'get', '200'),
  };
}

for (const kind of databaseKinds) {
  describe(`sitemap index on ${kind}`, () => {
    const URLS_PER_FILE = 7;
    let db: TestDatabase;
    let fixtures: Fixtures;
    let server: TestServer;
    const parser = new XMLParser({ isArray: (name) => name === 'url' || name === 'sitemap' });

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      fixtures = await seedFixtures(db);
      server = await startTestServer(db, { now: FIXED_NOW, sitemap: { urlsPerFile: URLS_PER_FILE } });
    });
    afterAll(async () => {
      await server.close();
      await db.drop();
    });

    async function xml(path: string) {
      const res = await raw(server, path, { 'Accept-Encoding': 'gzip' });
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type']).toBe('application/xml; charset=utf-8');
      const text = decoded(res);
      expect(XMLValidator.validate(text), path).toBe(true);
      return parser.parse(text);
    }

    it('lists every visible paper once and every day, week and month with papers, in files of at most the limit, with lastmod', async () => {
      const index = await xml('/sitemap.xml');
      const files: { loc: string; lastmod: string }[] = index.sitemapindex.sitemap;
      expect(files.length).toBeGreaterThan(2);
      const urls: { loc: string; lastmod?: string }[] = [];
      for (const file of files) {
        expect(file.lastmod, file.loc).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
        const set = await xml(localPath(file.loc));
        expect(set.urlset.url.length, file.loc).toBeLessThanOrEqual(URLS_PER_FILE);
        urls.push(...set.urlset.url);
      }
      const locs = urls.map((u) => u.loc);
      expect(new Set(locs).size).toBe(locs.length);
      const visible = fixtures.papers.filter((p) => p.id !== HIDDEN_ID);
      for (const p of visible) expect(locs, p.id).toContain(`${BASE}/papers/${p.id}`);
      expect(locs.filter((l) => /\/papers\/(?!date\/|week\/|month\/)(?:\d|[a-z-]+\/\d)/.test(l))).toHaveLength(visible.length);
      expect(locs.join('\n')).not.toContain(HIDDEN_ID);
      const days = new Set([...fixtures.papers.filter((p) => p.id !== HIDDEN_ID).map((p) => p.announcedOn!), ...fixtures.entries.map((e) => e.day)]);
      for (const day of days) {
        for (const kind of ['day', 'week', 'month'] as const) {
          const key = periodContaining(kind, day).key;
          expect(locs, `${kind} ${key}`).toContain(`${BASE}/papers/${kind === 'day' ? 'date' : kind}/${key}`);
        }
      }
      expect(SITEMAP_MAX_URLS).toBe(50_000);
      expect(locs).toContain(`${BASE}/`);
      expect(locs).toContain(`${BASE}/papers/week/1999-W01`);
      for (const u of urls.filter((u) => u.loc.includes('/papers/'))) expect(u.lastmod, u.loc).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      // robots.txt points at the index; unknown files are 404.
      expect(decoded(await raw(server, '/robots.txt'))).toContain(`Sitemap: ${BASE}/sitemap.xml`);
      for (const path of ['/sitemaps/papers-999.xml', '/sitemaps/pages-9.xml', '/sitemaps/other-0.xml'])
        expect((await raw(server, path)).status, path).toBe(404);
    });
  });
}
