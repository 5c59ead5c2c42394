// The arXiv API lookup (Atom responses, recorded or written from the fixture corpus, including arXiv's HTTP 400)
// and the daily announcement listing (RSS shaped like rss.arxiv.org, built from a day of the listings).
import { afterEach, describe, expect, it } from 'vitest';
import { getCursor } from '../../src/db/harvest.ts';
import { getPaper, storeStats } from '../../src/db/papers.ts';
import { fetchArxivPapers } from '../../src/ingest/arxiv-api.ts';
import { harvestListing } from '../../src/ingest/arxiv-listing.ts';
import { parseArxivRss } from '../../src/ingest/formats/arxiv-rss.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { DATA_SOURCES, listingDay } from '../helpers/corpus.ts';
import { arxivLookups, arxivRss, harvestConfig, sourceContext, xml } from '../helpers/harvest-fixtures.ts';
import { startReplayServer, type ReplayServer } from '../helpers/replay-server.ts';

let server: ReplayServer;
let store: TestDatabase;
afterEach(async () => {
  await server?.close();
  await store?.drop();
});

for (const source of DATA_SOURCES)
  describe.skipIf(!source.available)(`arXiv API lookups (fetchArxivPapers), ${source.label}`, () => {
    const answers = () => arxivLookups(source);
    async function setup(handler: Parameters<typeof startReplayServer>[0]) {
      store = await createTestDatabase('sqlite');
      server = await startReplayServer(handler);
      return sourceContext(harvestConfig(server.url), store);
    }

    it('looks up several ids in one request and returns the papers arXiv knows', async () => {
      const {
        asked: [unknown, known],
        body,
        title,
      } = answers().pair;
      const ctx = await setup(() => xml(body));
      // 0808.05394 is not a well-formed id (five digits before 2015): it is refused before any request.
      await expect(fetchArxivPapers(ctx, ['0808.05394'])).rejects.toMatchObject({ status: 400 });
      const papers = await fetchArxivPapers(ctx, [unknown, `${known}v1`, known]);
      expect(papers.map((p) => p.id)).toEqual([known]);
      expect(papers[0].title).toMatch(title);
      expect(server.requests).toHaveLength(1);
      expect(server.requests[0].query.get('id_list')).toBe(`${unknown},${known}`);
      expect(server.requests[0].path).toBe('/api/query');
    });

    it('an unknown id comes back empty; old-style ids work', async () => {
      const { empty, oldStyle } = answers();
      const ctx = await setup((req) => xml(req.query.get('id_list') === oldStyle.id ? oldStyle.body : empty));
      expect(await fetchArxivPapers(ctx, ['0801.0001'])).toEqual([]);
      const [paper] = await fetchArxivPapers(ctx, [oldStyle.id]);
      expect(paper.id).toBe(oldStyle.id);
    });

    it("arXiv's HTTP 400 becomes a 400 with arXiv's message; malformed ids never leave the process", async () => {
      const { rejected } = answers();
      expect(rejected.status_code).toBe(400);
      const ctx = await setup(() => xml(rejected.body, 400));
      await expect(fetchArxivPapers(ctx, ['0801.0001'])).rejects.toMatchObject({ status: 400, code: 'bad_arxiv_id', message: /incorrect id format for abc/ });
      await expect(fetchArxivPapers(ctx, ['abc'])).rejects.toMatchObject({ status: 400, code: 'bad_arxiv_id' });
      expect(server.requests).toHaveLength(1);
    });

    it('an HTML page or malformed XML is a 502; an unreachable arXiv a 503', async () => {
      const { single } = answers();
      const ctx = await setup((req) =>
        req.query.get('id_list') === single.id
          ? xml(single.body.slice(0, single.body.length - 40))
          : { status: 200, headers: { 'content-type': 'text/html' }, body: '<html><body>Oops</body></html>' },
      );
      await expect(fetchArxivPapers(ctx, [single.id])).rejects.toMatchObject({ status: 502, message: /malformed XML/ });
      await expect(fetchArxivPapers(ctx, ['1605.08387'])).rejects.toMatchObject({ status: 502, message: /HTML page/ });
      await server.close();
      await expect(fetchArxivPapers(ctx, [single.id])).rejects.toMatchObject({ status: 503, code: 'arxiv_unreachable' });
    });
  });

describe('arXiv RSS parser', () => {
  it('reads announce types, announced day, authors and the abstract behind the prefix', () => {
    const doc = arxivRss(
      [
        {
          id: '2406.00001',
          categories: ['cs.CL', 'cs.AI'],
          authors: ['Ada Lovelace', 'Alan Turing'],
          title: 'On <b> & LaTeX $x<y$',
          summary: 'We show $a < b$ & more.',
          announceType: 'new',
        },
        { id: '2405.00002', categories: ['cs.LG'], authors: ['Grace Hopper'], title: 'Replaced', summary: 'v2 text', announceType: 'replace' },
      ],
      '2024-06-04',
      'cs.AI+cs.CL',
    );
    const feed = parseArxivRss(doc);
    expect(feed.publishedOn).toBe('2024-06-04');
    expect(feed.items[0]).toMatchObject({
      announceType: 'new',
      announcedOn: '2024-06-04',
      paper: {
        id: '2406.00001v1',
        title: 'On <b> & LaTeX $x<y$',
        abstract: 'We show $a < b$ & more.',
        authors: ['Ada Lovelace', 'Alan Turing'],
        categories: ['cs.CL', 'cs.AI'],
      },
    });
    expect(feed.items[1].announceType).toBe('replace');
  });

  it('refuses something that is not RSS', () => {
    expect(() => parseArxivRss('<html><body>hi</body></html>')).toThrow(/not an RSS 2.0 feed/);
    expect(() => parseArxivRss('<rss><channel><item>')).toThrow(/malformed XML/);
  });
});

/** The listing day replayed: a day of the real crawl, or the corpus's busiest day. */
const LISTING_DAY = { fixtures: '2025-06-03', shared: '2026-07-01' };

describe.each(databaseKinds)('arXiv listing harvest on %s', (kind) => {
  for (const source of DATA_SOURCES)
    it.skipIf(!source.available)(`stores a day of announcements with its announced date; replacements keep their original date (${source.label})`, async () => {
      const day = LISTING_DAY[source.name];
      const rows = listingDay(source, day);
      const announced = rows.map((r, i) => ({
        ...r,
        announceType: i < 5 ? 'replace' : r.categories.includes('cs.CL') && r.categories[0] !== 'cs.CL' ? 'cross' : 'new',
      }));
      store = await createTestDatabase(kind);
      server = await startReplayServer((req) => (req.path === '/rss/cs.AI+cs.CL' ? xml(arxivRss(announced, day, 'cs.AI+cs.CL')) : { status: 404 }));
      const ctx = await sourceContext(harvestConfig(server.url, { ARXIV_CATEGORIES: 'cs.AI,cs.CL' }), store);
      const counts = await harvestListing(ctx);
      expect(server.requests).toHaveLength(1);
      expect(counts).toMatchObject({ items: rows.length, inserted: rows.length, skipped: 0 });
      expect((await storeStats(store)).papers).toBe(rows.length);
      const fresh = await getPaper(store, rows[10].id);
      expect(fresh).toMatchObject({ announcedOn: day, title: rows[10].title.replace(/\s+/g, ' ').trim(), authors: rows[10].authors });
      expect((await getPaper(store, rows[0].id))?.announcedOn).toBeNull();
      expect(await getCursor(store, 'arxiv-listing')).toMatchObject({ lastAnnouncedOn: day });
      // The same listing again changes nothing.
      expect(await harvestListing(ctx)).toMatchObject({ inserted: 0, updated: 0 });
    });

  it('an HTML page instead of the feed fails clearly', async () => {
    store = await createTestDatabase(kind);
    server = await startReplayServer(() => ({
      status: 200,
      headers: { 'content-type': 'text/html' },
      body: '<!DOCTYPE html><html><body>maintenance</body></html>',
    }));
    const ctx = await sourceContext(harvestConfig(server.url), store);
    await expect(harvestListing(ctx)).rejects.toThrow(/an HTML page \(HTTP 200, text\/html\) instead of RSS/);
  });
});
