// Upvotes and comments from the paper page, and the discussion panel on it. Every mutation is a POST that passed
// csrfProtection and names the person it acts for; the script API for the same actions is in api/community.ts.
import type { Context } from 'hono';
import type { Child } from 'hono/jsx';
import { addComment, deleteComment, editComment, getComment, listPaperComments, reportComment } from '../../db/comments.ts';
import { paperCounts, setVote } from '../../db/votes.ts';
import { forbidden, notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { paperPath } from '../components/paper-card.tsx';
import { privatePage } from '../http/responses.tsx';
import { wantsJson } from '../http/errors.tsx';
import { arxivIdInPath, formBoolean, formText, queryText, readForm, safeLocalPath, safeLocalPathAt } from '../input.ts';
import { atCard } from '../library/card-state.tsx';
import type { InterestRefresher } from '../library/interests.ts';
import { type CurrentUser, userOrFail } from '../security/auth.ts';
import { EditCommentPage, PaperCommunity, panelChangesAt } from './paper-community.tsx';
import { readsOf } from '../http/request-reads.ts';

/** Where to return after a comment action: the page it came from, at the comment. */
const atComment = (back: unknown, paperId: string, commentId: string) => safeLocalPathAt(back, paperPath(paperId), `comment-${commentId}`);

export function discussionHandlers(ctx: Services, interests: InterestRefresher) {
  const { config, database } = ctx;
  const editWindowMs = config.COMMENT_EDIT_WINDOW_MINUTES * 60_000;

  return {
    /** upvoted=true sets the vote, upvoted=false removes it: a resubmitted form changes nothing. */
    upvote: async (c: Context) => {
      const { id } = arxivIdInPath(c);
      const form = await readForm(c);
      const user = userOrFail(c);
      const result = await setVote(database, user.id, id, formBoolean(form, 'upvoted'));
      interests.refresh(user.id);
      if (wantsJson(c)) return c.json({ paperId: id, upvoted: result.upvoted, upvotes: result.upvotes });
      return c.redirect(atCard(form.back, id), 303);
    },

    comment: async (c: Context) => {
      const { id } = arxivIdInPath(c);
      const form = await readForm(c);
      const added = await addComment(database, { paperId: id, userId: userOrFail(c).id, parentId: formText(form.parent) || null, body: formText(form.body) });
      return c.redirect(atComment(form.back, id, added.id), 303);
    },

    /** Older links and the paper page's comment count point here; the thread is on the paper page. */
    discussion: (c: Context) => c.redirect(`${paperPath(arxivIdInPath(c).id)}#discussion`, 301),

    editPage: async (c: Context) => {
      const comment = await getComment(database, c.req.param('id'));
      if (!comment || comment.deleted) throw notFound('no such comment');
      if (comment.userId !== userOrFail(c).id) throw forbidden('you can only edit your own comments');
      const back = safeLocalPath(queryText(c, 'back'), paperPath(comment.paperId));
      return privatePage(c, config.baseUrl, 'Edit comment', <EditCommentPage c={c} comment={comment} back={back} />);
    },

    edit: async (c: Context) => {
      const form = await readForm(c);
      const comment = await editComment(database, { commentId: c.req.param('id'), userId: userOrFail(c).id, body: formText(form.body), editWindowMs });
      return c.redirect(atComment(form.back, comment.paperId, comment.id), 303);
    },

    delete: async (c: Context) => {
      const form = await readForm(c);
      const comment = await getComment(database, c.req.param('id'));
      await deleteComment(database, { commentId: c.req.param('id'), userId: userOrFail(c).id });
      return c.redirect(safeLocalPath(form.back, comment ? paperPath(comment.paperId) : '/'), 303);
    },

    report: async (c: Context) => {
      const form = await readForm(c);
      await reportComment(database, { commentId: c.req.param('id'), userId: userOrFail(c).id, reason: formText(form.reason) });
      return c.redirect(safeLocalPath(form.back), 303);
    },
  };
}

/**
 * The discussion for the paper page (its `community` extension); the upvote button is at the top of the page. Anonymous visitors get
 * no forms and so no token: their copy of the page stays cacheable. Says when the panel changes by the clock alone
 * (an Edit button's window closing), so a page that keeps it knows until when.
 */
export function discussionPanel(ctx: Services) {
  const editWindowMs = ctx.config.COMMENT_EDIT_WINDOW_MINUTES * 60_000;
  return async (c: Context, paperId: string, user: CurrentUser | null): Promise<{ panel: Child; changesAt: number | null }> => {
    const counts = await paperCounts(readsOf(c, ctx.database), paperId);
    if (!counts || counts.hidden) return { panel: null, changesAt: null };
    const comments = await listPaperComments(readsOf(c, ctx.database), paperId);
    const now = Date.now();
    return {
      panel: (
        <PaperCommunity
          c={c}
          paperId={paperId}
          comments={comments}
          sourceComments={counts.sourceComments}
          user={user}
          editWindowMs={editWindowMs}
          now={now}
          back={paperPath(paperId)}
        />
      ),
      changesAt: panelChangesAt(comments, user, editWindowMs, now),
    };
  };
}
