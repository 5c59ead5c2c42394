// `paperfeed user create-admin`: the first administrator of a fresh install (or promoting an existing
// account). Prints a one-time sign-in link, or sets a password read from standard input.
import { parseArgs } from 'node:util';
import { accountEmail, SIGN_IN_LINK_TTL_MS, signInLinkUrl, usernameProblem } from '../domain/accounts.ts';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH } from '../domain/credentials.ts';
import { createLoginToken, createUser, findUserByEmail, setPasswordHash, setRole } from '../db/users.ts';
import { normalizeAddress } from '../mail/headers.ts';
import { createServices } from '../services.ts';
import { UsageError, type Command } from './command.ts';

export const userCommand: Command = {
  name: 'user',
  summary: 'manage accounts: create-admin',
  usage: 'paperfeed user create-admin --email ADDRESS [--username NAME] [--password-stdin]',
  async run(args, io) {
    const [sub, ...rest] = args;
    if (sub !== 'create-admin') throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'name a subcommand');
    const { values } = parseArgs({
      args: rest,
      options: { email: { type: 'string' }, username: { type: 'string' }, 'password-stdin': { type: 'boolean', default: false } },
      strict: true,
      allowPositionals: false,
    });
    const email = values.email ? accountEmail(normalizeAddress(values.email)) : null;
    if (!email) throw new UsageError('--email needs a valid email address');
    const username = values.username ?? email.split('@')[0].replace(/[^A-Za-z0-9_-]/g, '').slice(0, 30);
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
