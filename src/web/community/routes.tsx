// Community routes: accounts, settings, profiles, submissions, upvotes, comments and moderation pages, with
// the script API (src/web/api/community.ts) mounted alongside. Handlers parse and validate, call src/db, and respond; every mutation is a POST that passed
// csrfProtection (or carries an access token) and names the person it acts for.
import type { Context, Handler } from 'hono';
import { Hono } from 'hono';
import { accountEmail, roleAllows, SIGN_IN_LINK_TTL_MS, usernameProblem } from '../../domain/accounts.ts';
import { hashPassword, PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH, verifyPassword } from '../../domain/credentials.ts';
import { addComment, deleteComment, editComment, getComment, listOpenReports, listPaperComments, listUserComments, reportComment } from '../../db/comments.ts';
import { dismissReports, listModerationLog, moderateComment, setPaperFeatured, setPaperHidden, setUserBanned, setUserRole } from '../../db/moderation.ts';
import { createApiToken, createSession, listApiTokens, listSessions, revokeApiToken, revokeSession, revokeSessionByToken } from '../../db/sessions.ts';
import { listUserSubmissions } from '../../db/submissions.ts';
import { consumeLoginToken, createLoginToken, createUser, findUserByEmail, findUserById, findUserByUsername, passwordHashFor, peekLoginToken, setPasswordHash, type User } from '../../db/users.ts';
import { hasUpvoted, paperCounts, setVote } from '../../db/votes.ts';
import { AppError, badRequest, forbidden, notFound } from '../../errors.ts';
import { normalizeAddress } from '../../mail/headers.ts';
import { htmlDocument, Layout, type NavKey } from '../components/layout.tsx';
import type { Services } from '../../services.ts';
import { currentUser, requireRole, requireUser, userOrFail, type CurrentUser } from '../security/auth.ts';
import { clearSessionCookie, readSessionCookie, SESSION_TTL_MS, setSessionCookie } from '../security/session.ts';
import { CheckInboxPage, ConfirmLinkPage, InvalidLinkPage, SignInPage, SignUpPage } from '../pages/community/account-pages.tsx';
import { ModerationPage } from '../pages/community/moderation-page.tsx';
import { EditCommentPage, PaperCommunity } from '../pages/community/paper-community.tsx';
import { ProfilePage } from '../pages/community/profile-page.tsx';
import { SettingsPage } from '../pages/community/settings-page.tsx';
import { SubmitPage } from '../pages/community/submit-page.tsx';
import { sendSignInMail } from './sign-in-mail.ts';
import { communityApi } from '../api/community.ts';
import { DigestSettingsSection } from '../digests/routes.tsx';
import { communityLimits } from './limits.ts';
import { paperIdParam, PAPER_ID_PATTERNS } from './paper-id.ts';
import { submitPaper } from './submit.ts';

/** A paper's discussion is part of its page (see communityPanel). */
export const discussionPath = (paperId: string) => `/papers/${paperId}`;

/** A local path to return to; anything else (other hosts, `//evil`, `/\evil`) falls back. */
export function safeLocalPath(value: unknown, fallback = '/'): string {
  return typeof value === 'string' && /^\/(?![/\\])[^\s]*$/.test(value) && value.length <= 500 ? value : fallback;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export function communityRoutes(ctx: Services): Hono {
  const { config, database, logger } = ctx;
  const app = new Hono();
  const editWindowMs = config.COMMENT_EDIT_WINDOW_MINUTES * 60_000;

  const limits = communityLimits(config);
  const { signIn: signInLimit, linksPerAddress, votes: voteLimit, comments: commentLimit } = limits;

  const render = (c: Context, title: string, body: unknown, options: { status?: number; current?: NavKey } = {}) => {
    const user = currentUser(c);
    c.header('Cache-Control', 'private, no-store');
    return c.html(
      htmlDocument(
        <Layout title={title} canonical={config.baseUrl + c.req.path} current={options.current ?? null} account={user ? { username: user.username } : null} noindex>
          {body as any}
        </Layout>,
      ),
      (options.status ?? 200) as 200,
    );
  };

  /** A form handler's AppError (4xx) re-renders the form with the message; anything else propagates. */
  const formError = (e: unknown): AppError => {
    if (e instanceof AppError && e.status >= 400 && e.status < 500 && e.status !== 403) return e;
    throw e;
  };

  async function startSession(c: Context, user: User, next: string | null) {
    if (user.bannedAt) throw forbidden('this account is banned', 'banned');
    const { token } = await createSession(database, user.id, { ttlMs: SESSION_TTL_MS, userAgent: c.req.header('user-agent') ?? null });
    setSessionCookie(c, config, token);
    return c.redirect(safeLocalPath(next), 303);
  }

  // Accounts ------------------------------------------------------------------------------------------

  app.get('/signin', (c) => {
    const next = safeLocalPath(c.req.query('next'));
    if (currentUser(c)) return c.redirect(next, 303);
    return render(c, 'Sign in', <SignInPage c={c} next={next} />, { current: 'signin' });
  });

  app.post('/signin/email', signInLimit.middleware, async (c) => {
    const form = await c.req.parseBody();
    const next = safeLocalPath(form.next);
    const email = accountEmail(normalizeAddress(str(form.email)));
    if (!email) return render(c, 'Sign in', <SignInPage c={c} next={next} email={str(form.email)} error="Enter a valid email address." />, { status: 400 });
    const existing = await findUserByEmail(database, email);
    // Whether or not an account exists, the same page follows and a mail is sent (a sign-up link when there
    // is no account), so the form tells nobody which addresses have accounts.
    await mailLink(c, email, { nextPath: next, signUp: !existing });
    return render(c, 'Check your inbox', <CheckInboxPage email={email} />);
  });

  app.get('/signup', (c) => render(c, 'Create an account', <SignUpPage c={c} next={safeLocalPath(c.req.query('next'))} />, { current: 'signin' }));

  app.post('/signup', signInLimit.middleware, async (c) => {
    const form = await c.req.parseBody();
    const next = safeLocalPath(form.next);
    const username = str(form.username).trim();
    const password = str(form.password);
    const again = (error: string) =>
      render(c, 'Create an account', <SignUpPage c={c} next={next} email={str(form.email)} username={username} error={error} />, { status: 400 });
    const email = accountEmail(normalizeAddress(str(form.email)));
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
  });

  async function mailLink(c: Context, email: string, o: { nextPath: string; signUp: boolean; username?: string; passwordHash?: string | null }) {
    if (!linksPerAddress.hit(email).allowed) {
      logger.warn({ path: c.req.path }, 'sign-in link not sent: too many for one address this hour');
      return;
    }
    const token = await createLoginToken(database, { email, username: o.username, passwordHash: o.passwordHash, nextPath: o.nextPath, ttlMs: SIGN_IN_LINK_TTL_MS });
    try {
      await sendSignInMail(ctx.mail, config.baseUrl, email, token, o.signUp);
    } catch (err) {
      logger.error({ err }, 'could not send a sign-in link');
      throw new AppError(503, 'mail_unavailable', 'the sign-in mail could not be sent right now; try again in a few minutes');
    }
  }

  app.get('/signin/link', async (c) => {
    c.header('Referrer-Policy', 'no-referrer');
    const token = c.req.query('token') ?? '';
    const row = token ? await peekLoginToken(database, token) : null;
    if (!row) return render(c, 'Link expired', <InvalidLinkPage />, { status: 400 });
    const existing = await findUserByEmail(database, row.email);
    return render(c, 'Sign in', <ConfirmLinkPage c={c} token={token} email={row.email} needsUsername={!existing && !row.username} />);
  });

  app.post('/signin/link', signInLimit.middleware, async (c) => {
    c.header('Referrer-Policy', 'no-referrer');
    const form = await c.req.parseBody();
    const token = str(form.token);
    const row = token ? await peekLoginToken(database, token) : null;
    if (!row) return render(c, 'Link expired', <InvalidLinkPage />, { status: 400 });
    let user = await findUserByEmail(database, row.email);
    let username = row.username;
    if (!user) {
      username ??= str(form.username).trim();
      const problem = usernameProblem(username) ?? ((await findUserByUsername(database, username)) ? `the username "${username}" is taken` : null);
      if (problem) {
        return render(c, 'Choose a username', <ConfirmLinkPage c={c} token={token} email={row.email} needsUsername username={username} error={`Choose another username: ${problem}.`} />, {
          status: 400,
        });
      }
    }
    // Using the link up is the one step that must happen once; everything before it only read.
    const used = await consumeLoginToken(database, token);
    if (!used) return render(c, 'Link expired', <InvalidLinkPage />, { status: 400 });
    user ??= await createUser(database, { email: used.email, username: username!, passwordHash: used.password_hash });
    return startSession(c, user, used.next_path);
  });

  app.post('/signin/password', signInLimit.middleware, async (c) => {
    const form = await c.req.parseBody();
    const next = safeLocalPath(form.next);
    const email = accountEmail(normalizeAddress(str(form.email)));
    const password = str(form.password).slice(0, PASSWORD_MAX_LENGTH);
    const found = email ? await passwordHashFor(database, email) : null;
    // verifyPassword does the full scrypt work even without an account, so timing reveals nothing either.
    const ok = await verifyPassword(password, found?.hash ?? null);
    if (!found || !ok) {
      return render(c, 'Sign in', <SignInPage c={c} next={next} email={str(form.email)} error="Wrong email address or password." />, { status: 401 });
    }
    return startSession(c, found.user, next);
  });

  app.post('/signout', async (c) => {
    const token = readSessionCookie(c);
    if (token) await revokeSessionByToken(database, token);
    clearSessionCookie(c, config);
    return c.redirect('/', 303);
  });

  // Settings ------------------------------------------------------------------------------------------

  /** Account settings change only from a browser session: an access token cannot mint tokens or passwords. */
  const sessionUser = (c: Context): CurrentUser => {
    const user = userOrFail(c);
    if (user.via !== 'session') throw forbidden('settings can only be changed from a signed-in browser');
    return user;
  };

  const settings = async (c: Context, extra: { newToken?: string; notice?: string; error?: string; status?: number } = {}) => {
    const user = sessionUser(c);
    const account = await findUserById(database, user.id);
    return render(
      c,
      'Settings',
      <SettingsPage
        c={c}
        user={user}
        hasPassword={!!account?.hasPassword}
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

  app.get('/settings', (c) => settings(c));

  app.post('/settings/password', async (c) => {
    const user = sessionUser(c);
    const password = str((await c.req.parseBody()).password);
    if (password.length < PASSWORD_MIN_LENGTH || password.length > PASSWORD_MAX_LENGTH) {
      return settings(c, { error: `A password has ${PASSWORD_MIN_LENGTH} to ${PASSWORD_MAX_LENGTH} characters.`, status: 400 });
    }
    await setPasswordHash(database, user.id, await hashPassword(password));
    return settings(c, { notice: 'Password saved.' });
  });

  app.post('/settings/sessions/:id/revoke', async (c) => {
    const user = sessionUser(c);
    if (!(await revokeSession(database, user.id, c.req.param('id')))) throw notFound('no such session');
    return c.redirect('/settings', 303);
  });

  app.post('/settings/tokens', async (c) => {
    const user = sessionUser(c);
    const name = str((await c.req.parseBody()).name).trim().slice(0, 60);
    if (!name) return settings(c, { error: 'Give the token a name.', status: 400 });
    const { token } = await createApiToken(database, user.id, name);
    return settings(c, { newToken: token, notice: 'Token created.' });
  });

  app.post('/settings/tokens/:id/revoke', async (c) => {
    const user = sessionUser(c);
    if (!(await revokeApiToken(database, user.id, c.req.param('id')))) throw notFound('no such token');
    return c.redirect('/settings', 303);
  });

  app.get('/u/:username', async (c) => {
    const user = await findUserByUsername(database, c.req.param('username'));
    if (!user) throw notFound('no such person');
    const [submissions, comments] = await Promise.all([listUserSubmissions(database, user.id), listUserComments(database, user.id)]);
    return render(c, user.username, <ProfilePage user={user} submissions={submissions} comments={comments} />);
  });

  // Submissions ---------------------------------------------------------------------------------------

  const submitForm = (c: Context, value?: string, error?: string, status = 200) =>
    render(c, 'Submit a paper', <SubmitPage c={c} maxAgeDays={config.SUBMISSION_MAX_AGE_DAYS} perDay={config.SUBMISSIONS_PER_DAY} value={value} error={error} />, {
      status,
      current: 'submit',
    });

  app.get('/submit', requireUser, (c) => submitForm(c));

  app.post('/submit', requireUser, async (c) => {
    const value = str((await c.req.parseBody()).paper);
    try {
      const { paper } = await submitPaper(ctx, userOrFail(c), value);
      return c.redirect(discussionPath(paper.id), 303);
    } catch (e) {
      const err = formError(e);
      return submitForm(c, value, err.message, err.status);
    }
  });

  // Upvotes and comments (pages) ----------------------------------------------------------------------

  const upvote: Handler = async (c) => {
    const paperId = paperIdParam(c);
    await setVote(database, userOrFail(c).id, paperId);
    return c.redirect(safeLocalPath((await c.req.parseBody()).back, discussionPath(paperId)), 303);
  };

  const comment: Handler = async (c) => {
    const paperId = paperIdParam(c);
    const form = await c.req.parseBody();
    const added = await addComment(database, { paperId, userId: userOrFail(c).id, parentId: str(form.parent) || null, body: str(form.body) });
    return c.redirect(`${safeLocalPath(form.back, discussionPath(paperId)).split('#')[0]}#comment-${added.id}`, 303);
  };

  for (const id of PAPER_ID_PATTERNS) {
    app.post(`/papers/${id}/upvote`, requireUser, voteLimit.middleware, upvote);
    app.post(`/papers/${id}/comments`, requireUser, commentLimit.middleware, comment);
    // Older links and the paper page's comment count point here; the thread is on the paper page.
    app.get(`/papers/${id}/discussion`, (c) => c.redirect(`${discussionPath(paperIdParam(c))}#discussion`, 301));
  }

  app.get('/comments/:id/edit', requireUser, async (c) => {
    const comment = await getComment(database, c.req.param('id'));
    if (!comment || comment.deleted) throw notFound('no such comment');
    if (comment.userId !== userOrFail(c).id) throw forbidden('you can only edit your own comments');
    return render(c, 'Edit comment', <EditCommentPage c={c} comment={comment} back={safeLocalPath(c.req.query('back'), discussionPath(comment.paperId))} />);
  });

  app.post('/comments/:id/edit', requireUser, async (c) => {
    const form = await c.req.parseBody();
    const comment = await editComment(database, { commentId: c.req.param('id'), userId: userOrFail(c).id, body: str(form.body), editWindowMs });
    return c.redirect(`${safeLocalPath(form.back, discussionPath(comment.paperId)).split('#')[0]}#comment-${comment.id}`, 303);
  });

  app.post('/comments/:id/delete', requireUser, async (c) => {
    const form = await c.req.parseBody();
    const comment = await getComment(database, c.req.param('id'));
    await deleteComment(database, { commentId: c.req.param('id'), userId: userOrFail(c).id });
    return c.redirect(safeLocalPath(form.back, comment ? discussionPath(comment.paperId) : '/'), 303);
  });

  app.post('/comments/:id/report', requireUser, commentLimit.middleware, async (c) => {
    const form = await c.req.parseBody();
    await reportComment(database, { commentId: c.req.param('id'), userId: userOrFail(c).id, reason: str(form.reason) });
    return c.redirect(safeLocalPath(form.back), 303);
  });

  // Moderation ----------------------------------------------------------------------------------------

  app.use('/mod', requireRole('moderator'));
  app.use('/mod/*', requireRole('moderator'));

  const desk = async (c: Context, extra: { notice?: string; error?: string; status?: number } = {}) =>
    render(
      c,
      'Moderation',
      <ModerationPage c={c} user={userOrFail(c)} reports={await listOpenReports(database)} log={await listModerationLog(database)} notice={extra.notice} error={extra.error} />,
      { status: extra.status },
    );

  app.get('/mod', (c) => desk(c));

  app.post('/mod/comments/:id/:action{hide|unhide}', async (c) => {
    const form = await c.req.parseBody();
    const paperId = await moderateComment(database, userOrFail(c).id, c.req.param('id'), c.req.param('action') === 'hide', str(form.reason) || null);
    return c.redirect(safeLocalPath(form.back, discussionPath(paperId)), 303);
  });

  app.post('/mod/comments/:id/dismiss', async (c) => {
    const form = await c.req.parseBody();
    await dismissReports(database, userOrFail(c).id, c.req.param('id'), str(form.reason) || null);
    return c.redirect('/mod', 303);
  });

  app.post('/mod/papers', async (c) => {
    const form = await c.req.parseBody();
    const actor = userOrFail(c).id;
    const paperId = str(form.paper).trim();
    const reason = str(form.reason) || null;
    const action = str(form.action);
    try {
      if (action === 'hide' || action === 'unhide') await setPaperHidden(database, actor, paperId, action === 'hide', reason);
      else if (action === 'feature' || action === 'unfeature') await setPaperFeatured(database, actor, paperId, action === 'feature', reason);
      else throw badRequest('unknown action');
    } catch (e) {
      const err = formError(e);
      return desk(c, { error: err.message, status: err.status });
    }
    return desk(c, { notice: `Paper ${paperId}: ${action} done.` });
  });

  app.post('/mod/users', async (c) => {
    const form = await c.req.parseBody();
    const actor = userOrFail(c);
    const target = await findUserByUsername(database, str(form.username).trim());
    if (!target) return desk(c, { error: 'No account with that username.', status: 404 });
    const action = str(form.action);
    const reason = str(form.reason) || null;
    // Moderators act on ordinary accounts; only admins act on staff, and nobody on themselves.
    if (target.id === actor.id) throw forbidden('you cannot moderate your own account');
    if (target.role !== 'user' && actor.role !== 'admin') throw forbidden('only an admin can act on a moderator or admin');
    if (action === 'ban' || action === 'unban') await setUserBanned(database, actor.id, target.id, action === 'ban', reason);
    else if (action === 'role:moderator' || action === 'role:user') {
      if (!roleAllows(actor.role, 'admin')) throw forbidden('only an admin can change roles');
      await setUserRole(database, actor.id, target.id, action === 'role:moderator' ? 'moderator' : 'user');
    } else throw badRequest('unknown action');
    return desk(c, { notice: `${target.username}: ${action} done.` });
  });

  app.route('/', communityApi(ctx, limits));
  return app;
}

/**
 * The upvote button and discussion for the paper page (its `community` extension). Anonymous visitors get
 * no forms and so no token: their copy of the page stays cacheable.
 */
export function communityPanel(ctx: Services) {
  const editWindowMs = ctx.config.COMMENT_EDIT_WINDOW_MINUTES * 60_000;
  return async (c: Context, paperId: string) => {
    const counts = await paperCounts(ctx.database, paperId);
    if (!counts || counts.hidden) return null;
    const user = currentUser(c);
    const [comments, voted] = await Promise.all([
      listPaperComments(ctx.database, paperId),
      user ? hasUpvoted(ctx.database, user.id, [paperId]) : Promise.resolve(new Set<string>()),
    ]);
    return (
      <PaperCommunity c={c} paperId={paperId} upvotes={counts.upvotes} upvoted={voted.has(paperId)} comments={comments} user={user} editWindowMs={editWindowMs} back={discussionPath(paperId)} />
    );
  };
}
