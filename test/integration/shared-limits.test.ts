// Rate limits shared through the database: two real `paperfeed serve` processes on one store enforce one limit
// (the batched API limit within its stated tolerance, the sign-in throttle exactly), where counters kept in each
// process would let through twice as much. On PostgreSQL (several app processes share it) and on SQLite.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { startServer, type RunningServer } from '../helpers/community.ts';
import { WebClient } from '../helpers/web-client.ts';

const API_LIMIT = 300;
/** The API limiter's batch (src/web/security/community-limits.ts: the limit / 50, rounded up). */
const API_BATCH = Math.ceil(API_LIMIT / 50);
const SIGNIN_LIMIT = 6;

/** Waits until at least `ms` remain in the current fixed window of `windowMs`, so a burst stays inside one window. */
async function roomInWindow(windowMs: number, ms: number): Promise<void> {
  const left = windowMs - (Date.now() % windowMs);
  if (left < ms) await new Promise((r) => setTimeout(r, left + 200));
}

describe.each(databaseKinds)('limits shared by two processes on %s', (kind) => {
  let database: TestDatabase;
  let servers: RunningServer[];
  beforeAll(async () => {
    database = await createTestDatabase(kind);
    const env = {
      ...database.env,
      API_RATE_LIMIT_PER_MINUTE: String(API_LIMIT),
      SIGNIN_RATE_LIMIT: String(SIGNIN_LIMIT),
      PAGE_CACHE_SECONDS: '0',
      EMBEDDER: 'none',
    };
    servers = await Promise.all([startServer(env), startServer(env)]);
  }, 120_000);
  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
    await database.drop();
  });

  it(`the API limit holds across both within processes × batch = ${2 * API_BATCH}`, async () => {
    await roomInWindow(60_000, 30_000);
    let ok = 0;
    let refused = 0;
    for (let i = 0; i < API_LIMIT * 2; i++) {
      const res = await fetch(`${servers[i % 2].baseUrl}/api/papers/2506.00001`);
      await res.arrayBuffer();
      if (res.status === 429) refused++;
      else ok++;
    }
    expect(ok).toBeGreaterThanOrEqual(API_LIMIT);
    expect(ok).toBeLessThanOrEqual(API_LIMIT + 2 * API_BATCH);
    expect(refused).toBe(API_LIMIT * 2 - ok);
  }, 120_000);

  it('the sign-in throttle holds exactly across both', async () => {
    await roomInWindow(900_000, 20_000);
    const clients = servers.map((s) => new WebClient(s.baseUrl));
    const tokens = await Promise.all(clients.map((c) => c.csrf('/signin')));
    const statuses: number[] = [];
    for (let i = 0; i < SIGNIN_LIMIT * 2; i++) {
      const res = await clients[i % 2].post('/signin/email', { _csrf: tokens[i % 2], email: `person${i}@example.org` });
      await res.arrayBuffer();
      statuses.push(res.status);
    }
    expect(statuses.filter((s) => s === 200)).toHaveLength(SIGNIN_LIMIT);
    expect(statuses.slice(SIGNIN_LIMIT).every((s) => s === 429)).toBe(true);
  }, 60_000);
});
