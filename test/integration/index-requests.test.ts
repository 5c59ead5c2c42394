// "Index any arXiv paper" on real stores (SQLite, and PostgreSQL when configured) against a local server replaying
// recorded arXiv API responses: a request returns at once with its place in the queue, limits are counted in the
// database before any lookup (failures included), an id asked for many times is looked up once, lookups that fail
// are retried and then given up, and a submission of an unknown paper is recorded when the paper arrives.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { getPaper, upsertPapers } from '../../src/db/papers.ts';
import { AppError } from '../../src/errors.ts';
import { processIndexQueue } from '../../src/ingest/index-queue.ts';
import { estimatedArrival, indexRequestView, requestPaperIndex } from '../../src/jobs/index-requests.ts';
import type { Services } from '../../src/services.ts';
import { atomFor } from '../helpers/community.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { daysAgo, makePaper, makeUser } from '../helpers/factory.ts';
import { harvestConfig, sourceContext } from '../helpers/harvest-fixtures.ts';
import { startReplayServer, type ReplayServer } from '../helpers/replay-server.ts';

/** One Atom feed holding an entry per id (the recorded response's entry, re-identified), as arXiv answers id_list. */
function feedFor(ids: string[], ageDays: (id: string) => number): string {
  const entries = ids.map((id) => /<entry>[\s\S]*<\/entry>/.exec(atomFor(id, `Paper ${id}`, ageDays(id)))![0]);
  return atomFor('0000.00000', 'none').replace(/<entry>[\s\S]*<\/entry>/, entries.join('\n'));
}

describe.each(databaseKinds)('index requests (%s)', (kind) => {
  let database: TestDatabase;
  let arxiv: ReplayServer;
  /** Ids arXiv knows, and how old each paper is (days). */
  let known: Map<string, number>;
  let down = false;

  const lookups = () => arxiv.requests.map((r) => (r.query.get('id_list') ?? '').split(','));
  const config = (env: Record<string, string> = {}) => harvestConfig(arxiv.url, env);
  let opened = new Map<string, Promise<Services>>();
  /** Services on this test's store with the given settings, made once per test and closed after it. */
  const ctx = (env: Record<string, string> = {}): Promise<Services> => {
    const key = JSON.stringify(env);
    if (!opened.has(key)) opened.set(key, sourceContext(config(env), database));
    return opened.get(key)!;
  };

  beforeAll(async () => {
    arxiv = await startReplayServer((req) => {
      if (down) return { status: 500, body: 'down' };
      const ids = (req.query.get('id_list') ?? '').split(',').filter((id) => known.has(id));
      return { status: 200, headers: { 'content-type': 'application/atom+xml' }, body: feedFor(ids, (id) => known.get(id)!) };
    });
  });
  afterAll(async () => {
    await arxiv.close();
  });
  beforeEach(async () => {
    database = await createTestDatabase(kind);
    known = new Map([
      ['2506.00338', 2],
      ['2506.00339', 2],
      ['2506.00340', 2],
      ['2401.00001', 400],
      ['math/0101001', 2],
    ]);
    down = false;
    arxiv.requests.length = 0;
  });
  afterEach(async () => {
    for (const services of opened.values()) await (await services).close();
    opened = new Map();
    await database.drop();
  });

  it('answers at once with the place in the queue and an estimate, and looks each id up once however often asked', async () => {
    const now = new Date('2026-01-05T10:00:20Z');
    const first = await requestPaperIndex(await ctx(), { arxivId: 'https://arxiv.org/abs/2506.00338v1', requester: 'ip:203.0.113.1', now });
    expect(first).toMatchObject({ status: 'queued', arxivId: '2506.00338', position: 1 });
    // Next minute's run, noticed within a scheduler tick, then one lookup at arXiv's pace.
    const c = config();
    expect(first.status === 'queued' && first.estimatedAt).toBe(
      new Date(Date.parse('2026-01-05T10:01:00Z') + c.SCHEDULER_TICK_MS + c.ARXIV_MIN_INTERVAL_MS).toISOString(),
    );
    const again = await requestPaperIndex(await ctx(), { arxivId: '2506.00338', requester: 'user:someone', now });
    const second = await requestPaperIndex(await ctx(), { arxivId: 'arXiv:2506.00339', requester: 'user:someone', now });
    expect(again).toMatchObject({ status: 'queued', position: 1 });
    expect(second).toMatchObject({ status: 'queued', position: 2 });
    expect(arxiv.requests).toHaveLength(0);

    expect(await processIndexQueue(await ctx())).toMatchObject({ lookups: 1, stored: 2, missing: 0 });
    expect(lookups()).toEqual([['2506.00338', '2506.00339']]);
    expect(await getPaper(database, '2506.00338')).toMatchObject({ title: 'Paper 2506.00338' });
    for (const r of [first, again, second]) {
      if (r.status !== 'queued') throw new Error('queued expected');
      expect(await indexRequestView(await ctx(), r.requestId)).toMatchObject({ status: 'stored', position: null });
    }
    // Stored now: answered as stored, nothing queued or looked up.
    expect(await requestPaperIndex(await ctx(), { arxivId: '10.48550/arXiv.2506.00338', requester: 'ip:203.0.113.1' })).toEqual({
      status: 'stored',
      arxivId: '2506.00338',
    });
    expect(await processIndexQueue(await ctx())).toMatchObject({ lookups: 0 });
    expect(arxiv.requests).toHaveLength(1);
  });

  it('estimates one lookup per 50 ids ahead, and none when the job runs from cron', () => {
    const c = config();
    const at = new Date('2026-01-05T10:00:00.500Z');
    const next = Date.parse('2026-01-05T10:01:00Z') + c.SCHEDULER_TICK_MS;
    expect(estimatedArrival(c, 50, at)?.getTime()).toBe(next + c.ARXIV_MIN_INTERVAL_MS);
    expect(estimatedArrival(c, 51, at)?.getTime()).toBe(next + 2 * c.ARXIV_MIN_INTERVAL_MS);
    expect(estimatedArrival(config({ SCHEDULER: 'false' }), 1, at)).toBeNull();
  });

  it('stores an old-style id with a subject class under the id arXiv uses', async () => {
    expect(await requestPaperIndex(await ctx(), { arxivId: 'math.AG/0101001v2', requester: 'ip:1' })).toMatchObject({
      status: 'queued',
      arxivId: 'math/0101001',
    });
    await processIndexQueue(await ctx());
    expect(await getPaper(database, 'math/0101001')).not.toBeNull();
  });

  it('limits each person before any lookup, and counts lookups that found nothing', async () => {
    const limited = { INDEX_REQUESTS_PER_HOUR: '2' };
    await requestPaperIndex(await ctx(limited), { arxivId: '2506.99999', requester: 'user:a' });
    await processIndexQueue(await ctx(limited));
    const missing = await requestPaperIndex(await ctx(limited), { arxivId: '2506.00338', requester: 'user:a' });
    // The first lookup found nothing; it still counts: the third request is refused without reaching arXiv.
    const before = arxiv.requests.length;
    const refused = await requestPaperIndex(await ctx(limited), { arxivId: '2506.00339', requester: 'user:a' }).catch((e) => e);
    expect(refused).toBeInstanceOf(AppError);
    expect(refused).toMatchObject({ status: 429 });
    expect(Number(refused.headers['Retry-After'])).toBeGreaterThan(3500);
    expect(arxiv.requests.length).toBe(before);
    // Someone else is not limited by it.
    expect(await requestPaperIndex(await ctx(limited), { arxivId: '2506.00339', requester: 'user:b' })).toMatchObject({ status: 'queued' });
    expect(missing.status).toBe('queued');
    const views = await database.db.selectFrom('index_requests').select(['arxiv_id', 'status']).orderBy('created_at').execute();
    expect(views.find((v) => v.arxiv_id === '2506.99999')?.status).toBe('missing');
  });

  it('limits everyone together, and holds the limit under concurrent requests', async () => {
    const limits = { INDEX_REQUESTS_PER_HOUR: '5', INDEX_REQUESTS_PER_HOUR_TOTAL: '8' };
    const limited = await ctx(limits);
    const results = await Promise.allSettled(
      Array.from({ length: 12 }, (_, i) => requestPaperIndex(limited, { arxivId: `2506.${String(10000 + i)}`, requester: 'user:same' })),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(5);
    expect(results.filter((r) => r.status === 'rejected').every((r) => (r as PromiseRejectedResult).reason.status === 429)).toBe(true);
    const others = await Promise.allSettled(
      Array.from({ length: 6 }, (_, i) => requestPaperIndex(limited, { arxivId: `2506.${String(20000 + i)}`, requester: `user:p${i}` })),
    );
    expect(others.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    expect(
      await database.db
        .selectFrom('index_requests')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow(),
    ).toMatchObject({ n: 8 });
  });

  it('keeps ids queued while arXiv fails, and gives up after three attempts', async () => {
    const r = await requestPaperIndex(await ctx(), { arxivId: '2506.00340', requester: 'ip:1' });
    if (r.status !== 'queued') throw new Error('queued expected');
    down = true;
    for (let i = 1; i <= 2; i++) {
      expect(await processIndexQueue(await ctx())).toMatchObject({ lookups: 1, stored: 0, failed: 0 });
      expect(await indexRequestView(await ctx(), r.requestId)).toMatchObject({ status: 'queued', position: 1 });
    }
    expect(await processIndexQueue(await ctx())).toMatchObject({ failed: 1 });
    expect(await indexRequestView(await ctx(), r.requestId)).toMatchObject({ status: 'failed', error: expect.stringContaining('arXiv') });
    // Asked again later, it is queued afresh.
    down = false;
    expect(await requestPaperIndex(await ctx(), { arxivId: '2506.00340', requester: 'ip:2' })).toMatchObject({ status: 'queued', position: 1 });
    expect(await processIndexQueue(await ctx())).toMatchObject({ stored: 1 });
  });

  it('records a submission of an unknown paper when it arrives, and refuses one the rules refuse', async () => {
    const ada = await makeUser(database);
    const services = await ctx();
    const submit = (arxivId: string) =>
      requestPaperIndex(services, { arxivId, requester: `user:${ada.id}`, purpose: 'submission', submitter: { userId: ada.id, username: ada.username } });
    const fresh = await submit('2506.00338');
    const old = await submit('2401.00001');
    expect(arxiv.requests).toHaveLength(0);
    expect(await processIndexQueue(await ctx())).toMatchObject({ stored: 2, submitted: 1, rejected: 1 });
    if (fresh.status !== 'queued' || old.status !== 'queued') throw new Error('queued expected');
    expect(await indexRequestView(await ctx(), fresh.requestId)).toMatchObject({ status: 'submitted', error: null });
    expect(await indexRequestView(await ctx(), old.requestId)).toMatchObject({ status: 'rejected', error: expect.stringContaining('last 14 days') });
    const entry = await database.db
      .selectFrom('daily_entries')
      .select(['paper_id', 'submitted_by', 'source'])
      .where('paper_id', '=', '2506.00338')
      .executeTakeFirst();
    expect(entry).toEqual({ paper_id: '2506.00338', submitted_by: ada.username, source: 'community' });
  });

  it('refuses what is not an arXiv id with a clear message', async () => {
    await expect(requestPaperIndex(await ctx(), { arxivId: 'not an id', requester: 'ip:1' })).rejects.toMatchObject({ status: 400, code: 'bad_arxiv_id' });
    await upsertPapers(database, [makePaper({ id: '2506.00341', submittedAt: daysAgo(2) })]);
    expect(await requestPaperIndex(await ctx(), { arxivId: 'https://huggingface.co/papers/2506.00341', requester: 'ip:1' })).toEqual({
      status: 'stored',
      arxivId: '2506.00341',
    });
  });
});
