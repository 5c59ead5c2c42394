// A person's public page: papers they claimed, submissions, upvotes (when public), public collections, comments.
import type { Context } from 'hono';
import type { Claim } from '../../db/claims.ts';
import type { StoredComment } from '../../db/comments.ts';
import type { ListedPaper } from '../../db/listings.ts';
import type { UserSubmission } from '../../db/submissions.ts';
import type { User } from '../../db/users.ts';
import type { UserUpvote } from '../../db/votes.ts';
import { renderCommentMarkdown } from '../../domain/markdown.ts';
import { Avatar } from '../components/avatar.tsx';
import { PaperCard } from '../components/paper-card.tsx';
import { csrfField } from '../security/csrf.ts';
import type { StoredCollection } from '../../db/collections.ts';
import { CollectionList } from '../collections/pages.tsx';

export interface ProfilePageProps {
  c: Context;
  user: User;
  /** The person looking at their own profile: they also see their pending claims and their private upvotes. */
  isOwner: boolean;
  claimedPapers: ListedPaper[];
  pendingClaims: Claim[];
  submissions: UserSubmission[];
  /** Null when the person keeps their upvotes private (and someone else is looking). */
  upvotes: { items: UserUpvote[]; total: number } | null;
  comments: (StoredComment & { paperTitle: string })[];
  /** The person's public collections (and their private ones, when they look at their own profile). */
  collections: StoredCollection[];
}

export function ProfilePage(props: ProfilePageProps) {
  const { user } = props;
  return (
    <section class="profile">
      <header class="person">
        <Avatar text={user.username} size={64} class="large" />
        <div>
          <h1>{user.username}</h1>
          <p class="muted">
            Member since {user.createdAt.slice(0, 10)}
            {user.role !== 'user' && ` · ${user.role}`}
            {user.bannedAt && ' · banned'}
          </p>
        </div>
      </header>

      <h2>Papers</h2>
      {props.claimedPapers.length ? (
        <ol class="papers">
          {props.claimedPapers.map((item) => (
            <PaperCard item={item} />
          ))}
        </ol>
      ) : (
        <p class="muted">{props.isOwner ? 'No claimed papers yet: claim yours from their pages (“Are you an author?”).' : 'No claimed papers yet.'}</p>
      )}
      {props.pendingClaims.length > 0 && (
        <>
          <h3>Claims waiting for a moderator</h3>
          <ul>
            {props.pendingClaims.map((cl) => (
              <li>
                “{cl.authorName}” on <a href={`/papers/${cl.paperId}`}>{cl.paperTitle}</a> <span class="muted">({cl.createdAt.slice(0, 10)})</span>{' '}
                <form method="post" action={`/claims/${cl.id}/withdraw`} class="inline">
                  {csrfField(props.c)}
                  <input type="hidden" name="back" value={`/u/${user.username}`} />
                  <button type="submit" class="secondary">
                    Withdraw
                  </button>
                </form>
              </li>
            ))}
          </ul>
        </>
      )}

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
        <p class="muted">None yet.</p>
      )}

      {props.upvotes && (
        <>
          <h2>Upvoted papers</h2>
          {props.isOwner && !user.showUpvotes && (
            <p class="muted">
              Only you see this list. <a href="/settings#profile">Show it on your profile</a>.
            </p>
          )}
          {props.upvotes.items.length ? (
            <ul>
              {props.upvotes.items.map((u) => (
                <li>
                  <a href={`/papers/${u.paperId}`}>{u.title}</a> <span class="muted">({u.votedAt.slice(0, 10)})</span>
                </li>
              ))}
            </ul>
          ) : (
            <p class="muted">None yet.</p>
          )}
          {props.upvotes.total > props.upvotes.items.length && <p class="muted">and {props.upvotes.total - props.upvotes.items.length} more</p>}
        </>
      )}

      <h2>Collections</h2>
      <CollectionList collections={props.collections} empty={props.isOwner ? 'No collections yet: start one from any paper page.' : 'No public collections.'} />
      {props.isOwner && (
        <p>
          <a href="/collections/new">New collection</a> · <a href="/library">Your library</a> (private)
        </p>
      )}

      <h2>Comments</h2>
      {props.comments.length ? (
        <ul class="comments-by-user">
          {props.comments.map((cm) => (
            <li>
              On <a href={`/papers/${cm.paperId}#comment-${cm.id}`}>{cm.paperTitle}</a> <span class="muted">{cm.createdAt.slice(0, 10)}</span>
              <div class="comment-body" dangerouslySetInnerHTML={{ __html: renderCommentMarkdown(cm.body) }} />
            </li>
          ))}
        </ul>
      ) : (
        <p class="muted">None yet.</p>
      )}
    </section>
  );
}
