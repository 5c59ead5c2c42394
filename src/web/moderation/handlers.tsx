// The moderation desk: open reports and the audit log; hiding comments, hiding and featuring papers, banning
// accounts and, for admins, granting the moderator role. Every action is logged in the same transaction (src/db).
import type { Context } from 'hono';
import { listOpenReports } from '../../db/comments.ts';
import { listPendingClaims } from '../../db/claims.ts';
import {
  decideClaim,
  dismissReports,
  listModerationLog,
  moderateComment,
  setPaperFeatured,
  setPaperHidden,
  setUserBanned,
  setUserRole,
} from '../../db/moderation.ts';
import { findUserByUsername } from '../../db/users.ts';
import { roleAllows } from '../../domain/accounts.ts';
import { badRequest, forbidden } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { paperPath } from '../components/paper-card.tsx';
import { formProblem } from '../http/errors.tsx';
import { privatePage } from '../http/responses.tsx';
import { formText, readForm, safeLocalPath } from '../input.ts';
import type { InterestRefresher } from '../library/interests.ts';
import { userOrFail } from '../security/auth.ts';
import { ModerationPage } from './moderation-page.tsx';

export function moderationHandlers(ctx: Services, interests: InterestRefresher) {
  const { config, database } = ctx;

  const desk = async (c: Context, extra: { notice?: string; error?: string; status?: number } = {}) =>
    privatePage(
      c,
      config.baseUrl,
      'Moderation',
      <ModerationPage
        c={c}
        user={userOrFail(c)}
        reports={await listOpenReports(database)}
        claims={await listPendingClaims(database)}
        log={await listModerationLog(database)}
        notice={extra.notice}
        error={extra.error}
      />,
      { status: extra.status },
    );

  return {
    desk: (c: Context) => desk(c),

    hideComment: async (c: Context) => {
      const form = await readForm(c);
      const paperId = await moderateComment(database, userOrFail(c).id, c.req.param('id'), c.req.param('action') === 'hide', formText(form.reason) || null);
      return c.redirect(safeLocalPath(form.back, paperPath(paperId)), 303);
    },

    dismissReports: async (c: Context) => {
      const form = await readForm(c);
      await dismissReports(database, userOrFail(c).id, c.req.param('id'), formText(form.reason) || null);
      return c.redirect('/mod', 303);
    },

    paper: async (c: Context) => {
      const form = await readForm(c);
      const actor = userOrFail(c).id;
      const paperId = formText(form.paper).trim();
      const reason = formText(form.reason) || null;
      const action = formText(form.action);
      try {
        if (action === 'hide' || action === 'unhide') await setPaperHidden(database, actor, paperId, action === 'hide', reason);
        else if (action === 'feature' || action === 'unfeature') await setPaperFeatured(database, actor, paperId, action === 'feature', reason);
        else throw badRequest('unknown action');
      } catch (e) {
        const err = formProblem(e);
        return desk(c, { error: err.message, status: err.status });
      }
      return desk(c, { notice: `Paper ${paperId}: ${action} done.` });
    },

    claim: async (c: Context) => {
      const form = await readForm(c);
      const approve = c.req.param('action') === 'approve';
      try {
        const claim = await decideClaim(database, userOrFail(c).id, c.req.param('id') ?? '', approve, formText(form.reason) || null);
        // An approved claim is one of the claimant's papers now: their "For you" learns from it.
        if (approve) interests.refresh(claim.userId);
        return desk(c, { notice: `Claim of “${claim.authorName}” on ${claim.paperId} by ${claim.username}: ${approve ? 'approved' : 'rejected'}.` });
      } catch (e) {
        const err = formProblem(e);
        return desk(c, { error: err.message, status: err.status });
      }
    },

    user: async (c: Context) => {
      const form = await readForm(c);
      const actor = userOrFail(c);
      const target = await findUserByUsername(database, formText(form.username).trim());
      if (!target) return desk(c, { error: 'No account with that username.', status: 404 });
      const action = formText(form.action);
      const reason = formText(form.reason) || null;
      // Moderators act on ordinary accounts; only admins act on staff, and nobody on themselves.
      if (target.id === actor.id) throw forbidden('you cannot moderate your own account');
      if (target.role !== 'user' && actor.role !== 'admin') throw forbidden('only an admin can act on a moderator or admin');
      if (action === 'ban' || action === 'unban') await setUserBanned(database, actor.id, target.id, action === 'ban', reason);
      else if (action === 'role:moderator' || action === 'role:user') {
        if (!roleAllows(actor.role, 'admin')) throw forbidden('only an admin can change roles');
        await setUserRole(database, actor.id, target.id, action === 'role:moderator' ? 'moderator' : 'user');
      } else throw badRequest('unknown action');
      return desk(c, { notice: `${target.username}: ${action} done.` });
    },
  };
}
