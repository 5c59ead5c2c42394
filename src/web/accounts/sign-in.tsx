// Signing in and up: by a one-time link mailed to the address, or with a password. Handlers parse and validate,
// call src/db, and respond; every mutation is a POST that passed csrfProtection.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { accountEmail, SIGN_IN_LINK_TTL_MS, usernameProblem } from '../../domain/accounts.ts';
import { hashPassword, hashToken, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from '../../domain/credentials.ts';
import { withTransaction } from '../../db/connect.ts';
import { createSession, revokeSessionByToken } from '../../db/sessions.ts';
import {
  consumeLoginToken,
  createLoginToken,
  createUser,
  findUserByEmail,
  findUserByUsername,
  passwordHashFor,
  peekLoginToken,
  type User,
} from '../../db/users.ts';
import { forbidden } from '../../errors.ts';
import { normalizeAddress } from '../../mail/headers.ts';
import { queueMail } from '../../mail/queue.ts';
import type { Services } from '../../services.ts';
import { privatePage } from '../http/responses.tsx';
import { formText, queryText, readForm, safeLocalPath } from '../input.ts';
import type { CommunityLimits } from '../security/community-limits.ts';
import { currentUser } from '../security/auth.ts';
import { clearSessionCookie, readSessionCookie, SESSION_TTL_MS, setSessionCookie } from '../security/session.ts';
import { CheckInboxPage, ConfirmLinkPage, InvalidLinkPage, SignInPage, SignUpPage } from './account-pages.tsx';
import { signInMail } from './sign-in-mail.ts';

export function signInHandlers(ctx: Services, limits: CommunityLimits) {
  const { config, database, logger } = ctx;
  const render = (c: Context, title: string, body: Child, options: { status?: number; current?: 'signin' } = {}) =>
    privatePage(c, config.baseUrl, title, body, options);

  /** Signs a person in and goes on to `next`; everything that could refuse the request is decided before the session row exists. */
  async function startSession(c: Context, user: User, next: string | null) {
    if (user.bannedAt) throw forbidden('this account is banned', 'banned');
    const location = safeLocalPath(next);
    const { token } = await createSession(database, user.id, { ttlMs: SESSION_TTL_MS, userAgent: c.req.header('user-agent') ?? null });
    setSessionCookie(c, config, token);
    return c.redirect(location, 303);
  }

  async function mailLink(c: Context, email: string, o: { nextPath: string; signUp: boolean; username?: string; passwordHash?: string | null }) {
    if (!(await limits.linksPerAddress.hit(email)).allowed) {
      logger.warn({ path: c.req.path }, 'sign-in link not sent: too many for one address this hour');
      return;
    }
    // The link and the mail that carries it are stored together; the mail leaves through the queue, so the
    // answer does not wait for the mail server (src/mail/queue.ts).
    const now = new Date();
    await withTransaction(database, async (trx) => {
      const token = await createLoginToken(
        trx,
        { email, username: o.username, passwordHash: o.passwordHash, nextPath: o.nextPath, ttlMs: SIGN_IN_LINK_TTL_MS },
        now,
      );
      const mail = signInMail(config.baseUrl, token, o.signUp);
      await queueMail(trx, config, { to: email, ...mail, key: `sign-in:${hashToken(token)}`, expiresAt: new Date(now.getTime() + SIGN_IN_LINK_TTL_MS) }, now);
    });
    ctx.mailQueue.kick();
  }

  return {
    page: (c: Context) => {
      const next = safeLocalPath(queryText(c, 'next'));
      if (currentUser(c)) return c.redirect(next, 303);
      return render(c, 'Sign in', <SignInPage c={c} next={next} />, { current: 'signin' });
    },

    byEmail: async (c: Context) => {
      const form = await readForm(c);
      const next = safeLocalPath(form.next);
      const email = accountEmail(normalizeAddress(formText(form.email)));
      if (!email)
        return render(c, 'Sign in', <SignInPage c={c} next={next} email={formText(form.email)} error="Enter a valid email address." />, { status: 400 });
      const existing = await findUserByEmail(database, email);
      // Whether or not an account exists, the same page follows and a mail is sent (a sign-up link when there
      // is no account), so the form tells nobody which addresses have accounts.
      await mailLink(c, email, { nextPath: next, signUp: !existing });
      return render(c, 'Check your inbox', <CheckInboxPage email={email} />);
    },

    signUpPage: (c: Context) => render(c, 'Create an account', <SignUpPage c={c} next={safeLocalPath(queryText(c, 'next'))} />, { current: 'signin' }),

    signUp: async (c: Context) => {
      const form = await readForm(c);
      const next = safeLocalPath(form.next);
      const username = formText(form.username).trim();
      const password = formText(form.password);
      const again = (error: string) =>
        render(c, 'Create an account', <SignUpPage c={c} next={next} email={formText(form.email)} username={username} error={error} />, { status: 400 });
      const email = accountEmail(normalizeAddress(formText(form.email)));
      if (!email) return again('Enter a valid email address.');
      const problem = usernameProblem(username);
      if (problem) return again(`Choose another username: ${problem}.`);
      if (password && (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH)) {
        return again(`A password has ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters (or leave it empty).`);
      }
      if (await findUserByUsername(database, username)) return again(`The username "${username}" is taken.`);
      // Hash before looking the address up, so both branches take the same time.
      const passwordHash = password ? await hashPassword(password) : null;
      const existing = await findUserByEmail(database, email);
      if (existing) await mailLink(c, email, { nextPath: next, signUp: false });
      else await mailLink(c, email, { nextPath: next, signUp: true, username, passwordHash });
      return render(c, 'Check your inbox', <CheckInboxPage email={email} />);
    },

    linkPage: async (c: Context) => {
      c.header('Referrer-Policy', 'no-referrer');
      const token = queryText(c, 'token');
      const row = token ? await peekLoginToken(database, token) : null;
      if (!row) return render(c, 'Link expired', <InvalidLinkPage />, { status: 400 });
      const existing = await findUserByEmail(database, row.email);
      return render(c, 'Sign in', <ConfirmLinkPage c={c} token={token} email={row.email} needsUsername={!existing && !row.username} />);
    },

    useLink: async (c: Context) => {
      c.header('Referrer-Policy', 'no-referrer');
      const form = await readForm(c);
      const token = formText(form.token);
      const row = token ? await peekLoginToken(database, token) : null;
      if (!row) return render(c, 'Link expired', <InvalidLinkPage />, { status: 400 });
      let user = await findUserByEmail(database, row.email);
      let username = row.username;
      if (!user) {
        username ??= formText(form.username).trim();
        const problem = usernameProblem(username) ?? ((await findUserByUsername(database, username)) ? `the username "${username}" is taken` : null);
        if (problem) {
          return render(
            c,
            'Choose a username',
            <ConfirmLinkPage c={c} token={token} email={row.email} needsUsername username={username} error={`Choose another username: ${problem}.`} />,
            {
              status: 400,
            },
          );
        }
      }
      // Using the link up is the one step that must happen once; everything before it only read.
      const used = await consumeLoginToken(database, token);
      if (!used) return render(c, 'Link expired', <InvalidLinkPage />, { status: 400 });
      user ??= await createUser(database, { email: used.email, username: username!, passwordHash: used.password_hash });
      return startSession(c, user, used.next_path);
    },

    password: async (c: Context) => {
      const form = await readForm(c);
      const next = safeLocalPath(form.next);
      const email = accountEmail(normalizeAddress(formText(form.email)));
      const password = formText(form.password).slice(0, PASSWORD_MAX_LENGTH);
      const found = email ? await passwordHashFor(database, email) : null;
      // verifyPassword does the full scrypt work even without an account, so timing reveals nothing either. A banned
      // account answers a right password exactly as a wrong one, so the form is no password oracle for it; its
      // owner learns of the ban through the emailed link, which proves control of the address.
      const ok = await verifyPassword(password, found?.hash ?? null);
      if (!found || !ok || found.user.bannedAt) {
        return render(c, 'Sign in', <SignInPage c={c} next={next} email={formText(form.email)} error="Wrong email address or password." />, { status: 401 });
      }
      return startSession(c, found.user, next);
    },

    signOut: async (c: Context) => {
      const token = readSessionCookie(c);
      if (token) await revokeSessionByToken(database, token);
      clearSessionCookie(c, config);
      return c.redirect('/', 303);
    },
  };
}
