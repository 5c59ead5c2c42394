// GitHub star counts against a local server replaying `GET /repos/{owner}/{repo}` (octokit's recording, or the
// fixture's answer of the same shape): first fetch, conditional refetch (304 costs nothing), a change, a missing repository, the token, and an
// exhausted rate limit.
import { afterEach, describe, expect, it } from 'vitest';
import { starSnapshots } from '../../src/db/harvest.ts';
import { getPaper, upsertPapers } from '../../src/db/papers.ts';
import { normalizePaper } from '../../src/domain/paper.ts';
import { refreshGithubStars } from '../../src/ingest/github.ts';
import { ServicePausedError } from '../../src/ingest/http.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { githubRepository, harvestConfig, sourceContext } from '../helpers/harvest-fixtures.ts';
import { startReplayServer, type ReplayResponse, type ReplayServer } from '../helpers/replay-server.ts';
import { DATA_SOURCES } from '../helpers/corpus.ts';

describe.each(databaseKinds)('GitHub stars on %s', (kind) => {
  let store: TestDatabase;
  let server: ReplayServer;
  afterEach(async () => {
    await server?.close();
    await store?.drop();
  });

  for (const source of DATA_SOURCES)
    it.skipIf(!source.available)(`records a time series, answers 304s from the stored count, and follows changes (${source.label})`, async () => {
      const recorded = githubRepository(source);
      const repo = recorded.path.replace('/repos/', '');
      const recordedStars = (recorded.response as { stargazers_count: number }).stargazers_count;
      store = await createTestDatabase(kind);
      await upsertPapers(store, [
        normalizePaper({ id: '2406.00001', title: 'With code', abstract: `Code: https://github.com/${repo}`, categories: ['cs.LG'] }),
        normalizePaper({ id: '2406.00002', title: 'Same repo', codeUrl: `https://github.com/${repo}`, categories: ['cs.LG'] }),
        normalizePaper({ id: '2406.00003', title: 'Gone', codeUrl: 'https://github.com/someone/deleted-repo', categories: ['cs.LG'] }),
        normalizePaper({ id: '2406.00004', title: 'No code', categories: ['cs.LG'] }),
      ]);
      let stars = recordedStars;
      const etag = () => `"etag-${stars}"`;
      server = await startReplayServer((req): ReplayResponse => {
        if (req.path !== `/github${recorded.path}`) return { status: 404, headers: { 'content-type': 'application/json' }, body: '{"message":"Not Found"}' };
        if (req.headers['if-none-match'] === etag()) return { status: 304, headers: { etag: etag() } };
        const { 'content-length': _length, connection: _connection, ...headers } = recorded.headers;
        return {
          status: recorded.status,
          headers: { ...headers, 'x-ratelimit-used': String(headers['x-ratelimit-used']), etag: etag() },
          body: JSON.stringify({ ...(recorded.response as object), stargazers_count: stars }),
        };
      });
      const ctx = await sourceContext(harvestConfig(server.url, { GITHUB_TOKEN: 'ghp_testtoken' }), store);

      expect(await refreshGithubStars(ctx)).toMatchObject({ repos: 2, changed: 1, missing: 1, notModified: 0 });
      expect(server.requests[0].headers.authorization).toBe('Bearer ghp_testtoken');
      expect((await getPaper(store, '2406.00001'))?.githubStars).toBe(recordedStars);
      expect((await getPaper(store, '2406.00002'))?.githubStars).toBe(recordedStars);

      // Unchanged: a conditional request, answered 304, still adds a point to the series.
      await new Promise((r) => setTimeout(r, 5));
      expect(await refreshGithubStars(ctx)).toMatchObject({ repos: 1, notModified: 1 });
      const conditional = server.requests.at(-1)!;
      expect(conditional.headers['if-none-match']).toBe(`"etag-${recordedStars}"`);

      stars = recordedStars + 15;
      await new Promise((r) => setTimeout(r, 5));
      expect(await refreshGithubStars(ctx)).toMatchObject({ repos: 1, changed: 1 });
      expect((await getPaper(store, '2406.00001'))?.githubStars).toBe(stars);
      expect((await starSnapshots(store, repo)).map((s) => s.stars)).toEqual([recordedStars, recordedStars, stars]);
      // The missing repository is not asked about again this week.
      expect(server.requests.filter((r) => r.path.endsWith('deleted-repo'))).toHaveLength(1);
    });

  it('stops when the rate limit is exhausted and leaves GitHub alone until the reset', async () => {
    store = await createTestDatabase(kind);
    await upsertPapers(
      store,
      ['a', 'b', 'c'].map((r, i) => normalizePaper({ id: `2406.0001${i}`, title: r, codeUrl: `https://github.com/org/${r}`, categories: ['cs.LG'] })),
    );
    const reset = String(Math.floor(Date.now() / 1000) + 1800);
    server = await startReplayServer(() => ({
      status: 403,
      headers: { 'content-type': 'application/json', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset },
      body: '{"message":"API rate limit exceeded"}',
    }));
    const ctx = await sourceContext(harvestConfig(server.url), store);
    await expect(refreshGithubStars(ctx)).rejects.toBeInstanceOf(ServicePausedError);
    await expect(refreshGithubStars(ctx)).rejects.toBeInstanceOf(ServicePausedError);
    expect(server.requests).toHaveLength(1);
  });
});
