// The community block of a paper: the threaded discussion. Works without JavaScript:
// every action is a small POST form carrying the CSRF token and the page to come back to.
import type { Context } from 'hono';
import type { StoredComment } from '../../db/comments.ts';
import { roleAllows } from '../../domain/accounts.ts';
import { huggingFaceDiscussionUrl } from '../../domain/arxiv-id.ts';
import { renderCommentMarkdown } from '../../domain/markdown.ts';
import type { CurrentUser } from '../security/auth.ts';
import { csrfField } from '../security/csrf.ts';

export interface PaperCommunityProps {
  c: Context;
  paperId: string;
  comments: StoredComment[];
  /** Comments Hugging Face counted for the paper; their text is there, not here. */
  sourceComments?: number;
  user: CurrentUser | null;
  editWindowMs: number;
  /** The time the panel is rendered for: which of the person's comments still have an Edit button. */
  now: number;
  /** The page the forms return to. */
  back: string;
}

/** The last moment `user` may still edit `cm` (its edit window closing), or null when they may not edit it at all. */
function editableUntil(cm: StoredComment, user: CurrentUser | null, editWindowMs: number): number | null {
  if (!user || user.id !== cm.userId || cm.deleted || cm.hidden) return null;
  return Date.parse(cm.createdAt) + editWindowMs;
}

/**
 * When the panel rendered at `now` would first read differently by the clock alone, the earliest of the person's Edit
 * buttons going away; null when none is showing.
 */
export function panelChangesAt(comments: StoredComment[], user: CurrentUser | null, editWindowMs: number, now: number): number | null {
  let first: number | null = null;
  for (const cm of comments) {
    const until = editableUntil(cm, user, editWindowMs);
    if (until !== null && until >= now && (first === null || until + 1 < first)) first = until + 1;
  }
  return first;
}

/** Replies deeper than this are shown at this depth, so a long exchange stays readable on a phone. */
const MAX_DEPTH = 6;

export function PaperCommunity(props: PaperCommunityProps) {
  const children = new Map<string | null, StoredComment[]>();
  for (const cm of props.comments) {
    const list = children.get(cm.parentId) ?? [];
    list.push(cm);
    children.set(cm.parentId, list);
  }
  const visible = props.comments.filter((cm) => !cm.deleted && !cm.hidden).length;
  return (
    <section class="community" id="discussion">
      <h2>
        Discussion <span class="muted">({visible})</span>
      </h2>
      {(props.sourceComments ?? 0) > 0 && (
        <p class="muted">
          Hugging Face counts {props.sourceComments} more comment{props.sourceComments === 1 ? '' : 's'} on this paper; they are on{' '}
          <a href={huggingFaceDiscussionUrl(props.paperId)} rel="noopener">
            its Hugging Face page
          </a>
          , not copied here.
        </p>
      )}
      <Thread {...props} children={children} parentId={null} depth={0} />
      {props.user ? (
        <CommentForm c={props.c} paperId={props.paperId} back={props.back} parentId={null} label="Comment" />
      ) : (
        <p>
          <a href={`/signin?next=${encodeURIComponent(props.back)}`}>Sign in</a> to comment.
        </p>
      )}
      <p class="muted small">Comments support **bold**, *emphasis*, `code`, ``` code blocks ``` and [links](https://example.org).</p>
    </section>
  );
}

function Thread(props: PaperCommunityProps & { children: Map<string | null, StoredComment[]>; parentId: string | null; depth: number }) {
  const list = props.children.get(props.parentId) ?? [];
  if (!list.length) return null;
  return (
    <ol class={props.depth === 0 ? 'comments' : 'replies'}>
      {list.map((cm) => (
        <li id={`comment-${cm.id}`} class="comment">
          <Comment {...props} comment={cm} />
          {props.depth + 1 < MAX_DEPTH ? <Thread {...props} parentId={cm.id} depth={props.depth + 1} /> : <FlatReplies {...props} parentId={cm.id} />}
        </li>
      ))}
    </ol>
  );
}

/** Everything below the maximum depth, oldest first, in one list. */
function FlatReplies(props: PaperCommunityProps & { children: Map<string | null, StoredComment[]>; parentId: string }) {
  const out: StoredComment[] = [];
  const walk = (id: string) => {
    for (const cm of props.children.get(id) ?? []) {
      out.push(cm);
      walk(cm.id);
    }
  };
  walk(props.parentId);
  if (!out.length) return null;
  out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  return (
    <ol class="replies">
      {out.map((cm) => (
        <li id={`comment-${cm.id}`} class="comment">
          <Comment {...props} comment={cm} />
        </li>
      ))}
    </ol>
  );
}

function Comment(props: PaperCommunityProps & { comment: StoredComment }) {
  const { c, comment: cm, user } = props;
  const isModerator = !!user && roleAllows(user.role, 'moderator');
  const isAuthor = !!user && user.id === cm.userId;
  const until = editableUntil(cm, user, props.editWindowMs);
  const editable = until !== null && props.now <= until;
  // Moderators also see what a hidden comment said, and a deleted one whose text was kept because it was hidden or reported.
  const showBody = isModerator ? cm.body !== '' : !cm.deleted && !cm.hidden;
  return (
    <article class={cm.hidden ? 'comment-card hidden-comment' : 'comment-card'}>
      <header>
        {cm.deleted ? (
          <span class="muted">[deleted{showBody && ` by ${cm.username}; its text is kept for moderators`}]</span>
        ) : (
          <a href={`/u/${cm.username}`} class="author">
            {cm.username}
          </a>
        )}{' '}
        <time datetime={cm.createdAt}>{cm.createdAt.slice(0, 16).replace('T', ' ')}</time>
        {cm.editedAt && <span class="muted"> (edited)</span>}
        {cm.hidden && <span class="muted"> [hidden by a moderator]</span>}
      </header>
      {showBody && <div class="comment-body" dangerouslySetInnerHTML={{ __html: renderCommentMarkdown(cm.body) }} />}
      {user && !cm.deleted && (
        <div class="comment-actions">
          {!cm.hidden && (
            <details>
              <summary>Reply</summary>
              <CommentForm c={c} paperId={props.paperId} back={props.back} parentId={cm.id} label="Reply" />
            </details>
          )}
          {editable && <a href={`/comments/${cm.id}/edit?back=${encodeURIComponent(props.back)}`}>Edit</a>}
          {isAuthor && (
            <form method="post" action={`/comments/${cm.id}/delete`} class="inline">
              {csrfField(c)}
              <input type="hidden" name="back" value={props.back} />
              <button type="submit">Delete</button>
            </form>
          )}
          {!isAuthor && !cm.hidden && (
            <details>
              <summary>Report</summary>
              <form method="post" action={`/comments/${cm.id}/report`}>
                {csrfField(c)}
                <input type="hidden" name="back" value={props.back} />
                <label>
                  What is wrong? <input type="text" name="reason" required maxlength={500} />
                </label>
                <button type="submit">Report</button>
              </form>
            </details>
          )}
          {isModerator && (
            <form method="post" action={`/mod/comments/${cm.id}/${cm.hidden ? 'unhide' : 'hide'}`} class="inline">
              {csrfField(c)}
              <input type="hidden" name="back" value={props.back} />
              <button type="submit">{cm.hidden ? 'Unhide' : 'Hide'}</button>
            </form>
          )}
        </div>
      )}
    </article>
  );
}

function CommentForm(props: { c: Context; paperId: string; back: string; parentId: string | null; label: string }) {
  return (
    <form method="post" action={`/papers/${props.paperId}/comments`} class="comment-form">
      {csrfField(props.c)}
      <input type="hidden" name="back" value={props.back} />
      {props.parentId && <input type="hidden" name="parent" value={props.parentId} />}
      <label>
        {props.label} <textarea name="body" required rows={props.parentId ? 3 : 5} maxlength={10000}></textarea>
      </label>
      <button type="submit">{props.label === 'Reply' ? 'Post reply' : 'Post comment'}</button>
    </form>
  );
}

export function EditCommentPage(props: { c: Context; comment: StoredComment; back: string; error?: string | null }) {
  return (
    <section>
      <h1>Edit comment</h1>
      {props.error && <p class="form-error">{props.error}</p>}
      <form method="post" action={`/comments/${props.comment.id}/edit`}>
        {csrfField(props.c)}
        <input type="hidden" name="back" value={props.back} />
        <textarea name="body" required rows={6} maxlength={10000}>
          {props.comment.body}
        </textarea>
        <button type="submit">Save</button>
      </form>
    </section>
  );
}
