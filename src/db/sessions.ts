// Browser sessions, personal access tokens and the server's own signing secrets. Cookies and tokens are
// looked up by their SHA-256; the clear value exists only in the person's browser or script.
import crypto from 'node:crypto';
import { hashToken, newId, newToken } from '../domain/credentials.ts';
import { LruCache } from '../lru.ts';
import type { Database } from './connect.ts';
import { rowToUser, type User } from './users.ts';

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
}

/** Starts a session and returns the cookie value. */
export async function createSession(
  database: Database,
  userId: string,
  options: { ttlMs: number; userAgent?: string | null },
  now = new Date(),
): Promise<{ token: string; id: string }> {
  const token = newToken();
  const id = newId();
  await database.db
    .insertInto('sessions')
    .values({
      id,
      token_hash: hashToken(token),
      user_id: userId,
      created_at: now.toISOString(),
      last_seen_at: now.toISOString(),
      expires_at: new Date(now.getTime() + options.ttlMs).toISOString(),
      user_agent: options.userAgent ? options.userAgent.slice(0, 300) : null,
    })
    .execute();
  // The person's expired sessions go when a new one starts, so the table holds live sessions only.
  await database.db.deleteFrom('sessions').where('user_id', '=', userId).where('expires_at', '<=', now.toISOString()).execute();
  return { token, id };
}

// Recording every request's time would turn each page view into a write; once a few minutes is enough
// for "last seen" in the sessions list.
const TOUCH_EVERY_MS = 5 * 60_000;

/**
 * When this process last moved each session's last_seen_at. A memoised row keeps the time it was read with, so
 * without this every request past the interval would write it again until the counter moved.
 */
const touchedAt = new LruCache<string, number>({ maxEntries: 10_000 });

/**
 * The signed-in person for a session cookie, or null when it is unknown, expired, or the account is banned. The
 * row is memoised under the listings change counter, which an ended session and any change to a user move
 * (migrations 16 and 18), so a sign-out or ban in any process holds for the next request here. Unknown tokens are
 * not kept: junk cookies cannot crowd the memo.
 */
export async function findSessionUser(database: Database, token: string, now = new Date()): Promise<{ user: User; sessionId: string } | null> {
  const hash = hashToken(token);
  const row = await database.memo.get(
    `session ${hash}`,
    () =>
      database.db
        .selectFrom('sessions')
        .innerJoin('users', 'users.id', 'sessions.user_id')
        .selectAll('users')
        .select(['sessions.id as session_id', 'sessions.expires_at', 'sessions.last_seen_at'])
        .where('sessions.token_hash', '=', hash)
        .executeTakeFirst(),
    (found) => found !== undefined,
  );
  if (!row || row.expires_at <= now.toISOString() || row.banned_at) return null;
  const lastSeen = Math.max(Date.parse(row.last_seen_at), touchedAt.get(row.session_id) ?? 0);
  if (now.getTime() - lastSeen > TOUCH_EVERY_MS) {
    await database.db.updateTable('sessions').set({ last_seen_at: now.toISOString() }).where('id', '=', row.session_id).execute();
    touchedAt.set(row.session_id, now.getTime());
  }
  return { user: rowToUser(row), sessionId: row.session_id };
}

export async function listSessions(database: Database, userId: string, now = new Date()): Promise<SessionInfo[]> {
  const rows = await database.db
    .selectFrom('sessions')
    .selectAll()
    .where('user_id', '=', userId)
    .where('expires_at', '>', now.toISOString())
    .orderBy('last_seen_at', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at, lastSeenAt: r.last_seen_at, expiresAt: r.expires_at, userAgent: r.user_agent }));
}

/** Ends one of the person's own sessions; the user id in the WHERE keeps anyone from ending another's. */
export async function revokeSession(database: Database, userId: string, sessionId: string): Promise<boolean> {
  const r = await database.db.deleteFrom('sessions').where('id', '=', sessionId).where('user_id', '=', userId).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** Ends every session of a person but one (after a password change); returns how many ended. */
export async function revokeOtherSessions(database: Database, userId: string, keepSessionId: string): Promise<number> {
  const r = await database.db.deleteFrom('sessions').where('user_id', '=', userId).where('id', '!=', keepSessionId).executeTakeFirst();
  return Number(r.numDeletedRows);
}

export async function revokeSessionByToken(database: Database, token: string): Promise<void> {
  await database.db.deleteFrom('sessions').where('token_hash', '=', hashToken(token)).execute();
}

// Personal access tokens -------------------------------------------------------------------------------

export const API_TOKEN_PREFIX = 'pf_';

export interface ApiTokenInfo {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
}

export async function createApiToken(database: Database, userId: string, name: string, now = new Date()): Promise<{ token: string; id: string }> {
  const token = newToken(API_TOKEN_PREFIX);
  const id = newId();
  await database.db
    .insertInto('api_tokens')
    .values({ id, user_id: userId, name, token_hash: hashToken(token), created_at: now.toISOString(), last_used_at: null, revoked_at: null })
    .execute();
  return { token, id };
}

export async function listApiTokens(database: Database, userId: string): Promise<ApiTokenInfo[]> {
  const rows = await database.db
    .selectFrom('api_tokens')
    .selectAll()
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .orderBy('created_at', 'desc')
    .execute();
  return rows.map((r) => ({ id: r.id, name: r.name, createdAt: r.created_at, lastUsedAt: r.last_used_at }));
}

export async function revokeApiToken(database: Database, userId: string, tokenId: string, now = new Date()): Promise<boolean> {
  const r = await database.db
    .updateTable('api_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('id', '=', tokenId)
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Revokes every live access token of a person; returns how many. */
export async function revokeAllApiTokens(database: Database, userId: string, now = new Date()): Promise<number> {
  const r = await database.db
    .updateTable('api_tokens')
    .set({ revoked_at: now.toISOString() })
    .where('user_id', '=', userId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

export async function findApiTokenUser(database: Database, token: string, now = new Date()): Promise<User | null> {
  const row = await database.db
    .selectFrom('api_tokens')
    .innerJoin('users', 'users.id', 'api_tokens.user_id')
    .selectAll('users')
    .select(['api_tokens.id as token_id', 'api_tokens.last_used_at'])
    .where('api_tokens.token_hash', '=', hashToken(token))
    .where('api_tokens.revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row || row.banned_at) return null;
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) > TOUCH_EVERY_MS) {
    await database.db.updateTable('api_tokens').set({ last_used_at: now.toISOString() }).where('id', '=', row.token_id).execute();
  }
  return rowToUser(row);
}

// Server secrets ---------------------------------------------------------------------------------------

/**
 * A named random secret kept in the database, created on first use. Several app processes sharing one
 * PostgreSQL thus sign and verify with the same key without any configuration; the insert that loses a
 * race does nothing and both read the winner's value.
 */
export async function loadOrCreateSecret(database: Database, name: string): Promise<string> {
  await database.db
    .insertInto('app_secrets')
    .values({ name, value: crypto.randomBytes(32).toString('base64url'), created_at: new Date().toISOString() })
    .onConflict((oc) => oc.column('name').doNothing())
    .execute();
  const row = await database.db.selectFrom('app_secrets').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
