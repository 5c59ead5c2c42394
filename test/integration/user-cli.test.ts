// `paperfeed user create-admin` as an operator runs it: a real child process on a real store.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { findApiTokenUser, listApiTokens } from '../../src/db/sessions.ts';
import { peekLoginToken, findUserByEmail, passwordHashFor } from '../../src/db/users.ts';
import { verifyPassword } from '../../src/domain/credentials.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { REPO } from '../helpers/community.ts';
import { makeUser } from '../helpers/factory.ts';

function paperfeed(database: TestDatabase, args: string[], input = '') {
  return spawnSync(process.execPath, [path.join(REPO, 'bin/paperfeed.js'), ...args], {
    cwd: REPO,
    env: { PATH: process.env.PATH, ...database.env, BASE_URL: 'https://papers.example.org', LOG_LEVEL: 'silent' },
    input,
    encoding: 'utf8',
  });
}

describe.each(databaseKinds)('paperfeed user create-admin on %s', (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('creates an admin and prints a one-time sign-in link', async () => {
    const run = paperfeed(database, ['user', 'create-admin', '--email', 'Root@Example.org', '--username', 'root']);
    expect(run.status, run.stderr).toBe(0);
    const link = /https:\/\/papers\.example\.org\/signin\/link\?token=([A-Za-z0-9_-]+)/.exec(run.stdout);
    expect(link).not.toBeNull();
    expect(await findUserByEmail(database, 'root@example.org')).toMatchObject({ username: 'root', role: 'admin' });
    expect(await peekLoginToken(database, link![1])).toMatchObject({ email: 'root@example.org' });
  });

  it('promotes an existing account and sets a password from standard input', async () => {
    const user = await makeUser(database, { username: 'existing' });
    const run = paperfeed(database, ['user', 'create-admin', '--email', user.email, '--password-stdin'], 'a long enough secret\n');
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('a long enough secret');
    const stored = await passwordHashFor(database, user.email);
    expect(stored?.user.role).toBe('admin');
    expect(await verifyPassword('a long enough secret', stored!.hash)).toBe(true);
  });

  it('refuses bad input with a usage message and exit code 2', () => {
    expect(paperfeed(database, ['user', 'create-admin', '--email', 'not-an-address']).status).toBe(2);
    const short = paperfeed(database, ['user', 'create-admin', '--email', 'a@example.org', '--password-stdin'], 'short\n');
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('10 to 200 characters');
    expect(paperfeed(database, ['user', 'frobnicate']).status).toBe(2);
  });
});

describe.each(databaseKinds)('paperfeed user token on %s', (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('prints a new access token that signs its owner in, and only the token on stdout', async () => {
    const user = await makeUser(database, { username: 'scripter' });
    const run = paperfeed(database, ['user', 'token', '--email', user.email.toUpperCase(), '--name', 'hub client']);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^pf_[A-Za-z0-9_-]{43}\n$/);
    expect(run.stderr).toContain('hub client');
    const found = await findApiTokenUser(database, run.stdout.trim());
    expect(found?.id).toBe(user.id);
    expect((await listApiTokens(database, user.id)).map((t) => t.name)).toEqual(['hub client']);
  });

  it('refuses unknown people and bad input with a message and a non-zero exit code', async () => {
    const missing = paperfeed(database, ['user', 'token', '--email', 'nobody@example.org']);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('no account with the address nobody@example.org');
    expect(missing.stdout).toBe('');
    expect(paperfeed(database, ['user', 'token']).status).toBe(2);
    expect(paperfeed(database, ['user', 'token', '--email', 'a@example.org', '--name', 'x'.repeat(61)]).status).toBe(2);
  });
});
