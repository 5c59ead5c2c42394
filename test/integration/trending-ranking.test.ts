// One trending ranking: for the same papers and day, the trending page, a digest and search's sort=trending list the
// papers in the same order, star growth included (digests and search used to rank without it, each their own way).
import { afterEach, describe, expect, it } from 'vitest';
import { upsertDailyEntries, upsertPapers } from '../../src/db/papers.ts';
import { normalizePaper, type DailyEntry } from '../../src/domain/paper.ts';
import { runDigests } from '../../src/mail/digest-runner.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { addSubscriber, SECRET_KEY } from '../helpers/digest-world.ts';
import { testApp } from '../web/server.ts';

/** Thursday: the papers' day. Friday's daily digest covers it; the trending page ranks as of it. */
const DAY = '2025-06-05';
const DIGEST_DATE = '2025-06-06';
const NOW = new Date(`${DAY}T12:00:00Z`);

// [id, upvotes, comments, repository, stars now, stars two days ago]
const PAPERS: [string, number, number, string | null, number | null, number | null][] = [
  ['2506.05001', 12, 0, null, null, null],
  // Fewer upvotes than 2506.05001, but 1,000 stars gained in two days: star growth puts it first.
  ['2506.05002', 8, 0, 'example/rising', 1200, 200],
  ['2506.05003', 9, 1, null, null, null],
  // Many stars, none gained: only the weak total-stars part counts.
  ['2506.05004', 5, 0, 'example/famous', 40000, 40000],
  ['2506.05005', 2, 3, null, null, null],
  ['2506.05006', 1, 0, 'example/new', 30, 10],
];

async function seed(db: TestDatabase): Promise<void> {
  await upsertPapers(
    db,
    PAPERS.map(([id, , , repo], n) =>
      normalizePaper({
        id,
        title: `Attention patterns in model ${n}`,
        abstract: `We study attention in model ${n}.`,
        authors: [`Author ${n}`],
        categories: ['cs.CL'],
        submittedAt: `2025-06-04T0${n}:00:00Z`,
        announcedOn: DAY,
        versions: [{ version: 1, created: `2025-06-04T0${n}:00:00Z` }],
        codeUrl: repo ? `https://github.com/${repo}` : null,
      }),
    ),
  );
  const entries: DailyEntry[] = PAPERS.map(([paperId, upvotes, numComments]) => ({
    paperId,
    day: DAY,
    submittedAt: `${DAY}T08:00:00Z`,
    submittedBy: 'alice',
    upvotes,
    numComments,
    githubRepo: null,
    githubStars: null,
    projectPage: null,
    keywords: [],
    aiSummary: null,
    source: 'hf',
  }));
  await upsertDailyEntries(db, entries);
  for (const [id, , , repo, stars, before] of PAPERS) {
    if (!repo) continue;
    await db.db.updateTable('papers').set({ github_stars: stars }).where('id', '=', id).execute();
    await db.db
      .insertInto('github_star_snapshots' as any)
      .values([
        { repo, observed_at: '2025-06-03T06:00:00.000Z', stars: before },
        { repo, observed_at: `${DAY}T06:00:00.000Z`, stars },
      ] as any)
      .execute();
  }
}

describe.each(databaseKinds)('one trending ranking on %s', (kind) => {
  let db: TestDatabase;
  afterEach(() => db?.drop());

  it('a digest and search rank the papers of a day exactly as the trending page does', async () => {
    db = await createTestDatabase(kind);
    await seed(db);
    const { app, services } = await testApp(db, { now: NOW, env: { PAGE_CACHE_SECONDS: '0', EMBEDDER: 'none', SECRET_KEY } });
    try {
      const page = await (await app.request('/papers/trending')).text();
      const trendingOrder = [...new Set([...page.matchAll(/href="\/papers\/(2506\.\d{5})"/g)].map((m) => m[1]))];
      expect([...trendingOrder].sort()).toEqual(PAPERS.map(([id]) => id).sort());
      // Star growth is in the ranking: without it, 2506.05001's upvotes would put it first.
      expect(trendingOrder[0]).toBe('2506.05002');

      // A subscriber with no topics gets the whole trending list, in order.
      await addSubscriber(db, 'reader@example.org', { paperCount: PAPERS.length });
      const summary = await runDigests(services, { date: DIGEST_DATE, dryRun: true });
      expect(summary.dryRun).toHaveLength(1);
      expect(summary.dryRun[0].paperIds).toEqual(trendingOrder);

      const found = await services.search.search('attention', { sort: 'trending', mode: 'lexical', limit: 20 });
      expect(found.hits.map((h) => h.id)).toEqual(trendingOrder);
    } finally {
      await services.close();
    }
  });
});
