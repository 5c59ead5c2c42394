// The community API for scripts: upvote, comment, read a thread, submit a paper. Scripts authenticate with
// a personal access token (`Authorization: Bearer pf_…`, no CSRF token needed); a browser session may call
// the same routes with the `X-CSRF-Token` header.
import type { Context } from 'hono';
import { z } from 'zod';
import { addComment, listPaperComments, type StoredComment } from '../../db/comments.ts';
import { paperCounts, setVote } from '../../db/votes.ts';
import { roleAllows } from '../../domain/accounts.ts';
import { renderCommentMarkdown } from '../../domain/markdown.ts';
import { notFound } from '../../errors.ts';
import { submitOrQueue } from '../../jobs/index-requests.ts';
import type { Services } from '../../services.ts';
import { arxivIdInPath, readJson } from '../input.ts';
import type { InterestRefresher } from '../library/interests.ts';
import { currentUser, userOrFail } from '../security/auth.ts';

export function communityApiHandlers(ctx: Services, interests: InterestRefresher) {
  const { database } = ctx;

  const upvote = async (c: Context) => {
    // Explicit, never a toggle: a retried call leaves the same state.
    const body = await readJson(c, z.object({ upvoted: z.boolean() }).strict());
    const paperId = arxivIdInPath(c).id;
    const user = userOrFail(c);
    const result = await setVote(database, user.id, paperId, body.upvoted);
    interests.refresh(user.id);
    return c.json({ paperId, upvoted: result.upvoted, upvotes: result.upvotes });
  };

  const comment = async (c: Context) => {
    const body = await readJson(c, z.object({ comment: z.string(), parentCommentId: z.string().max(100).optional() }).strict());
    const paperId = arxivIdInPath(c).id;
    const added = await addComment(database, { paperId, userId: userOrFail(c).id, parentId: body.parentCommentId ?? null, body: body.comment });
    const counts = await paperCounts(database, paperId);
    return c.json({ comment: commentJson(added, false), numComments: counts?.numComments ?? 0 }, 201);
  };

  const thread = async (c: Context) => {
    const paperId = arxivIdInPath(c).id;
    const counts = await paperCounts(database, paperId);
    if (!counts || counts.hidden) throw notFound(`no paper ${paperId}`);
    const user = currentUser(c);
    const moderator = !!user && roleAllows(user.role, 'moderator');
    const comments = await listPaperComments(database, paperId);
    return c.json({ paperId, numComments: counts.numComments, comments: commentTree(comments, moderator) });
  };

  const submit = async (c: Context) => {
    const body = await readJson(c, z.object({ paper: z.string().max(300) }).strict());
    const user = userOrFail(c);
    const outcome = await submitOrQueue(ctx, user, body.paper);
    if (outcome.status === 'queued') {
      // Accepted, not done: the index-requests job fetches the paper and records the submission then.
      const { arxivId, requestId, position, estimatedAt } = outcome;
      return c.json({ status: 'queued', paper: { id: arxivId }, requestId, position, estimatedAt, submittedBy: user.username }, 202);
    }
    const { paper, day } = outcome;
    return c.json({ status: 'submitted', paper: { id: paper.id, title: paper.title }, day, submittedBy: user.username }, 201);
  };

  return { upvote, comment, thread, submit };
}

interface CommentJson {
  id: string;
  parentId: string | null;
  author: { username: string } | null;
  /** The Markdown source; null when the comment was deleted or hidden. */
  body: string | null;
  /** The same rendered to safe HTML. */
  html: string | null;
  createdAt: string;
  editedAt: string | null;
  deleted: boolean;
  hidden: boolean;
  replies?: CommentJson[];
}

function commentJson(cm: StoredComment, moderator: boolean): CommentJson {
  const visible = moderator ? cm.body !== '' : !cm.deleted && !cm.hidden;
  return {
    id: cm.id,
    parentId: cm.parentId,
    author: cm.deleted ? null : { username: cm.username },
    body: visible ? cm.body : null,
    html: visible ? renderCommentMarkdown(cm.body) : null,
    createdAt: cm.createdAt,
    editedAt: cm.editedAt,
    deleted: cm.deleted,
    hidden: cm.hidden,
  };
}

function commentTree(comments: StoredComment[], moderator: boolean): CommentJson[] {
  const byId = new Map<string, CommentJson>();
  const roots: CommentJson[] = [];
  for (const cm of comments) byId.set(cm.id, { ...commentJson(cm, moderator), replies: [] });
  for (const cm of comments) {
    const node = byId.get(cm.id)!;
    const parent = cm.parentId ? byId.get(cm.parentId) : undefined;
    (parent ? parent.replies! : roots).push(node);
  }
  return roots;
}
