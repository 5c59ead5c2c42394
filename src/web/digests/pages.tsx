// The digest pages' bodies (handlers.tsx puts them in the site's frame).
import type { Child } from 'hono/jsx';

export function CheckInboxPage(props: { kind: 'subscribe' | 'change' }) {
  return (
    <section>
      <h1>Check your inbox</h1>
      <p>
        If this address can receive mail, a message with a confirmation link is on its way.{' '}
        {props.kind === 'subscribe' ? 'Nothing is sent to you until you open it.' : 'Your digest changes once you open it.'}
      </p>
      <p class="muted">No mail? Look in the spam folder. To protect inboxes, one address gets at most one confirmation mail per hour.</p>
    </section>
  );
}

export function ConfirmPage(props: { token: string; csrf: Child }) {
  return (
    <section>
      <h1>Confirm your digest</h1>
      <p>One click and your digest is set up (or changed as you asked).</p>
      <form method="post" action="/subscribe/confirm">
        {props.csrf}
        <input type="hidden" name="token" value={props.token} />
        <button type="submit">Confirm</button>
      </form>
    </section>
  );
}

export function ConfirmedPage(props: { outcome: 'confirmed' | 'changed'; manageUrl: string; previewUrl: string }) {
  return (
    <section>
      <h1>{props.outcome === 'confirmed' ? 'You are subscribed' : 'Your digest is updated'}</h1>
      <p>
        <a href={props.previewUrl}>See what your digest looks like</a> · <a href={props.manageUrl}>Change topics or schedule</a>
      </p>
      <p class="muted">Every digest carries a link to change your preferences and a one-click unsubscribe link.</p>
    </section>
  );
}

export function InvalidLinkPage() {
  return (
    <section>
      <h1>This link does not work</h1>
      <p>It was already used, has expired, or was cut off by your mail program. You can sign up again below or from any page.</p>
      <p>
        <a href="/subscribe">Subscribe</a>
      </p>
    </section>
  );
}

export function UnsubscribePage(props: { email: string; action: string }) {
  return (
    <section>
      <h1>Unsubscribe</h1>
      <p>
        Stop sending paper digests to <strong>{props.email}</strong>?
      </p>
      <form method="post" action={props.action}>
        <button type="submit">Unsubscribe</button>
      </form>
    </section>
  );
}

export function UnsubscribedPage(props: { email: string }) {
  return (
    <section>
      <h1>You are unsubscribed</h1>
      <p>
        No more digests go to <strong>{props.email}</strong>. Changed your mind? <a href="/subscribe">Subscribe again</a>.
      </p>
    </section>
  );
}

export function SavedPage(props: { manageUrl: string; previewUrl: string }) {
  return (
    <section>
      <h1>Saved</h1>
      <p>
        Your next digest follows the new settings. <a href={props.previewUrl}>Preview it</a> · <a href={props.manageUrl}>Back to your settings</a>
      </p>
    </section>
  );
}
