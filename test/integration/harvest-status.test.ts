// What operators see and type: GET /api/admin/status (admins only), `paperfeed status`, `paperfeed harvest`
// argument checking; and the Hugging Face daily-papers sync against API responses (recorded, or the fixture corpus's).
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { acquireLease } from '../../src/db/jobs.ts';
import { createApiToken } from '../../src/db/sessions.ts';
import { createUser } from '../../src/db/users.ts';
import { getPaper } from '../../src/db/papers.ts';
import { syncHfDailyPapers } from '../../src/ingest/hf-sync.ts';
import { runJob } from '../../src/jobs/runner.ts';
import { effectiveSchedules, findJob } from '../../src/jobs/schedule.ts';
import { nextSlot } from '../../src/jobs/slots.ts';
import { harvestState } from '../../src/jobs/status.ts';
import { main } from '../../src/main.ts';
import { createApp } from '../../src/web/app.tsx';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { harvestConfig, sourceContext, xml } from '../helpers/harvest-fixtures.ts';
import { startReplayServer, type ReplayServer } from '../helpers/replay-server.ts';
import { DATA_SOURCES, sourcePath, type DataSource } from '../helpers/corpus.ts';
import { captureOutput } from '../helpers/capture.ts';
import { testServices } from '../helpers/services.ts';

let store: TestDatabase | undefined;
let server: ReplayServer | undefined;
afterEach(async () => {
  await server?.close();
  await store?.drop();
  server = undefined;
  store = undefined;
});

const track = (s: TestDatabase) => (store = s);

describe.each(databaseKinds)('status on %s', (kind) => {
  it('GET /api/admin/status: 401 anonymous, 403 for a user, the jobs for an admin', async () => {
    const store = await createTestDatabase(kind);
    track(store);
    server = await startReplayServer(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>maintenance</html>' }));
    const config = harvestConfig(server.url, { ...store.env, ARXIV_CATEGORIES: 'cs.AI' });
    const services = await testServices(config, store);
    const outcome = await runJob(services, { job: findJob('harvest-listing')!, slot: 'manual:1', trigger: 'manual', holder: 'test' });
    expect(outcome.status).toBe('failed');

    const app = createApp(services);
    expect((await app.request('/api/admin/status')).status).toBe(401);
    const user = await createUser(store, { email: 'u@example.org', username: 'reader' });
    const admin = await createUser(store, { email: 'a@example.org', username: 'admin', role: 'admin' });
    const userToken = (await createApiToken(store, user.id, 'test')).token;
    const adminToken = (await createApiToken(store, admin.id, 'test')).token;
    expect((await app.request('/api/admin/status', { headers: { authorization: `Bearer ${userToken}` } })).status).toBe(403);
    const res = await app.request('/api/admin/status', { headers: { authorization: `Bearer ${adminToken}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = await res.json();
    const listing = body.jobs.find((j: { name: string }) => j.name === 'harvest-listing');
    expect(listing).toMatchObject({
      schedule: '15 5,11 * * *',
      lastRun: { status: 'failed', trigger: 'manual' },
      lastError: { error: expect.stringMatching(/HTML page/) },
    });
    expect(Date.parse(listing.nextRun)).toBeGreaterThan(Date.now());
    expect(body.jobs.map((j: { name: string }) => j.name)).toEqual(
      expect.arrayContaining(['harvest-oai', 'harvest-listing', 'github-stars', 'hf-sync', 'digest']),
    );
    expect(body.jobs.find((j: { name: string }) => j.name === 'hf-sync').schedule).toBeNull();

    const out = captureOutput();
    expect(await main(['status', '--json'], { stdout: out.stream, config: () => config })).toBe(0);
    expect(JSON.parse(out.text()).jobs[1].lastRun.status).toBe('failed');
    const text = captureOutput();
    expect(await main(['status'], { stdout: text.stream, config: () => config })).toBe(0);
    expect(text.text()).toMatch(/harvest-listing {2}\[15 5,11 \* \* \*\][^\n]*\n {2}last run: failed/);
    expect(text.text()).toMatch(/last error \([^)]+\): SourceError: arXiv listing sent an HTML page/);
  });
});

describe('harvest --once while another process holds the lease', () => {
  it('waits about one lease period, then exits 75 (try again later) without running', async () => {
    const store = await createTestDatabase('sqlite');
    track(store);
    await acquireLease(store, { name: 'arxiv', holder: 'busy-server', job: 'harvest-oai', ttlMs: 60_000 });
    const config = loadConfig({ ...store.env, JOB_LEASE_MS: '500', LOG_LEVEL: 'silent' });
    const out = captureOutput();
    expect(await main(['harvest', '--once', '--source', 'listing'], { stdout: out.stream, config: () => config })).toBe(75);
    expect(out.text()).toMatch(/harvest-listing: skipped: another process is running a job on the same source/);
    expect(await store.db.selectFrom('job_runs').selectAll().execute()).toEqual([]);
  });
});

describe.each(databaseKinds)('harvest state for pages on %s', (kind) => {
  it('a failed scheduled run is retried after the backoff, a failed manual one waits for the next slot', async () => {
    const store = track(await createTestDatabase(kind));
    server = await startReplayServer(() => ({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>maintenance</html>' }));
    const config = harvestConfig(server.url, { ...store.env, ARXIV_CATEGORIES: 'cs.AI', JOB_RETRY_BASE_MS: '600000' });
    const services = await testServices(config, store);
    expect(await harvestState(store, config)).toMatchObject({ state: 'never', error: null, scheduled: true });
    const slots = ['harvest-oai', 'harvest-listing'].map((name) => nextSlot(effectiveSchedules(config).get(name)!, new Date())!.toISOString()).sort();

    const manual = await runJob(services, { job: findJob('harvest-listing')!, slot: 'manual:1', trigger: 'manual', holder: 'test' });
    expect(manual.status).toBe('failed');
    const afterManual = await harvestState(store, config);
    expect(afterManual).toMatchObject({ state: 'failing', error: expect.stringMatching(/HTML page/), nextTry: slots[0] });

    const scheduled = await runJob(services, { job: findJob('harvest-listing')!, slot: '2025-06-04T05:15:00.000Z', trigger: 'schedule', holder: 'test' });
    expect(scheduled.status).toBe('failed');
    const afterScheduled = await harvestState(store, config);
    expect(afterScheduled.state).toBe('failing');
    // One failed attempt: the retry is JOB_RETRY_BASE_MS after it finished (unless a scheduled slot comes sooner).
    const retryAt = new Date(Date.parse(afterScheduled.since!) + 600_000).toISOString();
    expect(afterScheduled.nextTry).toBe([retryAt, slots[0]].sort()[0]);

    expect(await harvestState(store, { ...config, SCHEDULER: false })).toMatchObject({ state: 'failing', nextTry: null, scheduled: false });
    await acquireLease(store, { name: 'arxiv', holder: 'other', job: 'harvest-oai', ttlMs: 60_000 });
    expect(await harvestState(store, config)).toMatchObject({ state: 'running', error: null });
    await services.close();
  });
});

describe('harvest command arguments', () => {
  it('refuses bad usage with exit code 2 and a message', async () => {
    const cases: [string[], RegExp][] = [
      [['harvest'], /--once is required/],
      [['harvest', '--once', '--source', 'everything'], /unknown source "everything"/],
      [['harvest', '--once', '--from', '2024-13-45'], /--from expects a day like 2024-06-03/],
      [['harvest', '--once', '--source', 'github', '--from', '2024-06-03'], /--from applies to the OAI-PMH harvest/],
    ];
    for (const [args, message] of cases) {
      const err = captureOutput();
      expect(await main(args, { stderr: err.stream, config: () => loadConfig({}) })).toBe(2);
      expect(err.text()).toMatch(message);
    }
  });
});

/** A good day of the API and one the crawl saved as Python reprs instead of JSON. */
function hfDays(source: DataSource): { good: string; broken: string } {
  if (source.name === 'fixtures') {
    return {
      good: fs.readFileSync(sourcePath(source, 'hf-daily-papers-api', 'days', '2025-06-03.json'), 'utf8'),
      broken: fs.readFileSync(path.resolve(import.meta.dirname, '../fixtures/ingest/hf/2024-12-11.json'), 'utf8'),
    };
  }
  const day = (name: string) => zlib.gunzipSync(fs.readFileSync(sourcePath(source, 'hf-daily-papers-api', 'days', `${name}.json.gz`))).toString('utf8');
  return { good: day('2025-10-10'), broken: day('2024-12-11') };
}

describe.each(databaseKinds)('Hugging Face daily papers sync on %s', (kind) => {
  for (const source of DATA_SOURCES)
    it.skipIf(!source.available)(`stores the recent days with their upvotes and people, and skips a day that is not API JSON (${source.label})`, async () => {
      const store = await createTestDatabase(kind);
      track(store);
      const { good, broken } = hfDays(source);
      const today = new Date().toISOString().slice(0, 10);
      server = await startReplayServer((req) =>
        req.path === '/hf/api/daily_papers'
          ? { status: 200, headers: { 'content-type': 'application/json' }, body: req.query.get('date') === today ? good : broken }
          : xml('', 404),
      );
      const ctx = await sourceContext(harvestConfig(server.url, { HF_SYNC: 'true' }), store);
      const counts = await syncHfDailyPapers(ctx, 2);
      const expected = JSON.parse(good) as { paper: { id: string; upvotes: number } }[];
      expect(counts).toMatchObject({ days: 1, unusableDays: 1, entries: expected.length });
      expect(server.requests.map((r) => r.headers['user-agent'])).toEqual([expect.stringMatching(/mailto:/), expect.stringMatching(/mailto:/)]);
      const entry = await store.db.selectFrom('daily_entries').selectAll().where('paper_id', '=', expected[0].paper.id).executeTakeFirst();
      expect(Number(entry?.upvotes)).toBe(expected[0].paper.upvotes);
      expect(await getPaper(store, expected[0].paper.id)).not.toBeNull();
      // What the day says about people is kept too: linked authors, organisations, media (docs/community.md).
      const items = JSON.parse(good) as { paper: { authors: { user?: unknown }[] }; organization?: unknown; mediaUrls?: string[] }[];
      const linked = await store.db
        .selectFrom('hf_author_entries')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('hf_user', 'is not', null)
        .executeTakeFirstOrThrow();
      expect(Number(linked.n)).toBe(items.flatMap((i) => i.paper.authors).filter((a) => a.user).length);
      const details = await store.db.selectFrom('hf_paper_details').select(['organization', 'media_urls']).execute();
      expect(details.filter((d) => d.organization)).toHaveLength(items.filter((i) => i.organization).length);
      expect(details.filter((d) => d.media_urls !== '[]')).toHaveLength(items.filter((i) => i.mediaUrls?.length).length);
      expect(Number(linked.n)).toBeGreaterThan(0);
    });
});
