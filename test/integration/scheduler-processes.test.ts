// Whole `paperfeed serve` processes: two of them on one PostgreSQL database run each job once per slot;
// a first start on an empty store harvests in the background, says clearly when there is no network,
// retries with backoff, keeps serving, and catches up once the source is back.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, PG_URL, type TestDatabase } from '../helpers/db.ts';
import { arxivRss, oaiChain, oaiHandler, xml } from '../helpers/harvest-fixtures.ts';
import { startPaperfeed, type PaperfeedProcess } from '../helpers/paperfeed-process.ts';
import { startReplayServer, type ReplayServer } from '../helpers/replay-server.ts';
import { DATA_SOURCES } from '../helpers/corpus.ts';

let store: TestDatabase | undefined;
let servers: ReplayServer[] = [];
let processes: PaperfeedProcess[] = [];
afterEach(async () => {
  await Promise.all(processes.map((p) => p.stop('SIGKILL')));
  await Promise.all(servers.map((s) => s.close()));
  await store?.drop();
  processes = [];
  servers = [];
  store = undefined;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe.skipIf(!PG_URL)('two scheduler processes on one PostgreSQL database', () => {
  it('run each job exactly once per slot', async () => {
    store = await createTestDatabase('postgres');
    const rss = arxivRss(
      [{ id: '2406.00001', categories: ['cs.CL'], authors: ['Ada Lovelace'], title: 'A paper', summary: 'Abstract.', announceType: 'new' }],
      '2024-06-04',
      'cs.CL',
    );
    // Slow answers widen the window in which a broken lease would let both processes in.
    const source = await startReplayServer((req) =>
      req.path.startsWith('/rss/')
        ? { ...xml(rss), delayMs: 300 }
        : { status: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"Not Found"}', delayMs: 100 },
    );
    servers.push(source);
    const env = {
      ...store.env,
      HOST: '127.0.0.1',
      PORT: '0',
      ARXIV_CATEGORIES: 'cs.CL',
      ARXIV_LISTING_URL: `${source.url}/rss`,
      GITHUB_API_URL: `${source.url}/github`,
      ALLOW_PRIVATE_NETWORK: 'true',
      ARXIV_MIN_INTERVAL_MS: '0',
      GITHUB_MIN_INTERVAL_MS: '0',
      SCHEDULER_TICK_MS: '100',
      JOB_LEASE_MS: '5000',
      SCHEDULE_OVERRIDES: 'harvest-oai=off;harvest-listing=*/2 * * * * *;github-stars=*/3 * * * * *',
      LOG_LEVEL: 'info',
    };
    processes = [startPaperfeed(['serve'], env), startPaperfeed(['serve'], env)];
    await Promise.all(processes.map((p) => p.waitFor(/Paperfeed is serving/, 60_000)));
    await sleep(7_000);
    await Promise.all(processes.map((p) => p.stop('SIGTERM')));

    const runs = await store.db.selectFrom('job_runs').selectAll().orderBy('started_at').execute();
    for (const job of ['harvest-listing', 'github-stars']) {
      const ofJob = runs.filter((r) => r.job === job);
      const slots = new Set(ofJob.map((r) => r.slot));
      expect(slots.size, `${job} ran in several slots`).toBeGreaterThanOrEqual(job === 'harvest-listing' ? 3 : 2);
      for (const slot of slots) {
        const inSlot = ofJob.filter((r) => r.slot === slot);
        expect(
          inSlot.map((r) => r.status),
          `${job} ${slot}: ${inSlot.map((r) => r.error).join('; ')}`,
        ).toEqual(['ok']);
      }
    }
    // Every listing run made exactly one request: no run was duplicated behind the database's back.
    const listingRuns = runs.filter((r) => r.job === 'harvest-listing').length;
    expect(source.requests.filter((r) => r.path.startsWith('/rss/'))).toHaveLength(listingRuns);
    // Runs holding the same lease never overlapped in time.
    const arxiv = runs.filter((r) => r.job === 'harvest-listing');
    for (let i = 1; i < arxiv.length; i++) expect(arxiv[i].started_at >= arxiv[i - 1].finished_at!).toBe(true);
  }, 120_000);
});

for (const source of DATA_SOURCES)
  describe.skipIf(!source.available)(`first start on an empty store, ${source.label}`, () => {
    it('harvests in the background, says when there is no network, retries with backoff and serves meanwhile', async () => {
      store = await createTestDatabase('sqlite', { migrated: false });
      // A port with nothing listening: "no network" for the harvester.
      const placeholder = await startReplayServer(() => ({}));
      const port = placeholder.port;
      await placeholder.close();
      const env = {
        ...store.env,
        HOST: '127.0.0.1',
        PORT: '0',
        ARXIV_CATEGORIES: 'cs.AI',
        ARXIV_OAI_URL: `http://127.0.0.1:${port}/oai`,
        ARXIV_LISTING_URL: `http://127.0.0.1:${port}/rss`,
        GITHUB_API_URL: `http://127.0.0.1:${port}/github`,
        ALLOW_PRIVATE_NETWORK: 'true',
        ARXIV_MIN_INTERVAL_MS: '0',
        HTTP_MAX_RETRIES: '1',
        HTTP_RETRY_BASE_MS: '50',
        JOB_RETRY_BASE_MS: '500',
        SCHEDULER_TICK_MS: '100',
        SCHEDULE_OVERRIDES: 'harvest-listing=off;github-stars=off',
        LOG_LEVEL: 'info',
      };
      const serve = startPaperfeed(['serve'], env);
      processes.push(serve);
      await serve.waitFor(/empty database: harvesting the last 7 days from arXiv in the background/, 60_000);
      await serve.waitFor(/harvest-oai could not reach its source \(no network\?\); retrying in \d+ s; serving what is stored/, 30_000);
      const address = /listening on 127\.0\.0\.1:(\d+)/.exec(serve.output().stdout)?.[1];
      expect(address).toBeDefined();
      const health = await fetch(`http://127.0.0.1:${address}/healthz`);
      expect(health.status).toBe(200);

      // The source comes back: the next retry harvests the whole token chain.
      const { pages, records } = oaiChain(source);
      const oai = await startReplayServer(oaiHandler(pages), port);
      servers.push(oai);
      await serve.waitFor(/"job":"harvest-oai","ms":\d+[^\n]*"msg":"job finished"/, 60_000);
      const papers = await store.db
        .selectFrom('papers')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      expect(Number(papers.n)).toBe(records[0] + records[1] + records[2]);
      const runs = await store.db
        .selectFrom('job_runs')
        .select(['job', 'status', 'trigger', 'attempt', 'error'])
        .where('job', '=', 'harvest-oai')
        .orderBy('attempt')
        .execute();
      expect(runs.at(-1), JSON.stringify(runs)).toMatchObject({ status: 'ok' });
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(runs[0]).toMatchObject({
        status: 'failed',
        trigger: 'first-start',
        error: expect.stringMatching(/cannot reach 127\.0\.0\.1:\d+ \(ECONNREFUSED\)/),
      });
      expect(serve.output().stderr).toMatch(/OAI-PMH page stored/);
    }, 120_000);
  });
