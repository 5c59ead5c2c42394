// Every rate limit of the app, one set per app and counted in the database (rate-limit.ts), so several app
// processes enforce one limit. Pages and the script API draw from the same quotas, so a script cannot vote faster
// than the person's browser could.
import type { Context } from 'hono';
import type { Services } from '../../services.ts';
import { currentUser } from './auth.ts';
import { CROSS_ORIGIN_READ_HEADERS } from '../http/cors.ts';
import { clientAddress, createRateLimiter, databaseHitCounter, type RateLimiter, type RateLimitOptions } from './rate-limit.ts';

export interface CommunityLimits {
  /** Anonymous API requests per client address per minute (signed-in people have their own quotas below). */
  api: RateLimiter;
  /** Sign-in, sign-up and link confirmation posts, per client address per 15 minutes. */
  signIn: RateLimiter;
  /** Sign-in mails per email address per hour (counted with hit(address)). */
  linksPerAddress: RateLimiter;
  /** Votes per person per minute. */
  votes: RateLimiter;
  /** Saves and collection changes per person per minute (as many as votes). */
  curation: RateLimiter;
  /** Comments and reports per person per hour. */
  comments: RateLimiter;
  /** Digest sign-ups per client address per 10 minutes (the per-address mail window protects inboxes). */
  subscribe: RateLimiter;
  /** Digest previews composed per person (or client address) per minute; previews served from the preview cache are free. */
  digestPreviews: RateLimiter;
}

/** The API limiter syncs with the database every this many hits of a client at most (see rate-limit.ts). */
const API_SYNC_FRACTION = 50;

export function communityLimits(services: Pick<Services, 'config' | 'database'>): CommunityLimits {
  const { config } = services;
  const counter = databaseHitCounter(services.database);
  const address = (c: Context) => clientAddress(c, config.TRUST_PROXY);
  const person = (c: Context) => currentUser(c)?.id ?? address(c);
  const anonymousOnly = (c: Context) => currentUser(c) !== null;
  const limit = (
    name: string,
    perWindow: number,
    windowSeconds: number,
    key?: (c: Context) => string,
    more: Pick<RateLimitOptions, 'skip' | 'batch' | 'refusalHeaders'> = {},
  ) => createRateLimiter({ name, limit: perWindow, windowSeconds, counter, key, ...more });
  return {
    api: limit('api', config.API_RATE_LIMIT_PER_MINUTE, 60, address, {
      // Preflights are the browser's, answered from constants.
      skip: (c) => anonymousOnly(c) || c.req.method === 'OPTIONS',
      batch: Math.ceil(config.API_RATE_LIMIT_PER_MINUTE / API_SYNC_FRACTION),
      // The refusal is answered outside the CORS middleware: a web app on another origin must still read it.
      refusalHeaders: CROSS_ORIGIN_READ_HEADERS,
    }),
    signIn: limit('sign-in', config.SIGNIN_RATE_LIMIT, 900, address),
    linksPerAddress: limit('sign-in-links', config.MAGIC_LINKS_PER_HOUR, 3600),
    votes: limit('votes', config.VOTE_RATE_LIMIT_PER_MINUTE, 60, person),
    curation: limit('curation', config.VOTE_RATE_LIMIT_PER_MINUTE, 60, person),
    comments: limit('comments', config.COMMENT_RATE_LIMIT_PER_HOUR, 3600, person),
    subscribe: limit('subscribe', config.SUBSCRIBE_RATE_LIMIT, 600, address),
    digestPreviews: limit('digest-preview', config.DIGEST_PREVIEW_RATE_LIMIT_PER_MINUTE, 60, person),
  };
}
