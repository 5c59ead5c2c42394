// The fixed-window limiter on its own, counted in a real database with a controlled clock: quota, reset, per-subject
// counting, skip, headers; and two limiters on one store standing in for two processes (exact and batched). The
// same across real processes on PostgreSQL is test/integration/shared-limits.test.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { AppError } from '../../src/errors.ts';
import { createRateLimiter, databaseHitCounter, type RateLimitOptions } from '../../src/web/security/rate-limit.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';

describe.each(databaseKinds)('createRateLimiter on %s', (kind) => {
  let db: TestDatabase;
  beforeAll(async () => {
    db = await createTestDatabase(kind);
  });
  afterAll(() => db.drop());
  let n = 0;
  const limiter = (options: Omit<RateLimitOptions, 'counter' | 'name'> & { name?: string }) =>
    createRateLimiter({ name: `test-${++n}`, counter: databaseHitCounter(db), ...options });

  it('counts per subject, refuses past the quota and resets when the window ends', async () => {
    let t = 1_000_000_000_000; // a multiple of 10 s: the window starts here
    const limit = limiter({ limit: 2, windowSeconds: 10, now: () => t });
    expect(await limit.hit('a')).toEqual({ allowed: true, remaining: 1, resetSeconds: 10 });
    expect((await limit.hit('a')).allowed).toBe(true);
    expect((await limit.hit('b')).allowed).toBe(true);
    t += 4_000;
    expect(await limit.hit('a')).toEqual({ allowed: false, remaining: 0, resetSeconds: 6 });
    t += 6_000;
    expect(await limit.hit('a')).toEqual({ allowed: true, remaining: 1, resetSeconds: 10 });
  });

  it('two limiters on one store (two processes) enforce one exact limit, even at once', async () => {
    const name = 'shared-exact';
    const [one, two] = [limiter({ name, limit: 10, windowSeconds: 60 }), limiter({ name, limit: 10, windowSeconds: 60 })];
    const results = await Promise.all(Array.from({ length: 30 }, (_, i) => (i % 2 ? one : two).hit('203.0.113.9')));
    expect(results.filter((r) => r.allowed)).toHaveLength(10);
  });

  it('batched limiters stay within processes × batch of the limit', async () => {
    const name = 'shared-batched';
    const batch = 5;
    const [one, two] = [limiter({ name, limit: 100, windowSeconds: 60, batch }), limiter({ name, limit: 100, windowSeconds: 60, batch })];
    let allowed = 0;
    for (let i = 0; i < 400; i++) {
      if ((await (i % 2 ? one : two).hit('198.51.100.1')).allowed) allowed++;
      // Let a flush started by the batch threshold reach the database, as request handling would.
      if (i % 7 === 0) await new Promise((r) => setImmediate(r));
    }
    await Promise.all([one.flush(), two.flush()]);
    expect(allowed).toBeGreaterThanOrEqual(100);
    expect(allowed).toBeLessThanOrEqual(100 + 2 * batch);
  });

  it('as middleware: headers on success, AppError 429 with headers past the quota, skipped requests uncounted', async () => {
    const limit = limiter({
      name: 'comments',
      limit: 1,
      windowSeconds: 60,
      key: (c) => c.req.header('x-user') ?? 'anon',
      skip: (c) => c.req.header('x-skip') === '1',
      now: () => 1_800_000_000_000,
    });
    const app = new Hono();
    app.use('*', limit.middleware);
    app.get('/', (c) => c.text('ok'));
    app.onError((err, c) => (err instanceof AppError ? c.json({ code: err.code }, err.status as 429, err.headers) : c.text('?', 500)));
    const first = await app.request('/', { headers: { 'x-user': 'u1' } });
    expect(first.headers.get('ratelimit-policy')).toBe('"fixed window";"comments";q=1;w=60');
    expect(first.headers.get('ratelimit')).toBe('"comments";r=0;t=60');
    const second = await app.request('/', { headers: { 'x-user': 'u1' } });
    expect(second.status).toBe(429);
    expect(second.headers.get('retry-after')).toBe('60');
    expect(second.headers.get('ratelimit')).toBe('"comments";r=0;t=60');
    expect((await app.request('/', { headers: { 'x-user': 'u2' } })).status).toBe(200);
    expect((await app.request('/', { headers: { 'x-user': 'u1', 'x-skip': '1' } })).status).toBe(200);
  });

  it('keeps no addresses in the shared table and drops ended windows', async () => {
    const t = 1_700_000_000_000;
    let clock = t;
    const counter = databaseHitCounter(db, () => clock);
    const limit = createRateLimiter({ name: 'privacy', limit: 5, windowSeconds: 60, counter, now: () => clock });
    await limit.hit('192.0.2.77');
    const rows = await db.db.selectFrom('rate_limit_hits').select('bucket').execute();
    expect(rows.map((r) => r.bucket).join(' ')).not.toContain('192.0.2.77');
    expect(rows.some((r) => r.bucket.startsWith('privacy:'))).toBe(true);
    // The next use an hour later sweeps the ended window.
    clock = t + 3_600_000;
    await counter.add([{ bucket: 'privacy:x:0', hits: 1, expiresAt: t + 3_700_000 }]);
    await new Promise((r) => setTimeout(r, 100));
    expect((await db.db.selectFrom('rate_limit_hits').select('bucket').where('bucket', 'like', 'privacy:%').execute()).map((r) => r.bucket)).toEqual([
      'privacy:x:0',
    ]);
  });
});
