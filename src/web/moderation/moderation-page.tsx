// The moderators' desk: open reports, actions on papers and accounts, and the audit log.
import type { Context } from 'hono';
import type { PendingClaim } from '../../db/claims.ts';
import type { OpenReport } from '../../db/comments.ts';
import type { ModerationEntry } from '../../db/moderation.ts';
import type { CurrentUser } from '../security/auth.ts';
import { csrfField } from '../security/csrf.ts';
import { FormError } from '../components/form-error.tsx';
import { hfProfileUrl, profilePath } from '../components/people-links.tsx';

export interface ModerationPageProps {
  c: Context;
  user: CurrentUser;
  reports: OpenReport[];
  claims: PendingClaim[];
  log: ModerationEntry[];
  error?: string | null;
  notice?: string | null;
}

/** One pending claim: who claims which author entry, with what Hugging Face says about the same entry. */
function ClaimItem(props: { c: Context; claim: PendingClaim }) {
  const { claim } = props;
  return (
    <li>
      <a href={profilePath(claim.username)}>{claim.username}</a>{' '}
      <span class="muted">
        (member since {claim.memberSince.slice(0, 10)}, {claim.approvedBefore} approved claim{claim.approvedBefore === 1 ? '' : 's'})
      </span>{' '}
      claims to be “{claim.authorName}” (author {claim.position + 1}) of <a href={`/papers/${claim.paperId}`}>{claim.paperTitle}</a>
      {claim.hfUser && (
        <>
          {' '}
          · Hugging Face links this entry to{' '}
          <a href={hfProfileUrl(claim.hfUser)} rel="noopener nofollow">
            @{claim.hfUser}
          </a>{' '}
          ({claim.hfStatus ?? 'no status'})
        </>
      )}
      <form method="post" action={`/mod/claims/${claim.id}/approve`} class="claim-decision">
        {csrfField(props.c)}
        <label>
          Reason <input type="text" name="reason" maxlength={500} />
        </label>
        <button type="submit">Approve</button>
        <button type="submit" formaction={`/mod/claims/${claim.id}/reject`} class="secondary">
          Reject
        </button>
      </form>
    </li>
  );
}

export function ModerationPage(props: ModerationPageProps) {
  const { c } = props;
  return (
    <section class="moderation">
      <h1>Moderation</h1>
      <FormError message={props.error} />
      {props.notice && <p class="notice">{props.notice}</p>}
      <h2>Reported comments</h2>
      {props.reports.length ? (
        <ul>
          {props.reports.map((r) => (
            <li>
              <a href={`/papers/${r.paperId}#comment-${r.commentId}`}>Comment by {r.author}</a>
              {r.deletedByAuthor && ' (since deleted by its author)'} reported by {r.reportedBy}: “{r.reason}”<blockquote>{r.body.slice(0, 300)}</blockquote>
              <form method="post" action={`/mod/comments/${r.commentId}/hide`} class="inline">
                {csrfField(c)}
                <input type="hidden" name="back" value="/mod" />
                <button type="submit">Hide comment</button>
              </form>
              <form method="post" action={`/mod/comments/${r.commentId}/dismiss`} class="inline">
                {csrfField(c)}
                <button type="submit">Dismiss reports</button>
              </form>
            </li>
          ))}
        </ul>
      ) : (
        <p>No open reports.</p>
      )}
      <h2>Authorship claims</h2>
      {props.claims.length ? (
        <ul class="claims">
          {props.claims.map((claim) => (
            <ClaimItem c={c} claim={claim} />
          ))}
        </ul>
      ) : (
        <p>No claims waiting.</p>
      )}
      <h2>Papers</h2>
      <form method="post" action="/mod/papers">
        {csrfField(c)}
        <label>
          arXiv id <input type="text" name="paper" required />
        </label>
        <label>
          Reason <input type="text" name="reason" maxlength={500} />
        </label>
        <button type="submit" name="action" value="hide">
          Hide
        </button>
        <button type="submit" name="action" value="unhide">
          Unhide
        </button>
        <button type="submit" name="action" value="feature">
          Feature
        </button>
        <button type="submit" name="action" value="unfeature">
          Unfeature
        </button>
      </form>
      <h2>Accounts</h2>
      <form method="post" action="/mod/users">
        {csrfField(c)}
        <label>
          Username <input type="text" name="username" required />
        </label>
        <label>
          Reason <input type="text" name="reason" maxlength={500} />
        </label>
        <button type="submit" name="action" value="ban">
          Ban
        </button>
        <button type="submit" name="action" value="unban">
          Unban
        </button>
        {props.user.role === 'admin' && (
          <>
            <button type="submit" name="action" value="role:moderator">
              Make moderator
            </button>
            <button type="submit" name="action" value="role:user">
              Remove moderator
            </button>
          </>
        )}
      </form>
      <h2>Audit log</h2>
      <table>
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>Action</th>
            <th>Target</th>
            <th>Reason</th>
          </tr>
        </thead>
        <tbody>
          {props.log.map((e) => (
            <tr>
              <td>{e.createdAt.slice(0, 16).replace('T', ' ')}</td>
              <td>{e.actor}</td>
              <td>{e.action}</td>
              <td>
                {e.targetType} {e.targetId}
              </td>
              <td>{e.reason ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
