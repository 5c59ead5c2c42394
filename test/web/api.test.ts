// The JSON API against its OpenAPI document (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses) and against the
// shapes of Hugging Face's responses (the real ones, and the fixture corpus's): the same schemas must accept
// Hugging Face's own answers and ours.
import fs from 'node:fs';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { DATA_SOURCES, sourcePath, type DataSource } from '../helpers/corpus.ts';
import { errorsOf, openApiSchemas } from '../helpers/openapi.ts';
import { FIXED_NOW, HIDDEN_ID, OLD_STYLE_ID, seedFixtures } from './fixtures.ts';
import { startTestServer, testApp, type TestApp } from './server.ts';

function compileSchemas(doc: any) {
  const { schema, arrayOf } = openApiSchemas(doc);
  return { paper: schema('Paper'), error: schema('Error'), dailyList: arrayOf('DailyPaper'), dailyItem: schema('DailyPaper') };
}

/** Well-formed responses from the era of the current API shape (fields were added over time until 2025-03-17). */
function hfDays(source: DataSource): { day: string; items: any[] }[] {
  const dir = sourcePath(source, 'hf-daily-papers-api', 'days');
  const out: { day: string; items: any[] }[] = [];
  for (const file of fs.readdirSync(dir).sort()) {
    const day = file.slice(0, 10);
    if (day < '2025-03-17') continue;
    const raw = fs.readFileSync(`${dir}/${file}`);
    const parsed = JSON.parse((file.endsWith('.gz') ? zlib.gunzipSync(raw) : raw).toString('utf8'));
    if (Array.isArray(parsed) && parsed.length && typeof parsed[0] === 'object') out.push({ day, items: parsed });
  }
  return out;
}

const jsonType = (v: unknown) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

describe('OpenAPI document and Hugging Face responses', () => {
  for (const source of DATA_SOURCES)
    it.skipIf(!source.available)(`every daily_papers response since the current shape validates against our schemas (${source.label})`, async () => {
      const db = await createTestDatabase('sqlite');
      const { app } = await testApp(db);
      const doc = await (await app.request('/api/openapi.json')).json();
      expect(doc.openapi).toBe('3.1.0');
      const schemas = compileSchemas(doc);
      const days = hfDays(source);
      expect(days.length).toBeGreaterThanOrEqual(source.name === 'shared' ? 300 : 3);
      for (const { day, items } of days) {
        expect(schemas.dailyList(items), `${day}: ${errorsOf(schemas.dailyList)}`).toBe(true);
      }
      await db.drop();
    });
});

for (const kind of databaseKinds) {
  describe(`JSON API on ${kind}`, () => {
    let db: TestDatabase;
    let app: TestApp['app'];
    let schemas: ReturnType<typeof compileSchemas>;

    beforeAll(async () => {
      db = await createTestDatabase(kind);
      await seedFixtures(db);
      ({ app } = await testApp(db, { now: FIXED_NOW, env: { PAGE_CACHE_SECONDS: '0' } }));
      schemas = compileSchemas(await (await app.request('/api/openapi.json')).json());
    });
    afterAll(() => db.drop());

    const get = (url: string, headers: Record<string, string> = {}) => app.request(url, { headers });

    it('lists a day in the documented shape, ranked by upvotes, hidden papers left out', async () => {
      const res = await get('/api/daily_papers?date=2025-06-06');
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toContain('application/json');
      expect(res.headers.get('x-listing-kind')).toBe('submissions');
      const items = await res.json();
      expect(schemas.dailyList(items), errorsOf(schemas.dailyList)).toBe(true);
      expect(items.map((i: any) => i.paper.id)).not.toContain(HIDDEN_ID);
      expect(items).toHaveLength(7);
      const upvotes = items.map((i: any) => i.paper.upvotes);
      expect(upvotes).toEqual([...upvotes].sort((a, b) => b - a));
      for (const i of items) expect(i.paper.submittedOnDailyAt.slice(0, 10)).toBe('2025-06-06');
    });

    for (const source of DATA_SOURCES)
      it.skipIf(!source.available)(`has every field, with the same JSON type, that every Hugging Face item has (${source.label})`, async () => {
        const real = hfDays(source)
          .slice(-60)
          .flatMap((d) => d.items);
        const always = (pick: (x: any) => any) => {
          const keys = Object.keys(pick(real[0])).filter((k) => real.every((x) => k in pick(x)));
          return Object.fromEntries(keys.map((k) => [k, jsonType(pick(real[0])[k])]));
        };
        const ours = (await (await get('/api/daily_papers?date=2025-06-06')).json())[0];
        for (const [key, type] of Object.entries(always((x) => x))) expect(jsonType(ours[key]), `item.${key}`).toBe(type);
        for (const [key, type] of Object.entries(always((x) => x.paper))) {
          // githubRepo/projectPage are absent here, as Hugging Face omits them for papers without them.
          if (['githubRepo', 'projectPage', 'ai_summary', 'ai_keywords', 'githubStars'].includes(key)) continue;
          expect(jsonType(ours.paper[key]), `paper.${key}`).toBe(type);
        }
        for (const [key, type] of Object.entries(always((x) => x.paper.authors[0]))) {
          if (key === 'user' || key === 'status' || key === 'statusLastChangedAt') continue;
          expect(jsonType(ours.paper.authors[0][key]), `author.${key}`).toBe(type);
        }
      });

    it('pages with p and limit and reports the total', async () => {
      const first = await (await get('/api/daily_papers?date=2025-06-03&limit=20')).json();
      const second = await get('/api/daily_papers?date=2025-06-03&limit=20&p=1');
      expect(second.headers.get('x-total-count')).toBe('35');
      const rest = await second.json();
      expect(first).toHaveLength(20);
      expect(rest).toHaveLength(15);
      const ids = new Set([...first, ...rest].map((i: any) => i.paper.id));
      expect(ids.size).toBe(35);
    });

    it('answers week, month, submitter, category and both sorts', async () => {
      const week = await (await get('/api/daily_papers?week=2025-W23&limit=100')).json();
      expect(week).toHaveLength(4 + 35 + 5 + 7);
      const month = await get('/api/daily_papers?month=2025-06&limit=1');
      expect(month.headers.get('x-total-count')).toBe(String(4 + 35 + 5 + 7));
      const alice = await (await get('/api/daily_papers?submitter=alice&limit=100')).json();
      expect(alice.length).toBeGreaterThan(0);
      for (const i of alice) expect(i.submittedBy.name).toBe('alice');
      const cl = await (await get('/api/daily_papers?date=2025-06-03&category=cs.CL&limit=100')).json();
      for (const i of cl) expect(i.paper.categories).toContain('cs.CL');
      const newest = await (await get('/api/daily_papers?week=2025-W23&sort=publishedAt&limit=100')).json();
      const published = newest.map((i: any) => i.paper.publishedAt);
      expect(published).toEqual([...published].sort().reverse());
      const trending = await (await get('/api/daily_papers?date=2025-06-03&sort=trending')).json();
      expect(schemas.dailyList(trending), errorsOf(schemas.dailyList)).toBe(true);
      const scores = trending.map((i: any) => i.paper.trending.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
    });

    it('falls back to announcements ranked by trending score on a day nobody submitted papers for', async () => {
      const res = await get('/api/daily_papers?date=2025-06-05');
      expect(res.headers.get('x-listing-kind')).toBe('announcements');
      const items = await res.json();
      expect(items).toHaveLength(5);
      // The only paper with a repository (1,200 stars) leads; nobody voted for any of them.
      expect(items[0].paper.githubStars).toBe(1200);
      expect(items[0].paper.trending.parts.stars).toBeGreaterThan(0);
      for (const i of items) expect(i.paper.submittedOnDailyAt).toBeUndefined();
    });

    it('without a period lists the latest day with papers', async () => {
      const items = await (await get('/api/daily_papers')).json();
      expect(new Set(items.map((i: any) => i.paper.submittedOnDailyAt.slice(0, 10)))).toEqual(new Set(['2025-06-06']));
    });

    it('returns one paper, new or old style, and 404 JSON for unknown, hidden or malformed ids', async () => {
      const res = await get('/api/papers/2506.03000');
      const paper = await res.json();
      expect(schemas.paper(paper), errorsOf(schemas.paper)).toBe(true);
      expect(paper.id).toBe('2506.03000');
      const old = await (await get(`/api/papers/${OLD_STYLE_ID}`)).json();
      expect(old.id).toBe(OLD_STYLE_ID);
      expect(old.arxivVersion).toBe(2);
      for (const url of ['/api/papers/2506.99999', `/api/papers/${HIDDEN_ID}`, '/api/papers/0000.0000', '/api/nothing']) {
        const r = await get(url);
        expect(r.status, url).toBe(404);
        expect(r.headers.get('content-type')).toContain('application/json');
        expect(schemas.error(await r.json()), url).toBe(true);
      }
    });

    it('rejects every invalid parameter with 400 and a message naming it', async () => {
      const cases: [string, RegExp][] = [
        ['date=2025-02-30', /date: 2025-02-30: no such date/],
        ['date=yesterday', /date: .*YYYY-MM-DD/],
        ['week=2025-W60', /week: .*weeks 01 to 52/],
        ['month=2025-13', /month: .*01 to 12/],
        ['limit=0', /limit: expected at least 1/],
        ['limit=101', /limit: expected at most 100/],
        ['limit=ten', /limit: expected a whole number/],
        ['p=-1', /p: expected a whole number/],
        ['sort=votes', /sort: expected publishedAt or trending/],
        ['submitter=%3Cscript%3E', /submitter/],
        ['category=not%20a%20category', /category/],
        ['date=2025-06-05&week=2025-W23', /at most one of date, week and month/],
        ['p=1&p=2', /parameter p given more than once/],
        ['p=&p=1', /parameter p given more than once/],
        ['date=2025-06-05&utm_source=x&date=2025-06-06', /parameter date given more than once/],
      ];
      for (const [query, message] of cases) {
        const res = await get(`/api/daily_papers?${query}`);
        expect(res.status, query).toBe(400);
        const body = await res.json();
        expect(schemas.error(body), query).toBe(true);
        expect(body.error.code, query).toBe('bad_query');
        expect(body.error.message, query).toMatch(message);
      }
    });

    it('ignores unknown parameters (cache-busters, tracking, names of Object.prototype) and treats empty ones as absent', async () => {
      const plain = await (await get('/api/daily_papers?date=2025-06-06')).json();
      for (const extra of [
        '_=1717171717',
        'utm_source=newsletter&utm_medium=email',
        'colour=blue&colour=red',
        'constructor=1',
        '__proto__=1&toString=2',
        'hasOwnProperty=x',
      ]) {
        const res = await get(`/api/daily_papers?date=2025-06-06&${extra}`);
        expect(res.status, extra).toBe(200);
        expect(await res.json(), extra).toEqual(plain);
      }
      // The rule is the same on pages and feeds: an unknown parameter changes nothing, a repeated known one is a 400.
      expect((await get('/papers/date/2025-06-06?_=1&utm_campaign=x')).status).toBe(200);
      expect((await get('/papers/date/2025-06-06?p=0&p=1')).status).toBe(400);
      expect((await get('/papers/trending/feed.json?category=cs.CV&category=cs.CL')).status).toBe(400);
      expect(await (await get('/api/daily_papers?date=2025-06-06&category=&p=&limit=')).json()).toEqual(plain);
    });

    it('refuses a search query given twice, naming it', async () => {
      const res = await get('/api/papers/search?q=a&q=b');
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body.error).toEqual({ code: 'bad_query', message: 'parameter q given more than once' });
    });
  });
}

describe('API rate limit per client address', () => {
  it('announces the quota and answers 429 with Retry-After past it', async () => {
    const db = await createTestDatabase('sqlite');
    await seedFixtures(db);
    const server = await startTestServer(db, { now: FIXED_NOW, env: { API_RATE_LIMIT_PER_MINUTE: '3' } });
    try {
      const seen: Response[] = [];
      for (let i = 0; i < 4; i++) seen.push(await fetch(`${server.url}/api/daily_papers?date=2025-06-06`));
      expect(seen.slice(0, 3).map((r) => r.status)).toEqual([200, 200, 200]);
      expect(seen[0].headers.get('ratelimit-policy')).toBe('"fixed window";"api";q=3;w=60');
      expect(seen[0].headers.get('ratelimit')).toMatch(/^"api";r=2;t=\d+$/);
      expect(seen[2].headers.get('ratelimit')).toMatch(/^"api";r=0;t=\d+$/);
      const limited = seen[3];
      expect(limited.status).toBe(429);
      expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited.headers.get('ratelimit')).toMatch(/^"api";r=0;t=\d+$/);
      expect((await limited.json()).error.code).toBe('rate_limited');
      // Pages are not counted against the API quota.
      expect((await fetch(`${server.url}/`)).status).toBe(200);
    } finally {
      await server.close();
      await db.drop();
    }
  });
});
