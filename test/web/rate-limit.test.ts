// The fixed-window limiter on its own, with a controlled clock: quota, reset, per-key counting, skip.
import { describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { AppError } from '../../src/errors.ts';
import { clientAddress, createRateLimiter } from '../../src/web/security/rate-limit.ts';

describe('createRateLimiter', () => {
  it('counts per key, refuses past the quota and resets when the window ends', () => {
    let t = 1_000_000;
    const limiter = createRateLimiter({ name: 'sign-in', limit: 2, windowSeconds: 10, now: () => t });
    expect(limiter.hit('a')).toEqual({ allowed: true, remaining: 1, resetSeconds: 10 });
    expect(limiter.hit('a').allowed).toBe(true);
    expect(limiter.hit('b').allowed).toBe(true);
    t += 4_000;
    expect(limiter.hit('a')).toEqual({ allowed: false, remaining: 0, resetSeconds: 6 });
    t += 6_000;
    expect(limiter.hit('a')).toEqual({ allowed: true, remaining: 1, resetSeconds: 10 });
  });

  it('as middleware: headers on success, AppError 429 with headers past the quota, skipped requests uncounted', async () => {
    const limiter = createRateLimiter({
      name: 'comments',
      limit: 1,
      windowSeconds: 60,
      key: (c) => c.req.header('x-user') ?? 'anon',
      skip: (c) => c.req.header('x-skip') === '1',
    });
    const app = new Hono();
    app.use('*', limiter.middleware);
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
});

describe('clientAddress', () => {
  const addressOf = async (headers: Record<string, string>, trustProxy: boolean) => {
    const app = new Hono();
    app.get('/', (c) => c.text(clientAddress(c, trustProxy)));
    return (await app.request('/', { headers })).text();
  };

  it('behind a trusted proxy takes the address the proxy appended, not one the client wrote before it', async () => {
    // What a proxy that appends (deploy/haproxy.cfg) passes on when the client sent its own X-Forwarded-For.
    expect(await addressOf({ 'x-forwarded-for': '203.0.113.9, 198.51.100.7' }, true)).toBe('198.51.100.7');
    expect(await addressOf({ 'x-forwarded-for': '198.51.100.7' }, true)).toBe('198.51.100.7');
    // Without a trusted proxy the header is the client's own word and is ignored.
    expect(await addressOf({ 'x-forwarded-for': '203.0.113.9' }, false)).toBe('unknown');
  });
});
