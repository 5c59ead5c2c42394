// The signed-in person's settings: password, sessions (with revoke), personal access tokens.
import type { Context } from 'hono';
import type { ApiTokenInfo, SessionInfo } from '../../db/sessions.ts';
import type { CurrentUser } from '../security/auth.ts';
import { csrfField } from '../security/csrf.ts';
import { FormError } from '../components/form-error.tsx';

export interface SettingsProps {
  c: Context;
  user: CurrentUser;
  hasPassword: boolean;
  /** This browser signed in within the last `freshMinutes` (needed to set a first password). */
  freshSignIn: boolean;
  freshMinutes: number;
  /** Whether the profile lists this person's upvotes. */
  showUpvotes: boolean;
  sessions: SessionInfo[];
  tokens: ApiTokenInfo[];
  /** A token just created: shown once, never again. */
  newToken?: string | null;
  notice?: string | null;
  error?: string | null;
  /** Sections other parts of the product add (the email digest form). */
  extra?: unknown;
}

export function SettingsPage(props: SettingsProps) {
  const { c, user } = props;
  return (
    <section class="settings">
      <h1>Settings</h1>
      <FormError message={props.error} />
      {props.notice && <p class="notice">{props.notice}</p>}
      <p>
        Signed in as <a href={`/u/${user.username}`}>{user.username}</a> ({user.email}){user.role !== 'user' && `, ${user.role}`}.
        {user.role !== 'user' && (
          <>
            {' '}
            <a href="/mod">Moderation</a>
          </>
        )}
      </p>
      <form method="post" action="/signout">
        {csrfField(c)}
        <button type="submit">Sign out</button>
      </form>

      <h2 id="profile">Profile</h2>
      <form method="post" action="/settings/profile">
        {csrfField(c)}
        <label>
          <input type="checkbox" name="showUpvotes" checked={props.showUpvotes} /> Show the papers I upvote on my profile
        </label>
        <p class="muted">Off unless you turn it on: an upvote says what you read. Claimed papers, submissions and comments are always public.</p>
        <button type="submit">Save</button>
      </form>

      <h2>Password</h2>
      {!props.hasPassword && !props.freshSignIn && (
        <p>
          To set a first password, sign out and sign in again with an emailed link, then set it here within {props.freshMinutes} minutes: that proves you still
          read this account's mail.
        </p>
      )}
      <form method="post" action="/settings/password">
        {csrfField(c)}
        {props.hasPassword && (
          <label>
            Current password
            <input type="password" name="currentPassword" required autocomplete="current-password" />
          </label>
        )}
        <label>
          {props.hasPassword ? 'New password' : 'Set a password'} (at least 10 characters)
          <input type="password" name="password" required minlength={10} autocomplete="new-password" />
        </label>
        <label>
          <input type="checkbox" name="revokeTokens" value="yes" /> Also revoke all access tokens (other browsers are always signed out)
        </label>
        <button type="submit">Save password</button>
      </form>

      <h2>Sessions</h2>
      <table>
        <thead>
          <tr>
            <th>Browser</th>
            <th>Signed in</th>
            <th>Last seen</th>
            <th>Action</th>
          </tr>
        </thead>
        <tbody>
          {props.sessions.map((s) => (
            <tr>
              <td>{s.userAgent ?? 'unknown'}</td>
              <td>{s.createdAt.slice(0, 16).replace('T', ' ')}</td>
              <td>{s.lastSeenAt.slice(0, 16).replace('T', ' ')}</td>
              <td>
                {s.id === user.sessionId ? (
                  'this browser'
                ) : (
                  <form method="post" action={`/settings/sessions/${s.id}/revoke`}>
                    {csrfField(c)}
                    <button type="submit">Sign out</button>
                  </form>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      {props.extra as any}

      <h2>Access tokens</h2>
      <p>
        For scripts: send <code>Authorization: Bearer pf_…</code> to <code>POST /api/papers/{'{id}'}/upvote</code>, <code>/comment</code> and{' '}
        <code>POST /api/papers/submit</code>.
      </p>
      {props.newToken && (
        <p class="notice">
          Your new token (copy it now; it is not shown again): <code id="new-token">{props.newToken}</code>
        </p>
      )}
      <ul>
        {props.tokens.map((t) => (
          <li>
            {t.name} — created {t.createdAt.slice(0, 10)}, last used {t.lastUsedAt ? t.lastUsedAt.slice(0, 10) : 'never'}
            <form method="post" action={`/settings/tokens/${t.id}/revoke`} class="inline">
              {csrfField(c)}
              <button type="submit">Revoke</button>
            </form>
          </li>
        ))}
      </ul>
      <form method="post" action="/settings/tokens">
        {csrfField(c)}
        <label>
          Token name <input type="text" name="name" required maxlength={60} />
        </label>
        <button type="submit">Create token</button>
      </form>
    </section>
  );
}
