// Upvotes and comments from the paper page, and the discussion panel on it. Every mutation is a POST that passed
// csrfProtection and names the person it acts for; the script API for the same actions is in api/community.ts.
import type { Context } from 'hono';
import { addComment, deleteComment, editComment, getComment, listPaperComments, reportComment } from '../../db/comments.ts';
import { hasUpvoted, paperCounts, setVote } from '../../db/votes.ts';
import { forbidden, notFound } from '../../errors.ts';
import type { Services } from '../../services.ts';
import { paperPath } from '../components/paper-card.tsx';
import { privatePage } from '../http/responses.tsx';
import { arxivIdInPath, formText, queryText, readForm, safeLocalPath } from '../input.ts';
import { currentUser, userOrFail } from '../security/auth.ts';
import { EditCommentPage, PaperCommunity } from './paper-community.tsx';

/** Where to return after a comment action: the page it came from, at the comment. */
const atComment = (back: unknown, paperId: string, commentId: string) => `${safeLocalPath(back, paperPath(paperId)).split('#')[0]}#comment-${commentId}`;

export function discussionHandlers(ctx: Services) {
  const { config, database } = ctx;
  const editWindowMs = config.COMMENT_EDIT_WINDOW_MINUTES * 60_000;

  return {
    upvote: async (c: Context) => {
      const { id } = arxivIdInPath(c);
      await setVote(database, userOrFail(c).id, id);
      return c.redirect(safeLocalPath((await readForm(c)).back, paperPath(id)), 303);
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
 * The upvote button and discussion for the paper page (its `community` extension). Anonymous visitors get
 * no forms and so no token: their copy of the page stays cacheable.
 */
export function discussionPanel(ctx: Services) {
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
      <PaperCommunity c={c} paperId={paperId} upvotes={counts.upvotes} upvoted={voted.has(paperId)} comments={comments} user={user} editWindowMs={editWindowMs} back={paperPath(paperId)} />
    );
  };
}
