// The library feed's address carries a key instead of a cookie, because feed readers sign in to nothing: the key
// is an HMAC of the person's id under a secret kept in the store, so it names one person's feed and cannot be
// made up for another's.
import crypto from 'node:crypto';
import { loadOrCreateSecret } from '../../db/sessions.ts';
import type { Services } from '../../services.ts';

export interface FeedKeys {
  keyFor(userId: string): Promise<string>;
  /** The person a key belongs to, or null for a key that is not one of ours. */
  userOf(key: string): Promise<string | null>;
}

export function libraryFeedKeys(ctx: Pick<Services, 'database'>): FeedKeys {
  let secret: Promise<string> | null = null;
  const mac = async (userId: string) => {
    secret ??= loadOrCreateSecret(ctx.database, 'library-feed').catch((e) => {
      secret = null;
      throw e;
    });
    return crypto
      .createHmac('sha256', await secret)
      .update(`library-feed:${userId}`)
      .digest('base64url');
  };
  return {
    keyFor: async (userId) => `${userId}.${await mac(userId)}`,
    async userOf(key) {
      const dot = key.lastIndexOf('.');
      if (dot <= 0 || key.length > 200) return null;
      const userId = key.slice(0, dot);
      const given = Buffer.from(key.slice(dot + 1));
      const expected = Buffer.from(await mac(userId));
      return given.length === expected.length && crypto.timingSafeEqual(given, expected) ? userId : null;
    },
  };
}
