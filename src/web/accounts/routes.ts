// Accounts: signing in and up, settings, profiles.
import type { Services } from '../../services.ts';
import { get, post, type Route } from '../http/routes.ts';
import type { CommunityLimits } from '../security/community-limits.ts';
import { profileHandler } from './profiles.tsx';
import { settingsHandlers } from './settings.tsx';
import { signInHandlers } from './sign-in.tsx';

export function accountRoutes(services: Services, limits: CommunityLimits): Route[] {
  const signIn = signInHandlers(services, limits);
  const settings = settingsHandlers(services);
  const perAddress = limits.signIn.middleware;
  return [
    get('/signin', signIn.page),
    post('/signin/email', perAddress, signIn.byEmail),
    get('/signup', signIn.signUpPage),
    post('/signup', perAddress, signIn.signUp),
    get('/signin/link', signIn.linkPage),
    post('/signin/link', perAddress, signIn.useLink),
    post('/signin/password', perAddress, signIn.password),
    post('/signout', signIn.signOut),

    get('/settings', settings.page),
    post('/settings/password', settings.password),
    post('/settings/sessions/:id/revoke', settings.revokeSession),
    post('/settings/tokens', settings.createToken),
    post('/settings/tokens/:id/revoke', settings.revokeToken),
    post('/settings/profile', settings.profile),
    post('/settings/digest/for-you', settings.digestForYou),

    get('/u/:username', profileHandler(services)),
    get('/users/:username', (c) => c.redirect(`/u/${encodeURIComponent(c.req.param('username'))}`, 301)),
  ];
}
