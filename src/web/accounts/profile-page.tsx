// A person's public page: their submissions and comments.
import type { StoredComment } from '../../db/comments.ts';
import type { UserSubmission } from '../../db/submissions.ts';
import type { User } from '../../db/users.ts';
import { renderCommentMarkdown } from '../../domain/markdown.ts';

export function ProfilePage(props: { user: User; submissions: UserSubmission[]; comments: (StoredComment & { paperTitle: string })[] }) {
  const { user } = props;
  return (
    <section class="profile">
      <h1>{user.username}</h1>
      <p>
        Member since {user.createdAt.slice(0, 10)}
        {user.role !== 'user' && ` · ${user.role}`}
        {user.bannedAt && ' · banned'}
      </p>
      <h2>Submitted papers</h2>
      {props.submissions.length ? (
        <ul>
          {props.submissions.map((s) => (
            <li>
              <a href={`/papers/${s.paperId}`}>{s.title}</a> <span class="muted">({s.day})</span>
            </li>
          ))}
        </ul>
      ) : (
        <p>None yet.</p>
      )}
      <h2>Comments</h2>
      {props.comments.length ? (
        <ul class="comments-by-user">
          {props.comments.map((cm) => (
            <li>
              On <a href={`/papers/${cm.paperId}#comment-${cm.id}`}>{cm.paperTitle}</a>{' '}
              <span class="muted">{cm.createdAt.slice(0, 10)}</span>
              <div class="comment-body" dangerouslySetInnerHTML={{ __html: renderCommentMarkdown(cm.body) }} />
            </li>
          ))}
        </ul>
      ) : (
        <p>None yet.</p>
      )}
    </section>
  );
}
