// The community's rate limits, one set per app: pages and the script API draw from the same quotas, so a
// script cannot vote faster than the person's browser could.
import type { Context } from 'hono';
import type { Config } from '../../config.ts';
import { currentUser } from './auth.ts';
import { clientAddress, createRateLimiter, type RateLimiter } from './rate-limit.ts';

export interface CommunityLimits {
  /** Sign-in, sign-up and link confirmation posts, per client address per 15 minutes. */
  signIn: RateLimiter;
  /** Sign-in mails per email address per hour (counted with hit(address)). */
  linksPerAddress: RateLimiter;
  /** Votes per person per minute. */
  votes: RateLimiter;
  /** Comments and reports per person per hour. */
  comments: RateLimiter;
}

export function communityLimits(config: Config): CommunityLimits {
  const address = (c: Context) => clientAddress(c, config.TRUST_PROXY);
  const person = (c: Context) => currentUser(c)?.id ?? address(c);
  return {
    signIn: createRateLimiter({ name: 'sign-in', limit: config.SIGNIN_RATE_LIMIT, windowSeconds: 900, key: address }),
    linksPerAddress: createRateLimiter({ name: 'sign-in-links', limit: config.MAGIC_LINKS_PER_HOUR, windowSeconds: 3600 }),
    votes: createRateLimiter({ name: 'votes', limit: config.VOTE_RATE_LIMIT_PER_MINUTE, windowSeconds: 60, key: person }),
    comments: createRateLimiter({ name: 'comments', limit: config.COMMENT_RATE_LIMIT_PER_HOUR, windowSeconds: 3600, key: person }),
  };
}
