// OAI-PMH harvesting against a local server replaying a ListRecords token chain (arXiv's real pages, or the fixture
// corpus as arXivRaw pages; both with resumption tokens and an empty final token), and the ways a harvest goes
// wrong: an error midway through the chain, an HTML page instead of XML, malformed XML, 503 Retry-After, an
// expired token.
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { commitHarvestPage, getCursor } from '../../src/db/harvest.ts';
import { normalizePaper } from '../../src/domain/paper.ts';
import { harvestOai, oaiCursorKey, oaiSetsFor, type OaiCursor } from '../../src/ingest/arxiv-oai.ts';
import { storeStats } from '../../src/db/papers.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { harvestConfig, oaiChain, oaiHandler, sourceContext, xml, OAI_TOKENS, type OaiChain } from '../helpers/harvest-fixtures.ts';
import { startReplayServer, type ReplayServer } from '../helpers/replay-server.ts';
import { DATA_SOURCES } from '../helpers/corpus.ts';

it('maps categories to OAI sets', () => {
  expect(oaiSetsFor(['cs.AI', 'cs.CL', 'cs.CV', 'cs.LG', 'stat.ML'])).toEqual(['cs', 'stat']);
  expect(oaiSetsFor(['astro-ph.GA', 'math.CO', 'quant-ph'])).toEqual(['physics:astro-ph', 'math', 'physics:quant-ph']);
});

for (const source of DATA_SOURCES)
  describe.skipIf(!source.available).each(databaseKinds)(`OAI-PMH harvest on %s, ${source.label}`, (kind) => {
    let store: TestDatabase;
    let server: ReplayServer;
    let pages: string[];
    let records: OaiChain['records'];
    let total: number;
    /** The chain's response date: a harvest from that day is what the next one starts from again. */
    let day: string;
    beforeAll(() => {
      ({ pages, records, respondedOn: day } = oaiChain(source));
      total = records[0] + records[1] + records[2];
    });
    afterEach(async () => {
      await server?.close();
      await store?.drop();
    });

    async function setup(env: Record<string, string> = {}) {
      store = await createTestDatabase(kind);
      server = await startReplayServer(oaiHandler(pages));
      const config = harvestConfig(server.url, { ARXIV_CATEGORIES: 'cs.AI', ...env });
      return sourceContext(config, store);
    }

    const paperCount = async () => (await storeStats(store)).papers;
    const cursor = () => getCursor<OaiCursor>(store, oaiCursorKey('cs'));

    it('follows the token chain to the empty final token, then harvests incrementally from the chain start', async () => {
      const ctx = await setup();
      const counts = await harvestOai(ctx, { from: day });
      expect(counts).toMatchObject({ pages: 3, records: total, inserted: total });
      expect(await paperCount()).toBe(total);
      const [first, second, third] = server.requests;
      expect(Object.fromEntries(first.query)).toEqual({ verb: 'ListRecords', metadataPrefix: 'arXivRaw', from: day, set: 'cs' });
      expect(Object.fromEntries(second.query)).toEqual({ verb: 'ListRecords', resumptionToken: OAI_TOKENS[0] });
      expect(Object.fromEntries(third.query)).toEqual({ verb: 'ListRecords', resumptionToken: OAI_TOKENS[1] });
      expect(await cursor()).toMatchObject({ token: null, from: day, pagesInChain: 0 });

      // The next harvest starts from the day the last chain began; the overlap changes nothing.
      const again = await harvestOai(ctx);
      expect(server.requests[3].query.get('from')).toBe(day);
      expect(again).toMatchObject({ inserted: 0, unchanged: total });
      expect(await paperCount()).toBe(total);
    });

    it('a page failing midway keeps the pages before it, and the next run resumes at the failed token', async () => {
      const ctx = await setup();
      server.handler = oaiHandler(pages, (page) => (page === 1 ? { status: 500, body: 'Internal Server Error' } : null));
      await expect(harvestOai(ctx, { from: day })).rejects.toThrow(/HTTP 500/);
      expect(await paperCount()).toBe(records[0]);
      expect(await cursor()).toMatchObject({ token: OAI_TOKENS[0], pagesInChain: 1 });

      server.handler = oaiHandler(pages);
      const before = server.requests.length;
      const counts = await harvestOai(ctx);
      expect(server.requests[before].query.get('resumptionToken')).toBe(OAI_TOKENS[0]);
      expect(counts).toMatchObject({ pages: 2, inserted: records[1] + records[2] });
      expect(await paperCount()).toBe(total);
    });

    it('an HTML error page instead of XML fails the run clearly and moves nothing', async () => {
      const ctx = await setup();
      const html = '<!DOCTYPE html><html><head><title>503 Service Unavailable</title></head><body><h1>Down for maintenance</h1></body></html>';
      server.handler = oaiHandler(pages, (page) => (page === 1 ? { status: 200, headers: { 'content-type': 'text/html' }, body: html } : null));
      const err = await harvestOai(ctx, { from: day }).catch((e) => e);
      expect(err.message).toMatch(/an HTML page \(HTTP 200, text\/html\) instead of OAI-PMH XML/);
      expect(await cursor()).toMatchObject({ token: OAI_TOKENS[0] });
      expect(await paperCount()).toBe(records[0]);
    });

    it('a malformed XML page stores nothing of it', async () => {
      const ctx = await setup();
      server.handler = oaiHandler(pages, (page) => (page === 2 ? xml(pages[2].slice(0, pages[2].length / 2)) : null));
      await expect(harvestOai(ctx, { from: day })).rejects.toThrow(/malformed XML/);
      expect(await paperCount()).toBe(records[0] + records[1]);
      expect(await cursor()).toMatchObject({ token: OAI_TOKENS[1], pagesInChain: 2 });
    });

    it("waits out arXiv's 503 Retry-After inside the chain", async () => {
      const ctx = await setup();
      let busy = true;
      server.handler = oaiHandler(pages, (page) => {
        if (page !== 1 || !busy) return null;
        busy = false;
        return {
          status: 503,
          headers: { 'retry-after': '1', 'content-type': 'text/html' },
          body: '<html><body>\n<h1>Retry after 1 seconds</h1>\n</body></html>',
        };
      });
      const started = Date.now();
      const counts = await harvestOai(ctx, { from: day });
      expect(counts.records).toBe(total);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
      expect(server.requests.filter((r) => r.query.get('resumptionToken') === OAI_TOKENS[0])).toHaveLength(2);
    });

    it('restarts the window when the saved token has expired', async () => {
      const ctx = await setup();
      server.handler = oaiHandler(pages, (page) => (page === 1 ? { status: 500 } : null));
      await expect(harvestOai(ctx, { from: day })).rejects.toThrow();
      // arXiv forgot the token meanwhile: it answers badResumptionToken, the harvester starts the window over.
      let expired = true;
      server.handler = (req) => {
        if (req.query.get('resumptionToken') === OAI_TOKENS[0] && expired) {
          expired = false;
          return oaiHandler(pages)({ ...req, query: new URLSearchParams('resumptionToken=expired') });
        }
        return oaiHandler(pages)(req);
      };
      const before = server.requests.length;
      const counts = await harvestOai(ctx);
      expect(server.requests.slice(before).map((r) => r.query.get('resumptionToken') ?? r.query.get('from'))).toEqual([OAI_TOKENS[0], day, ...OAI_TOKENS]);
      expect(counts.records).toBe(total);
      expect(await paperCount()).toBe(total);
      expect(await cursor()).toMatchObject({ token: null });
    });

    it('a page and its cursor are one transaction: if the cursor cannot be written, the page is not stored', async () => {
      await setup();
      const page = [normalizePaper({ id: '2303.00001', title: 'One' }), normalizePaper({ id: '2303.00002', title: 'Two' })];
      // A BigInt cannot be serialised: the cursor write fails inside the transaction.
      await expect(commitHarvestPage(store, oaiCursorKey('cs'), page, { token: 1n })).rejects.toThrow();
      expect(await paperCount()).toBe(0);
      expect(await cursor()).toBeNull();
      await commitHarvestPage(store, oaiCursorKey('cs'), page, { token: 't' });
      expect(await paperCount()).toBe(2);
      expect(await cursor()).toEqual({ token: 't' });
    });

    it('treats noRecordsMatch as an empty harvest', async () => {
      const ctx = await setup();
      server.handler = () =>
        xml(
          '<?xml version="1.0"?><OAI-PMH xmlns="http://www.openarchives.org/OAI/2.0/"><responseDate>2023-03-08T10:00:00Z</responseDate><request verb="ListRecords">x</request><error code="noRecordsMatch">No records</error></OAI-PMH>',
        );
      expect(await harvestOai(ctx, { from: '2023-03-08' })).toMatchObject({ pages: 1, records: 0 });
      expect(await cursor()).toMatchObject({ token: null, from: '2023-03-08' });
    });
  });
