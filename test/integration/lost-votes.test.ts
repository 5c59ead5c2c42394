// A short version of the load benchmark as a check: people voting and commenting at once over HTTP against a
// real server, on every database kind; no request fails and the stored counts equal the confirmed requests.
import { describe, expect, it } from 'vitest';
import { databaseKinds } from '../helpers/db.ts';
import { startServer } from '../helpers/community.ts';
import { driveLoad, LOAD_SERVER_ENV, prepareLoadStore, reconcile } from '../../bench/load.ts';

describe.each(databaseKinds)('no lost votes on %s', (kind) => {
  it('keeps counters equal to the confirmed votes and comments under concurrent writes', async () => {
    const { database, paperIds, tokens } = await prepareLoadStore(kind, 30, 4);
    const server = await startServer({ ...database.env, ...LOAD_SERVER_ENV });
    try {
      const result = await driveLoad({ baseUrl: server.baseUrl, tokens, paperIds, durationMs: 3_000, minRequests: 200 });
      expect(
        result.statuses,
        server
          .output()
          .split('\n')
          .filter((l) => /error|"level":50/i.test(l))
          .slice(0, 5)
          .join('\n'),
      ).not.toHaveProperty('500');
      expect(result.errors).toBe(0);
      expect(result.requests).toBeGreaterThanOrEqual(200);
      expect(await reconcile(database, result)).toEqual({ lostVotes: 0, lostComments: 0, counterDrift: [] });
      // And the API shows the same totals.
      for (const paperId of paperIds) {
        const res = await (await fetch(`${server.baseUrl}/api/papers/${paperId}/comments`)).json();
        expect(res.numComments).toBe(result.expectedComments.get(paperId));
      }
    } finally {
      await server.stop();
      await database.drop();
    }
  });
});
