// Fixed-window rate limits per client address, announced the way Hugging Face's Hub and the IETF draft
// (draft-ietf-httpapi-ratelimit-headers-09) do it:
//   RateLimit-Policy: "fixed window";"api";q=600;w=60   (quota q requests per window of w seconds)
//   RateLimit: "api";r=599;t=42                          (r requests left, t seconds until the window resets)
// Past the quota the request is refused with 429 and Retry-After. Counters live in this process: with several
// app processes each enforces its own share, which bounds abuse without a shared store.
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import { tooManyRequests } from '../../errors.ts';

export interface RateLimitOptions {
  /** Names the group of endpoints in the headers ("api", "sign-in", "comments"). */
  name: string;
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
  /** Who is counted; the client address by default. */
  key?: (c: Context) => string;
  /** Requests that are not counted at all (for example signed-in users). */
  skip?: (c: Context) => boolean;
  /** Clock, for tests. */
  now?: () => number;
}

interface Window {
  startedAt: number;
  count: number;
}

/**
 * The client's address: the socket's peer, or — only when the deployment says a proxy sits in front
 * (`TRUST_PROXY=true`) — the last address in X-Forwarded-For, the one that proxy appended. Addresses before
 * it came from the client (or from proxies we do not know) and could be forged; so could the whole header
 * without a proxy in front.
 */
export function clientAddress(c: Context, trustProxy = false): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // In-process requests (app.request in tests) have no socket.
    return 'unknown';
  }
}

export interface RateLimiter {
  middleware: MiddlewareHandler;
  /** Counts one request for a key; returns what the headers announce and whether it is allowed. */
  hit(key: string): { allowed: boolean; remaining: number; resetSeconds: number };
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const windowMs = options.windowSeconds * 1000;
  const windows = new Map<string, Window>();
  let lastSweep = now();
  const policy = `"fixed window";"${options.name}";q=${options.limit};w=${options.windowSeconds}`;

  // Drops finished windows once per window so the map holds only current clients.
  function sweep(t: number): void {
    if (t - lastSweep < windowMs) return;
    lastSweep = t;
    for (const [key, w] of windows) if (t - w.startedAt >= windowMs) windows.delete(key);
  }

  function hit(key: string) {
    const t = now();
    sweep(t);
    let w = windows.get(key);
    if (!w || t - w.startedAt >= windowMs) {
      w = { startedAt: t, count: 0 };
      windows.set(key, w);
    }
    w.count++;
    const resetSeconds = Math.max(1, Math.ceil((w.startedAt + windowMs - t) / 1000));
    return { allowed: w.count <= options.limit, remaining: Math.max(0, options.limit - w.count), resetSeconds };
  }

  const middleware: MiddlewareHandler = async (c, next) => {
    if (options.skip?.(c)) return next();
    const result = hit(options.key ? options.key(c) : clientAddress(c));
    const headers = {
      'RateLimit-Policy': policy,
      RateLimit: `"${options.name}";r=${result.remaining};t=${result.resetSeconds}`,
    };
    if (!result.allowed) {
      const error = tooManyRequests(
        `rate limit of ${options.limit} requests per ${options.windowSeconds} s exceeded; retry in ${result.resetSeconds} s`,
        result.resetSeconds,
      );
      Object.assign(error.headers, headers);
      throw error;
    }
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
  return { middleware, hit };
}
