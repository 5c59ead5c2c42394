// Accounts and the one-time sign-in links that create them or sign them in.
import type { Selectable } from 'kysely';
import { hashToken, newId, newToken } from '../domain/credentials.ts';
import type { Role } from '../domain/accounts.ts';
import { conflict } from '../errors.ts';
import type { Database } from './connect.ts';
import type { LoginTokensTable, UsersTable } from './schema.ts';

export interface User {
  id: string;
  username: string;
  email: string;
  role: Role;
  hasPassword: boolean;
  bannedAt: string | null;
  createdAt: string;
  /** Whether the profile lists the papers this person upvoted (private unless they opt in). */
  showUpvotes: boolean;
}

type UserRow = Selectable<UsersTable>;

export function rowToUser(row: UserRow): User {
  return {
    id: row.id,
    username: row.username,
    email: row.email,
    role: row.role,
    hasPassword: row.password_hash !== null,
    bannedAt: row.banned_at,
    createdAt: row.created_at,
    showUpvotes: Number(row.show_upvotes) === 1,
  };
}

export interface NewUser {
  email: string;
  username: string;
  passwordHash?: string | null;
  role?: Role;
}

/** Creates an account; a taken email or username (in any letter case) is a 409. */
export async function createUser(database: Database, input: NewUser): Promise<User> {
  const row: UserRow = {
    id: newId(),
    username: input.username,
    username_key: input.username.toLowerCase(),
    email: input.email,
    password_hash: input.passwordHash ?? null,
    role: input.role ?? 'user',
    banned_at: null,
    created_at: new Date().toISOString(),
    show_upvotes: 0,
  };
  const inserted = await database.db
    .insertInto('users')
    .values(row)
    .onConflict((oc) => oc.doNothing())
    .executeTakeFirst();
  if (Number(inserted.numInsertedOrUpdatedRows ?? 0) === 0) {
    const byName = await findUserByUsername(database, input.username);
    throw conflict(
      byName ? `the username "${input.username}" is taken` : 'an account with that email address exists',
      byName ? 'username_taken' : 'email_taken',
    );
  }
  return rowToUser(row);
}

export async function findUserById(database: Database, id: string): Promise<User | null> {
  const row = await database.db.selectFrom('users').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToUser(row) : null;
}

export async function findUserByEmail(database: Database, email: string): Promise<User | null> {
  const row = await database.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  return row ? rowToUser(row) : null;
}

export async function findUserByUsername(database: Database, username: string): Promise<User | null> {
  const row = await database.db.selectFrom('users').selectAll().where('username_key', '=', username.toLowerCase()).executeTakeFirst();
  return row ? rowToUser(row) : null;
}

/** The stored password hash for a sign-in attempt (null when the account has none or does not exist). */
export async function passwordHashFor(database: Database, email: string): Promise<{ user: User; hash: string | null } | null> {
  const row = await database.db.selectFrom('users').selectAll().where('email', '=', email).executeTakeFirst();
  return row ? { user: rowToUser(row), hash: row.password_hash } : null;
}

export async function setPasswordHash(database: Database, userId: string, hash: string): Promise<void> {
  await database.db.updateTable('users').set({ password_hash: hash }).where('id', '=', userId).execute();
}

export async function setShowUpvotes(database: Database, userId: string, show: boolean): Promise<void> {
  await database.db
    .updateTable('users')
    .set({ show_upvotes: show ? 1 : 0 })
    .where('id', '=', userId)
    .execute();
}

export async function setRole(database: Database, userId: string, role: Role): Promise<void> {
  await database.db.updateTable('users').set({ role }).where('id', '=', userId).execute();
}

// Sign-in links ---------------------------------------------------------------------------------------

export interface LoginTokenInput {
  email: string;
  /** For a sign-up: the account to create when the link is used. */
  username?: string | null;
  passwordHash?: string | null;
  nextPath?: string | null;
  ttlMs: number;
}

/** Stores a new single-use sign-in link and returns its token (the only time it exists in clear). */
export async function createLoginToken(database: Database, input: LoginTokenInput, now = new Date()): Promise<string> {
  const token = newToken();
  await database.db
    .insertInto('login_tokens')
    .values({
      token_hash: hashToken(token),
      email: input.email,
      username: input.username ?? null,
      password_hash: input.passwordHash ?? null,
      next_path: input.nextPath ?? null,
      created_at: now.toISOString(),
      expires_at: new Date(now.getTime() + input.ttlMs).toISOString(),
      used_at: null,
    })
    .execute();
  // Expired links are worthless; dropping them here keeps the table small without a job.
  await database.db
    .deleteFrom('login_tokens')
    .where('expires_at', '<', new Date(now.getTime() - 86_400_000).toISOString())
    .execute();
  return token;
}

export type LoginToken = Selectable<LoginTokensTable>;

/** The link's record when it is unused and unexpired, without using it up. */
export async function peekLoginToken(database: Database, token: string, now = new Date()): Promise<LoginToken | null> {
  const row = await database.db
    .selectFrom('login_tokens')
    .selectAll()
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Uses the link up. One UPDATE guarded by `used_at IS NULL` decides the race between two clicks: exactly
 * one of them gets the record back, the other gets null, on both databases.
 */
export async function consumeLoginToken(database: Database, token: string, now = new Date()): Promise<LoginToken | null> {
  const row = await database.db
    .updateTable('login_tokens')
    .set({ used_at: now.toISOString() })
    .where('token_hash', '=', hashToken(token))
    .where('used_at', 'is', null)
    .where('expires_at', '>', now.toISOString())
    .returningAll()
    .executeTakeFirst();
  return row ?? null;
}
