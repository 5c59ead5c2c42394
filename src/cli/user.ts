// `paperfeed user create-admin`: the first administrator of a fresh install (or promoting an existing
// account). Prints a one-time sign-in link, or sets a password read from standard input.
// `paperfeed user token`: a new access token for an existing account, for scripts (the API, huggingface_hub).
import { parseArgs } from 'node:util';
import { accountEmail, SIGN_IN_LINK_TTL_MS, signInLinkUrl, usernameProblem } from '../domain/accounts.ts';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../domain/credentials.ts';
import { createApiToken } from '../db/sessions.ts';
import { createLoginToken, createUser, findUserByEmail, setPasswordHash, setRole } from '../db/users.ts';
import { normalizeAddress } from '../mail/headers.ts';
import { createServices } from '../services.ts';
import { UsageError, type Command, type CommandIO } from './command.ts';

/** As the settings page's token form allows. */
const API_TOKEN_NAME_MAX = 60;

export const userCommand: Command = {
  name: 'user',
  summary: 'manage accounts: create-admin, token',
  usage: 'paperfeed user create-admin --email ADDRESS [--username NAME] [--password-stdin]\n       paperfeed user token --email ADDRESS [--name TOKEN_NAME]',
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub === 'token') return printToken(rest, io);
    if (sub !== 'create-admin') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'name a subcommand');
    const { values } = parseArgs({
      args: rest,
      options: { email: { type: 'string' }, username: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    const email = values.email ? accountEmail(normalizeAddress(values.email)) : null;
    if (!email) throw new UsageError('--email needs a valid email address');
    const username =
      values.username ??
      email
        .split('@')[0]
        .replace(/[^A-Za-z0-9_-]/g, '')
        .slice(0, 30);
    const password = values['password-stdin'] ? await readPassword() : null;

    const services = await createServices(io.config(), { schema: 'create-if-empty' });
    const { config, database } = services;
    try {
      let user = await findUserByEmail(database, email);
      if (user) {
        await setRole(database, user.id, 'admin');
        io.stdout.write(`${user.username} <${email}> is now an admin\n`);
      } else {
        const problem = usernameProblem(username);
        if (problem) throw new UsageError(`choose a username with --username: ${problem}`);
        user = await createUser(database, { email, username, role: 'admin' });
        io.stdout.write(`created admin ${user.username} <${email}>\n`);
      }
      if (password !== null) {
        await setPasswordHash(database, user.id, await hashPassword(password));
        io.stdout.write(`password set; sign in at ${config.baseUrl}/signin\n`);
      } else {
        const token = await createLoginToken(database, { email, ttlMs: SIGN_IN_LINK_TTL_MS, nextPath: '/mod' });
        io.stdout.write(`sign in within 15 minutes with this one-time link:\n${signInLinkUrl(config.baseUrl, token)}\n`);
      }
      return 0;
    } finally {
      await services.close();
    }
  },
};

/** Prints a new access token for the account with this email address (only the token, so scripts can capture it). */
async function printToken(args: string[], io: CommandIO): Promise<number> {
  const { values } = parseArgs({ args, options: { email: { type: 'string' }, name: { type: 'string' } }, strict: true, allowPositionals: false });
  const email = values.email ? accountEmail(normalizeAddress(values.email)) : null;
  if (!email) throw new UsageError('--email needs a valid email address');
  const name = (values.name ?? 'cli').trim();
  if (!name || name.length > API_TOKEN_NAME_MAX) throw new UsageError(`--name needs 1 to ${API_TOKEN_NAME_MAX} characters`);
  const services = await createServices(io.config());
  try {
    const user = await findUserByEmail(services.database, email);
    if (!user) {
      io.stderr.write(`no account with the address ${email}\n`);
      return 1;
    }
    if (user.bannedAt) {
      io.stderr.write(`${user.username} is banned: no token issued\n`);
      return 1;
    }
    const { token } = await createApiToken(services.database, user.id, name);
    io.stderr.write(`access token "${name}" for ${user.username}; it is shown once (revoke it in /settings):\n`);
    io.stdout.write(`${token}\n`);
    return 0;
  } finally {
    await services.close();
  }
}

/** The first line of standard input, so `printf '%s' "$PW" | paperfeed user create-admin …` works. */
async function readPassword(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const password = Buffer.concat(chunks).toString('utf8').split(/\r?\n/)[0];
  if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
    throw new UsageError(`the password on standard input must have ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters`);
  }
  return password;
}
