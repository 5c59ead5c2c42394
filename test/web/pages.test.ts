// Server-rendered pages without a browser: escaping (titles with <script>, abstracts with < & and LaTeX,
// JSON-LD that must not end its <script> early), sharing metadata, routes for old-style ids, redirects,
// hidden papers, HTML errors, and the announcement fallback being labelled.
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { XMLValidator } from 'fast-xml-parser';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { FIXED_NOW, HIDDEN_ID, OLD_STYLE_ID, seedFixtures, XSS_ID } from './fixtures.ts';
import { acquireLease, releaseLease } from '../../src/db/jobs.ts';
import { testApp, type TestApp } from './server.ts';

for (const kind of databaseKinds)
  describe(`pages on ${kind}`, () => {
    let db: TestDatabase;
    let app: TestApp['app'];
    beforeAll(async () => {
      db = await createTestDatabase(kind);
      await seedFixtures(db);
      ({ app } = await testApp(db, { now: FIXED_NOW, paper: { similarIds: async () => ['2506.03001', HIDDEN_ID, XSS_ID, '2506.03002'] } }));
    });
    afterAll(() => db.drop());

    const html = async (url: string) => {
      const res = await app.request(url);
      return { status: res.status, type: res.headers.get('content-type'), body: await res.text(), res };
    };

    it('escapes markup in titles, abstracts, comments and keywords, and renders LaTeX as MathML', async () => {
      const { body, status } = await html(`/papers/${XSS_ID}`);
      expect(status).toBe(200);
      expect(body.startsWith('<!DOCTYPE html>')).toBe(true);
      expect(body).not.toContain('<script>alert');
      expect(body).not.toContain('<img src=x');
      expect(body).not.toContain('<b>');
      expect(body).toContain('Breaking &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; Friends');
      expect(body).toContain('&lt;img src=x onerror=alert(1)&gt; is text');
      expect(body).toContain('a&lt;b holds');
      // $x^2 < y$ and \(\alpha \geq 1\) became MathML; "$5 and $10" stayed prose.
      expect(body).toMatch(/<math><semantics>.*<mo>&lt;<\/mo>.*<annotation encoding="application\/x-tex">x\^2 &lt; y<\/annotation>/);
      expect(body).toContain('<mo>≥</mo>');
      expect(body).toContain('Costs $5 and $10.');
    });

    it('embeds JSON-LD that cannot be closed by a title, plus Open Graph, Twitter and canonical tags', async () => {
      const { body } = await html(`/papers/${XSS_ID}`);
      const blocks = [...body.matchAll(/<script type="application\/ld\+json">(.*?)<\/script>/gs)];
      expect(blocks).toHaveLength(1);
      expect(blocks[0][1]).not.toMatch(/<\//);
      const ld = JSON.parse(blocks[0][1]);
      expect(ld['@type']).toBe('ScholarlyArticle');
      expect(ld.name).toBe('Breaking <script>alert("title")</script> & Friends');
      expect(ld.author.map((a: any) => a.name)).toEqual(['Author 56 Alpha', 'Author 56 Beta']);
      expect(body).toContain(`<link rel="canonical" href="http://paperfeed.test/papers/${XSS_ID}"/>`);
      expect(body).toContain('<meta property="og:type" content="article"/>');
      expect(body).toContain('<meta property="og:title" content="Breaking &lt;script&gt;');
      expect(body).toContain(`<meta property="og:image" content="http://paperfeed.test/papers/${XSS_ID}/thumbnail.png"/>`);
      expect(body).toContain('<meta property="og:image:width" content="1200"/>');
      expect(body).toContain('<meta property="og:image:height" content="630"/>');
      expect(body).toContain(`<meta name="twitter:image" content="http://paperfeed.test/papers/${XSS_ID}/thumbnail.png"/>`);
      expect(body).toMatch(/<meta name="twitter:card" content="summary_large_image"\/>/);
      const svg = await html(`/papers/${XSS_ID}/thumbnail.svg`);
      expect(svg.type).toContain('image/svg+xml');
      expect(XMLValidator.validate(svg.body)).toBe(true);
    });

    it('shows dates, versions, links, BibTeX and similar papers (without hidden ones)', async () => {
      const { body } = await html(`/papers/${OLD_STYLE_ID}`);
      expect(body).toContain('href="https://arxiv.org/abs/hep-th/9901001v2"');
      expect(body).toContain('href="https://arxiv.org/pdf/hep-th/9901001"');
      expect(body).toContain('v2</a> (1999-02-01)');
      expect(body).toContain('eprint = {hep-th/9901001}');
      expect(body).toContain('primaryClass = {hep-th}');
      expect(body).toContain('Similar papers');
      expect(body).toContain('/papers/2506.03001');
      expect(body).not.toContain(`/papers/${HIDDEN_ID}`);
      const starred = await html('/papers/2506.05100');
      expect(starred.body).toContain('href="https://github.com/example/starred"');
      expect(starred.body).toContain('Code · 1.2k ★');
    });

    it('redirects versioned ids to the canonical URL and answers unknown or hidden papers with an HTML 404', async () => {
      const versioned = await app.request('/papers/2506.03001v3');
      expect(versioned.status).toBe(301);
      expect(versioned.headers.get('location')).toBe('/papers/2506.03001');
      for (const url of ['/papers/2506.99999', `/papers/${HIDDEN_ID}`, '/papers/hep-th/0000000', '/nowhere']) {
        const r = await html(url);
        expect(r.status, url).toBe(404);
        expect(r.type).toContain('text/html');
        expect(r.body).toContain('<h1>Not found</h1>');
        expect(r.body).toContain('noindex');
      }
      const json = await app.request('/papers/2506.99999', { headers: { Accept: 'application/json' } });
      expect(json.status).toBe(404);
      expect((await json.json()).error.code).toBe('not_found');
    });

    it('answers bad dates with a 400 page naming the problem', async () => {
      for (const [url, message] of [
        ['/papers/date/2025-02-30', 'no such date'],
        ['/papers/week/2025-W54', 'weeks 01 to 52'],
        ['/papers/month/2025-00', '01 to 12'],
        ['/papers/date?date=junk', 'YYYY-MM-DD'],
        ['/papers/date/2025-06-03?p=abc', 'whole number'],
      ]) {
        const r = await html(url);
        expect(r.status, url).toBe(400);
        expect(r.body, url).toContain(message);
      }
    });

    it('answers periods that start after today with a 404, and points empty periods at the nearest days with papers', async () => {
      // FIXED_NOW is 2025-06-07: the next day, ISO week and month have not begun.
      for (const url of [
        '/papers/date/2025-06-08',
        '/papers/week/2025-W24',
        '/papers/month/2025-07',
        '/papers/date/2031-01-01',
        '/papers/date/2025-06-08/rss.xml',
      ]) {
        const r = await html(url);
        expect(r.status, url).toBe(404);
        expect(r.body, url).toContain('is in the future');
      }
      // Today, the current week and the current month are pages, even when empty.
      expect((await html('/papers/week/2025-W23')).status).toBe(200);
      const today = await html('/papers/date/2025-06-07');
      expect(today.status).toBe(200);
      expect(today.body).toContain('Nothing was announced or stored for Saturday, 7 June 2025. arXiv announces no papers on weekends.');
      expect(today.body).toContain('<a href="/papers/date/2025-06-06">Friday, 6 June 2025</a>');
      // An empty day long ago does not claim to list announcements, and offers the days on either side.
      const old = await html('/papers/date/2024-01-01');
      expect(old.status).toBe(200);
      expect(old.body).not.toContain('arXiv announcements');
      expect(old.body).not.toContain('Community picks');
      expect(old.body).not.toContain('weekends');
      expect(old.body).toContain('<a href="/papers/date/1999-01-05">Tuesday, 5 January 1999</a>');
      expect(old.body).toContain('<a href="/papers/date/2025-06-02">Monday, 2 June 2025</a>');
    });

    it('says on the home page when its latest papers are old, and what the harvest is doing', async () => {
      // A Monday before the announcement shows Friday's papers (3 days) without comment.
      const monday = await testApp(db, { now: new Date('2025-06-09T00:30:00Z') });
      expect(await (await monday.app.request('/')).text()).not.toContain('Latest papers:');
      const later = await testApp(db, { now: new Date('2025-06-20T12:00:00Z') });
      const body = await (await later.app.request('/')).text();
      expect(body).toContain('Daily Papers · Friday, 6 June 2025');
      expect(body).toContain('Latest papers: 14 days ago.');
      expect(body).toContain('No harvest has run yet; the first starts');
      await monday.services.close();
      await later.services.close();
    });

    it('redirects the picker form and the Weekly/Monthly nav to canonical period URLs', async () => {
      const cases: [string, string][] = [
        ['/papers/date?date=2025-06-03', '/papers/date/2025-06-03'],
        ['/papers/week?week=2025-W22', '/papers/week/2025-W22'],
        ['/papers/month?month=2025-05', '/papers/month/2025-05'],
        ['/papers/week', '/papers/week/2025-W23'],
        ['/papers/month', '/papers/month/2025-06'],
        // Any day of a week or month, as the picker sends where the browser lacks week/month inputs.
        ['/papers/week?date=2025-06-04', '/papers/week/2025-W23'],
        ['/papers/month?date=2025-05-31', '/papers/month/2025-05'],
      ];
      for (const [from, to] of cases) {
        const r = await app.request(from);
        expect([302, 303], from).toContain(r.status);
        expect(r.headers.get('location')).toBe(to);
      }
    });

    it('never lists hidden papers and says whether a day shows submissions or announcements', async () => {
      const day = await html('/papers/date/2025-06-06');
      expect(day.body).not.toContain(HIDDEN_ID);
      expect(day.body).toContain('Community picks');
      const fallback = await html('/papers/date/2025-06-05');
      expect(fallback.body).toContain('arXiv announcements');
      expect(fallback.body).toContain('Nobody submitted papers for this period: arXiv announced these');
      const trending = await html('/papers/trending');
      expect(trending.body).not.toContain(HIDDEN_ID);
      // Each trending paper says why it is there.
      expect(trending.body).toMatch(/<p class="why">Score [\d.]+ = \(\d+ upvotes?/);
      const secondPage = await html('/papers/trending?p=1');
      expect(trending.body + secondPage.body).toContain('from 1.2k GitHub stars');
    });

    it('links feeds and the JSON API from listing pages for autodiscovery', async () => {
      const { body } = await html('/papers/week/2025-W23?category=cs.CL');
      expect(body).toContain(
        '<link rel="alternate" type="application/rss+xml" title="Weekly Papers 2025-W23 cs.CL (RSS)" href="/papers/week/2025-W23/rss.xml?category=cs.CL"/>',
      );
      expect(body).toContain('type="application/atom+xml"');
      expect(body).toContain('type="application/feed+json"');
      expect(body).toContain('href="/api/daily_papers?week=2025-W23&amp;category=cs.CL"');
      expect(body).toContain('<link rel="canonical" href="http://paperfeed.test/papers/week/2025-W23?category=cs.CL"/>');
    });
  });

describe('the home page of an empty store', () => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
  });
  afterAll(() => db.drop());
  const home = async (env: Record<string, string> = {}) => {
    const { app, services } = await testApp(db, { env });
    const body = await (await app.request('/')).text();
    await services.close();
    return body;
  };

  it('says what the harvest is doing, and how to import papers', async () => {
    const never = await home();
    expect(never).toContain('No papers here yet.');
    expect(never).toMatch(/No harvest has run yet; the first starts \S/);
    expect(never).toContain('npx paperfeed import PATH');
    expect(never).toContain('Nothing to show until papers arrive.');
    expect(await home({ SCHEDULER: 'false' })).toContain('This server schedules no harvests (SCHEDULER=false)');
    await acquireLease(db, { name: 'arxiv', holder: 'worker', job: 'harvest-oai', ttlMs: 60_000 });
    expect(await home()).toMatch(/Harvesting arXiv now \(started \d\d:\d\d UTC\)\./);
  });

  it('reads the harvest state again once its few seconds of reuse have passed', async () => {
    await releaseLease(db, 'arxiv', 'worker');
    vi.useFakeTimers({ toFake: ['performance'] });
    // Without the page cache, so that only the harvest state's reuse can hold the old sentence.
    const { app, services } = await testApp(db, { env: { PAGE_CACHE_SECONDS: '0' } });
    try {
      const home = async () => (await app.request('/')).text();
      expect(await home()).toContain('No harvest has run yet');
      await acquireLease(db, { name: 'arxiv', holder: 'worker', job: 'harvest-oai', ttlMs: 60_000 });
      // Within the reuse window the page may lag, as an anonymous reader's page cache does.
      vi.advanceTimersByTime(4_000);
      expect(await home()).toContain('No harvest has run yet');
      vi.advanceTimersByTime(1_000);
      expect(await home()).toMatch(/Harvesting arXiv now/);
    } finally {
      vi.useRealTimers();
      await services.close();
    }
  });
});
