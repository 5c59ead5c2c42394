// Fixed-window rate limits, counted in the database so that every app process sharing it enforces one limit, and
// announced the way Hugging Face's Hub and the IETF draft (draft-ietf-httpapi-ratelimit-headers-09) do it:
//   RateLimit-Policy: "fixed window";"api";q=600;w=60   (quota q requests per window of w seconds)
//   RateLimit: "api";r=599;t=42                          (r requests left, t seconds until the window resets)
// Past the quota the request is refused with 429 and Retry-After.
//
// Windows are aligned to the epoch, so all processes agree on when one starts. Each limit's counter for a subject
// and window is one row (src/db/rate-limits.ts), counted up by one upsert that returns the total. Two ways to use it:
//  - exact (batch 1, every limit but the API's): each admitted hit is one round trip, so the limit holds exactly
//    across processes. These limits see a few requests per person per minute.
//  - batched (the API limit, which sits on every API request): a process admits hits against the total it last heard
//    plus its own unsynced ones, and adds them to the database once a client has `batch` unsynced hits (at the next
//    turn of the event loop) or after 250 ms, all clients' in one statement, learning the totals in the same round
//    trip. A process never holds more than `batch` admitted hits the database has not confirmed
//    (a hit past that waits for the sync under way), so each process can admit at most `batch` hits beyond what the
//    others have counted: the limit holds across P processes within P × batch (test/web/rate-limit.test.ts checks
//    it; test/integration/shared-limits.test.ts across real processes).
// Either way, once a process has seen a window's count reach the limit it refuses further hits there without
// asking the database again (counts only grow within a window), so a flood costs a map lookup per request.
import crypto from 'node:crypto';
import net from 'node:net';
import type { Context, MiddlewareHandler } from 'hono';
import { getConnInfo } from '@hono/node-server/conninfo';
import type { Database } from '../../db/connect.ts';
import { addRateLimitHits, deleteExpiredRateLimitHits, type RateLimitHits } from '../../db/rate-limits.ts';
import { tooManyRequests } from '../../errors.ts';

/** Where hits are counted: adds hits to buckets and answers their totals across every process, in order. */
export interface HitCounter {
  add(rows: RateLimitHits[]): Promise<number[]>;
}

const SWEEP_EVERY_MS = 60_000;

/** Counters in the shared database; buckets of ended windows are deleted at most once a minute per process. */
export function databaseHitCounter(database: Database, now: () => number = Date.now): HitCounter {
  let lastSweep = 0;
  return {
    add(rows) {
      const t = now();
      if (t - lastSweep >= SWEEP_EVERY_MS) {
        lastSweep = t;
        // Housekeeping only: a failed sweep is retried a minute later.
        deleteExpiredRateLimitHits(database, t).catch(() => (lastSweep = 0));
      }
      return addRateLimitHits(database, rows);
    },
  };
}

export interface RateLimitOptions {
  /** Names the group of endpoints in the headers ("api", "sign-in", "comments") and in the shared buckets. */
  name: string;
  /** Requests allowed per window. */
  limit: number;
  windowSeconds: number;
  counter: HitCounter;
  /** Who is counted; the socket's peer address by default. */
  key?: (c: Context) => string;
  /** Requests that are not counted at all (for example signed-in people). */
  skip?: (c: Context) => boolean;
  /** Hits a process admits between two syncs with the shared count; 1 (the default) makes every hit exact. */
  batch?: number;
  /** Headers the 429 carries besides the rate-limit ones (CORS, for a refusal answered outside that middleware). */
  refusalHeaders?: Readonly<Record<string, string>>;
  /** Clock, for tests. */
  now?: () => number;
}

export interface RateLimitResult {
  allowed: boolean;
  remaining: number;
  resetSeconds: number;
}

export interface RateLimiter {
  middleware: MiddlewareHandler;
  /** Counts one request for a subject; returns what the headers announce and whether it is allowed. */
  hit(subject: string): Promise<RateLimitResult>;
  /** Counts this request (for a handler that counts only some of its requests); a 429 past the quota. */
  enforce(c: Context): Promise<void>;
  /** Adds every unsynced hit to the shared count now (the batched limiter does this on its own every 250 ms). */
  flush(): Promise<void>;
}

/**
 * The client's address: the socket's peer, or — when the deployment says `trustedProxies` reverse proxies stand
 * in front and each appends the address it received from to X-Forwarded-For — the entry that many places from the
 * right: the one the outermost trusted proxy appended. Entries further left were written by the client and prove
 * nothing. A header with fewer entries than proxies gives its left-most entry; anything that is not an IP address
 * falls back to the socket's peer.
 */
export function clientAddress(c: Context, trustedProxies = 0): string {
  if (trustedProxies > 0) {
    const header = c.req.header('x-forwarded-for');
    if (header) {
      const hops = header.split(',');
      const entry = hops[Math.max(0, hops.length - trustedProxies)].trim();
      if (net.isIP(entry)) return entry;
    }
  }
  try {
    return getConnInfo(c).remote.address ?? 'unknown';
  } catch {
    // In-process requests (app.request in tests) have no socket.
    return 'unknown';
  }
}

const FLUSH_AFTER_MS = 250;

interface Bucket {
  window: number;
  /** The shared total as last heard from the database (it includes this process's synced hits). */
  known: number;
  /** Hits admitted here and being added to the database right now. */
  inFlight: number;
  /** Hits admitted here and not yet sent. */
  pending: number;
  /** The sync under way, if any. */
  syncing: Promise<unknown> | null;
}

export function createRateLimiter(options: RateLimitOptions): RateLimiter {
  const now = options.now ?? Date.now;
  const windowMs = options.windowSeconds * 1000;
  const batch = Math.max(1, Math.floor(options.batch ?? 1));
  const buckets = new Map<string, Bucket>();
  const policy = `"fixed window";"${options.name}";q=${options.limit};w=${options.windowSeconds}`;
  let currentWindow = -1;
  let flushTimer: NodeJS.Timeout | null = null;

  // The subject (an address, an email address, an account id) is hashed: the shared table holds no addresses.
  const bucketName = (subject: string, window: number) =>
    `${options.name}:${crypto.createHash('sha256').update(subject).digest('base64url').slice(0, 24)}:${window}`;

  function bucketFor(subject: string, window: number): Bucket {
    if (window !== currentWindow) {
      // A new window: buckets of ended ones are worthless (their hits were synced or are past caring about).
      currentWindow = window;
      for (const [key, b] of buckets) if (b.window < window) buckets.delete(key);
    }
    let b = buckets.get(subject);
    if (!b || b.window !== window) {
      b = { window, known: 0, inFlight: 0, pending: 0, syncing: null };
      buckets.set(subject, b);
    }
    return b;
  }

  const expiry = (b: Bucket) => (b.window + 1) * windowMs;

  /** One hit counted at once, in the database (the exact path). */
  async function countNow(subject: string, b: Bucket): Promise<number> {
    b.inFlight++;
    try {
      const [total] = await options.counter.add([{ bucket: bucketName(subject, b.window), hits: 1, expiresAt: expiry(b) }]);
      b.known = Math.max(b.known, total);
      return total;
    } finally {
      b.inFlight--;
    }
  }

  /**
   * Sends the pending hits of these buckets (those not already syncing) in one statement and learns their totals;
   * resolves when every given bucket's sync under way is done.
   */
  function sync(list: [string, Bucket][]): Promise<unknown> {
    const due = list.filter(([, b]) => !b.syncing && b.pending > 0);
    if (due.length) {
      const hits = due.map(([, b]) => b.pending);
      due.forEach(([, b], i) => {
        b.pending = 0;
        b.inFlight += hits[i];
      });
      const done = options.counter
        .add(due.map(([subject, b], i) => ({ bucket: bucketName(subject, b.window), hits: hits[i], expiresAt: expiry(b) })))
        .then(
          (totals) =>
            due.forEach(([, b], i) => {
              b.known = Math.max(b.known, totals[i]);
            }),
          // A failed sync keeps the hits for the next one rather than forgetting them.
          () =>
            due.forEach(([, b], i) => {
              b.pending += hits[i];
            }),
        )
        .finally(() =>
          due.forEach(([, b], i) => {
            b.inFlight -= hits[i];
            b.syncing = null;
          }),
        );
      for (const [, b] of due) b.syncing = done;
    }
    return Promise.all(list.map(([, b]) => b.syncing));
  }

  async function flush(): Promise<void> {
    if (flushTimer) clearTimeout(flushTimer);
    flushTimer = null;
    await sync([...buckets]);
    // Hits that arrived while their bucket was syncing go with the next flush.
    if ([...buckets.values()].some((b) => b.pending > 0)) scheduleFlush();
  }

  /** A flush of every bucket at the next turn of the event loop: the hits of requests arriving together share it. */
  let soon: Promise<void> | null = null;
  function flushSoon(): Promise<void> {
    return (soon ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        soon = null;
        void flush().then(resolve, resolve);
      }),
    ));
  }

  function scheduleFlush(): void {
    flushTimer ??= setTimeout(() => void flush(), FLUSH_AFTER_MS);
    flushTimer.unref?.();
  }

  async function hit(subject: string): Promise<RateLimitResult> {
    const t = now();
    const window = Math.floor(t / windowMs);
    const resetSeconds = Math.max(1, Math.ceil(((window + 1) * windowMs - t) / 1000));
    const b = bucketFor(subject, window);
    const seen = () => b.known + b.inFlight + b.pending;
    const refused = { allowed: false, remaining: 0, resetSeconds };
    if (seen() >= options.limit) return refused;
    let count: number;
    if (batch === 1) {
      count = await countNow(subject, b);
    } else {
      // At most `batch` admitted hits unconfirmed by the database: past that, wait for the sync under way.
      while (b.pending + b.inFlight >= batch) {
        await (b.syncing ?? flushSoon());
        if (seen() >= options.limit) return refused;
      }
      b.pending++;
      count = seen();
      if (b.pending >= batch) void flushSoon();
      else scheduleFlush();
    }
    return { allowed: count <= options.limit, remaining: Math.max(0, options.limit - count), resetSeconds };
  }

  /** Counts the request; throws the 429 past the quota, else returns the headers to announce. */
  async function count(c: Context): Promise<Record<string, string>> {
    const result = await hit(options.key ? options.key(c) : clientAddress(c));
    const headers = {
      'RateLimit-Policy': policy,
      RateLimit: `"${options.name}";r=${result.remaining};t=${result.resetSeconds}`,
    };
    if (!result.allowed) {
      const error = tooManyRequests(
        `rate limit of ${options.limit} requests per ${options.windowSeconds} s exceeded; retry in ${result.resetSeconds} s`,
        result.resetSeconds,
      );
      Object.assign(error.headers, options.refusalHeaders, headers);
      throw error;
    }
    return headers;
  }

  const middleware: MiddlewareHandler = async (c, next) => {
    if (options.skip?.(c)) return next();
    const headers = await count(c);
    await next();
    for (const [name, value] of Object.entries(headers)) c.res.headers.set(name, value);
  };
  const enforce = async (c: Context) => {
    if (!options.skip?.(c)) await count(c);
  };
  return { middleware, hit, enforce, flush };
}
