// Every feed parsed by a real parser: feedparser (RSS 2.0 and Atom 1.0) and a JSON Feed 1.1 check of the
// spec's required fields. Ids must be stable (the paper's URL) and special characters must survive.
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error feedparser ships no types
import FeedParser from 'feedparser';
import { XMLValidator } from 'fast-xml-parser';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { FIXED_NOW, HIDDEN_ID, seedFixtures, XSS_ID, XSS_TITLE } from './fixtures.ts';
import { testApp, type TestApp } from './server.ts';

interface Parsed {
  meta: any;
  items: any[];
}

function parseWithFeedparser(xml: string): Promise<Parsed> {
  return new Promise((resolve, reject) => {
    // feedparser's strict mode skips its own field normalisation (pubDate stays unread), so well-formedness is
    // checked separately with fast-xml-parser's validator.
    const valid = XMLValidator.validate(xml);
    if (valid !== true) return reject(new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`));
    const parser = new FeedParser({});
    const items: any[] = [];
    parser.on('error', reject);
    parser.on('readable', () => {
      let item: unknown;
      while ((item = parser.read())) items.push(item);
    });
    parser.on('end', () => resolve({ meta: parser.meta, items }));
    Readable.from([xml]).pipe(parser);
  });
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The JSON Feed 1.1 spec's rules (https://www.jsonfeed.org/version/1.1/) for the fields we use. */
function jsonFeedProblems(feed: any): string[] {
  const problems: string[] = [];
  if (feed.version !== 'https://jsonfeed.org/version/1.1') problems.push('version');
  if (typeof feed.title !== 'string' || !feed.title) problems.push('title');
  if (!Array.isArray(feed.items)) return [...problems, 'items'];
  for (const key of ['home_page_url', 'feed_url']) if (feed[key] !== undefined && !/^https?:\/\//.test(feed[key])) problems.push(key);
  for (const [i, item] of feed.items.entries()) {
    if (typeof item.id !== 'string' || !item.id) problems.push(`items[${i}].id`);
    if (typeof item.content_html !== 'string' && typeof item.content_text !== 'string') problems.push(`items[${i}].content`);
    for (const key of ['date_published', 'date_modified']) if (item[key] !== undefined && !RFC3339.test(item[key])) problems.push(`items[${i}].${key}`);
    if (item.authors !== undefined && !(Array.isArray(item.authors) && item.authors.every((a: any) => typeof a.name === 'string')))
      problems.push(`items[${i}].authors`);
    if (item.tags !== undefined && !(Array.isArray(item.tags) && item.tags.every((t: any) => typeof t === 'string'))) problems.push(`items[${i}].tags`);
  }
  return problems;
}

const FEEDS = [
  '/papers/date/2025-06-06',
  '/papers/date/2025-06-05',
  '/papers/date/2025-06-03',
  '/papers/week/2025-W23',
  '/papers/month/2025-06',
  '/papers/trending',
  '/feeds/daily',
  '/feeds/weekly',
  '/feeds/monthly',
  '/feeds/category/cs.CL',
  '/feeds/category/hep-th',
];

describe('feeds', () => {
  let db: TestDatabase;
  let app: TestApp['app'];
  beforeAll(async () => {
    db = await createTestDatabase('sqlite');
    await seedFixtures(db);
    ({ app } = await testApp(db, { now: FIXED_NOW }));
  });
  afterAll(() => db.drop());

  it('parses every RSS and Atom feed with feedparser, with stable ids and no hidden papers', async () => {
    for (const path of FEEDS) {
      for (const [file, type] of [
        ['rss.xml', 'application/rss+xml'],
        ['atom.xml', 'application/atom+xml'],
      ]) {
        const res = await app.request(`${path}/${file}`);
        expect(res.status, `${path}/${file}`).toBe(200);
        expect(res.headers.get('content-type')).toContain(type);
        const { meta, items } = await parseWithFeedparser(await res.text());
        expect(meta.title, path).toMatch(/^Paperfeed/);
        expect(meta['#type']).toBe(file === 'rss.xml' ? 'rss' : 'atom');
        for (const item of items) {
          expect(item.guid).toMatch(/^http:\/\/paperfeed\.test\/papers\/[\w./-]+$/);
          expect(item.link).toBe(item.guid);
          expect(item.title).toBeTruthy();
          expect(item.pubdate, `${path}/${file} ${item.guid}`).toBeInstanceOf(Date);
          expect(item.guid).not.toContain(HIDDEN_ID);
        }
        if (path !== '/feeds/category/hep-th') expect(items.length, path).toBeGreaterThan(0);
      }
    }
  });

  it('validates every JSON Feed against the 1.1 spec fields', async () => {
    for (const path of FEEDS) {
      const res = await app.request(`${path}/feed.json`);
      expect(res.headers.get('content-type')).toContain('application/feed+json');
      const feed = await res.json();
      expect(jsonFeedProblems(feed), path).toEqual([]);
      expect(feed.feed_url).toBe(`http://paperfeed.test${path}/feed.json`);
    }
  });

  it('keeps markup in titles as text and gives a paper the same id in every feed', async () => {
    const rss = await parseWithFeedparser(await (await app.request('/papers/date/2025-06-06/rss.xml')).text());
    const atom = await parseWithFeedparser(await (await app.request('/papers/date/2025-06-06/atom.xml')).text());
    const json = await (await app.request('/papers/date/2025-06-06/feed.json')).json();
    const url = `http://paperfeed.test/papers/${XSS_ID}`;
    // feedparser strips tags from titles it reads; the markup arrived as escaped text, not as elements.
    const stripped = XSS_TITLE.replace(/<[^>]+>/g, '');
    expect(rss.items.find((i) => i.guid === url)?.title).toBe(stripped);
    expect(atom.items.find((i) => i.guid === url)?.title).toBe(stripped);
    const raw = await (await app.request('/papers/date/2025-06-06/atom.xml')).text();
    expect(raw).toContain('Breaking &lt;script&gt;alert(&quot;title&quot;)&lt;/script&gt; &amp; Friends');
    expect(json.items.find((i: any) => i.id === url)?.title).toBe(XSS_TITLE);
    // The rolling daily feed carries the same ids as the dated one.
    const rolling = await parseWithFeedparser(await (await app.request('/feeds/daily/atom.xml')).text());
    expect(rolling.items.map((i) => i.guid).sort()).toEqual(atom.items.map((i) => i.guid).sort());
  });

  it('turns any search into a feed in all three formats', async () => {
    // Lexical search only (EMBEDDER=none): the feed is what is tested here, not the ranking.
    const { app: searchApp } = await testApp(db, { now: FIXED_NOW, env: { EMBEDDER: 'none' } });
    const rss = await searchApp.request('/search/rss.xml?q=old-style%20strings');
    expect(rss.status).toBe(200);
    const { meta, items } = await parseWithFeedparser(await rss.text());
    expect(meta.title).toBe('Paperfeed · search: old-style strings');
    expect(items[0].guid).toBe('http://paperfeed.test/papers/hep-th/9901001');
    const atom = await parseWithFeedparser(await (await searchApp.request('/search/atom.xml?q=strings')).text());
    expect(atom.items.map((i) => i.guid)).toContain('http://paperfeed.test/papers/hep-th/9901001');
    const json = await (await searchApp.request('/search/feed.json?q=strings')).json();
    expect(jsonFeedProblems(json)).toEqual([]);
    expect(json.home_page_url).toBe('http://paperfeed.test/search?q=strings');
    expect((await searchApp.request('/search/rss.xml')).status).toBe(400);
    expect((await searchApp.request('/search/rss.xml?q=%20')).status).toBe(400);
  });

  it('filters feeds by category and validates the category', async () => {
    const { items } = await parseWithFeedparser(await (await app.request('/papers/date/2025-06-03/rss.xml?category=cs.CL')).text());
    expect(items.length).toBeGreaterThan(0);
    for (const i of items) expect(i.categories).toContain('cs.CL');
    expect((await app.request('/papers/date/2025-06-03/rss.xml?category=%3Cx%3E')).status).toBe(400);
    expect((await app.request('/feeds/category/%3Cx%3E/rss.xml')).status).toBe(400);
  });
});
