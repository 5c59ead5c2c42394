// Trending over a real store: GitHub star velocity from github_star_snapshots moves a paper up and is shown as a
// part of its score.
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { FIXED_NOW, seedFixtures } from './fixtures.ts';
import { testApp } from './server.ts';

const STARRED = '2506.05100'; // announced 2025-06-05, repository github.com/example/starred, 1,200 stars

async function trendingItems(db: TestDatabase) {
  const { app } = await testApp(db, { now: FIXED_NOW, env: { PAGE_CACHE_SECONDS: '0' } });
  return (await (await app.request('/api/daily_papers?date=2025-06-05&sort=trending')).json()) as any[];
}

for (const kind of databaseKinds) {
  describe(`trending on ${kind}`, () => {
    let db: TestDatabase;
    afterEach(() => db?.drop());

    it('adds star velocity from snapshots within the window and explains it on the page', async () => {
      db = await createTestDatabase(kind);
      await seedFixtures(db);
      const before = (await trendingItems(db)).find((i) => i.paper.id === STARRED);
      expect(before.paper.trending.parts.starVelocity).toBe(0);
      await db.db
        .insertInto('github_star_snapshots' as any)
        .values([
          { repo: 'example/starred', observed_at: '2025-06-03T00:00:00.000Z', stars: 400 },
          { repo: 'example/starred', observed_at: '2025-06-05T00:00:00.000Z', stars: 1200 },
        ] as any)
        .execute();
      const after = (await trendingItems(db)).find((i) => i.paper.id === STARRED);
      // 800 stars in 2 days = 400 per day; 3 × log2(401).
      expect(after.paper.trending.parts.starVelocity).toBeCloseTo(3 * Math.log2(401), 6);
      expect(after.paper.trending.score).toBeGreaterThan(before.paper.trending.score);
      const { app } = await testApp(db, { now: FIXED_NOW, env: { PAGE_CACHE_SECONDS: '0' } });
      expect(await (await app.request('/papers/date/2025-06-05')).text()).toContain('from GitHub star growth');
    });
  });
}
