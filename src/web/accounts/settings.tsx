// Account settings: password, sessions, access tokens, and the email digest. They change only from a browser
// session: an access token cannot mint tokens or passwords.
import type { Context } from 'hono';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, hashPassword, verifyPassword } from '../../domain/credentials.ts';
import {
  createApiToken,
  listApiTokens,
  listSessions,
  revokeAllApiTokens,
  revokeApiToken,
  revokeOtherSessions,
  revokeSession,
  type SessionInfo,
} from '../../db/sessions.ts';
import { setForYou } from '../../db/subscriptions.ts';
import { findUserById, passwordHashFor, setPasswordHash, setShowUpvotes } from '../../db/users.ts';
import { forbidden, notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { DigestSettingsSection } from '../digests/settings-section.tsx';
import { privatePage } from '../http/responses.tsx';
import { formText, readForm } from '../input.ts';
import { userOrFail, type CurrentUser } from '../security/auth.ts';
import { SettingsPage } from './settings-page.tsx';

/**
 * A first password may only be set this soon after signing in: whoever holds a session to an account without a
 * password proved control of its mail only when they signed in, and a stolen session must not become a password.
 */
const FRESH_SIGN_IN_MINUTES = 15;

const isFresh = (session: SessionInfo | undefined) => !!session && Date.now() - Date.parse(session.createdAt) <= FRESH_SIGN_IN_MINUTES * 60_000;

export function settingsHandlers(ctx: Services) {
  const { config, database } = ctx;

  const sessionUser = (c: Context): CurrentUser => {
    const user = userOrFail(c);
    if (user.via !== 'session') throw forbidden('settings can only be changed from a signed-in browser');
    return user;
  };

  const settings = async (c: Context, extra: { newToken?: string; notice?: string; error?: string; status?: number } = {}) => {
    const user = sessionUser(c);
    const account = await findUserById(database, user.id);
    const sessions = await listSessions(database, user.id);
    return privatePage(
      c,
      config.baseUrl,
      'Settings',
      <SettingsPage
        c={c}
        user={user}
        hasPassword={!!account?.hasPassword}
        freshSignIn={isFresh(sessions.find((s) => s.id === user.sessionId))}
        freshMinutes={FRESH_SIGN_IN_MINUTES}
        showUpvotes={!!account?.showUpvotes}
        sessions={sessions}
        tokens={await listApiTokens(database, user.id)}
        newToken={extra.newToken}
        notice={extra.notice}
        error={extra.error}
        extra={await DigestSettingsSection({ c, ctx, email: user.email })}
      />,
      { status: extra.status },
    );
  };

  return {
    page: (c: Context) => settings(c),

    /**
     * A new password needs the current one (or, for an account without one, a fresh sign-in). Saving it signs out
     * every other browser; access tokens stay unless the person asks to revoke them too (scripts keep working after
     * a routine change, and the tokens are listed right below to review).
     */
    password: async (c: Context) => {
      const user = sessionUser(c);
      const form = await readForm(c);
      const password = formText(form.password);
      const refuse = (error: string) => settings(c, { error, status: 400 });
      if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
        return refuse(`A password has ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`);
      }
      const stored = await passwordHashFor(database, user.email);
      if (stored?.hash) {
        if (!(await verifyPassword(formText(form.currentPassword).slice(0, PASSWORD_MAX_LENGTH), stored.hash)))
          return refuse('The current password is not right.');
      } else if (!isFresh((await listSessions(database, user.id)).find((s) => s.id === user.sessionId))) {
        return refuse(`To set a first password, sign in again with an emailed link and set it within ${FRESH_SIGN_IN_MINUTES} minutes.`);
      }
      await setPasswordHash(database, user.id, await hashPassword(password));
      const signedOut = await revokeOtherSessions(database, user.id, user.sessionId!);
      const tokens = formText(form.revokeTokens) === 'yes' ? await revokeAllApiTokens(database, user.id) : 0;
      const parts = [`${signedOut} other ${signedOut === 1 ? 'browser was' : 'browsers were'} signed out`];
      if (tokens) parts.push(`${tokens} access ${tokens === 1 ? 'token was' : 'tokens were'} revoked`);
      return settings(c, { notice: `Password saved; ${parts.join(' and ')}.` });
    },

    /**
     * The digest's "For you" section, on or off, for the subscription of this account's address (explicit, so a
     * resubmitted form changes nothing). Applied at once, without a confirmation mail: signing in proved this
     * person reads that address.
     */
    digestForYou: async (c: Context) => {
      const user = sessionUser(c);
      const on = formText((await readForm(c)).forYou) === 'on';
      if (!(await setForYou(database, user, on, new Date()))) {
        return settings(c, { error: `${user.email} has no digest subscription: subscribe first, then add the “For you” section.`, status: 400 });
      }
      return settings(c, {
        notice: on ? 'Your digest now has a “For you” section, from the next one on.' : 'Your digest no longer has a “For you” section.',
      });
    },

    /** Profile privacy: whether others see the papers this person upvoted. */
    profile: async (c: Context) => {
      const user = sessionUser(c);
      const show = formText((await readForm(c)).showUpvotes) === 'on';
      await setShowUpvotes(database, user.id, show);
      return settings(c, { notice: show ? 'Your upvotes now show on your profile.' : 'Your upvotes are private now.' });
    },

    revokeSession: async (c: Context) => {
      const user = sessionUser(c);
      if (!(await revokeSession(database, user.id, c.req.param('id')))) throw notFound('no such session');
      return c.redirect('/settings', 303);
    },

    createToken: async (c: Context) => {
      const user = sessionUser(c);
      const name = formText((await readForm(c)).name)
        .trim()
        .slice(0, 60);
      if (!name) return settings(c, { error: 'Give the token a name.', status: 400 });
      const { token } = await createApiToken(database, user.id, name);
      return settings(c, { newToken: token, notice: 'Token created.' });
    },

    revokeToken: async (c: Context) => {
      const user = sessionUser(c);
      if (!(await revokeApiToken(database, user.id, c.req.param('id')))) throw notFound('no such token');
      return c.redirect('/settings', 303);
    },
  };
}
