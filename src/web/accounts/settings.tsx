// Account settings: password, sessions, access tokens, and the email digest. They change only from a browser
// session: an access token cannot mint tokens or passwords.
import type { Context } from 'hono';
import { PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, hashPassword } from '../../domain/credentials.ts';
import { createApiToken, listApiTokens, listSessions, revokeApiToken, revokeSession } from '../../db/sessions.ts';
import { findUserById, setPasswordHash, setShowUpvotes } from '../../db/users.ts';
import { forbidden, notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { DigestSettingsSection } from '../digests/settings-section.tsx';
import { privatePage } from '../http/responses.tsx';
import { formText } from '../input.ts';
import { userOrFail, type CurrentUser } from '../security/auth.ts';
import { SettingsPage } from './settings-page.tsx';

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
    return privatePage(
      c,
      config.baseUrl,
      'Settings',
      <SettingsPage
        c={c}
        user={user}
        hasPassword={!!account?.hasPassword}
        showUpvotes={!!account?.showUpvotes}
        sessions={await listSessions(database, user.id)}
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

    password: async (c: Context) => {
      const user = sessionUser(c);
      const password = formText((await c.req.parseBody()).password);
      if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
        return settings(c, { error: `A password has ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`, status: 400 });
      }
      await setPasswordHash(database, user.id, await hashPassword(password));
      return settings(c, { notice: 'Password saved.' });
    },

    /** Profile privacy: whether others see the papers this person upvoted. */
    profile: async (c: Context) => {
      const user = sessionUser(c);
      const show = formText((await c.req.parseBody()).showUpvotes) === 'on';
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
      const name = formText((await c.req.parseBody()).name).trim().slice(0, 60);
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
