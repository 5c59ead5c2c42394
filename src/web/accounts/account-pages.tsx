// Sign-in, sign-up and the sign-in link confirmation. Every form posts with a CSRF token.
import type { Context } from 'hono';
import { FormError } from '../components/form-error.tsx';
import { csrfField } from '../security/csrf.ts';

export function SignInPage(props: { c: Context; next: string; email?: string; error?: string | null }) {
  const { c } = props;
  return (
    <section class="auth">
      <h1>Sign in</h1>
      <FormError message={props.error} />
      <h2>With a link by email</h2>
      <form method="post" action="/signin/email">
        {csrfField(c)}
        <input type="hidden" name="next" value={props.next} />
        <label>
          Email address <input type="email" name="email" required autocomplete="email" value={props.email ?? ''} />
        </label>
        <button type="submit">Email me a sign-in link</button>
      </form>
      <h2>With a password</h2>
      <form method="post" action="/signin/password">
        {csrfField(c)}
        <input type="hidden" name="next" value={props.next} />
        <label>
          Email address <input type="email" name="email" required autocomplete="username" value={props.email ?? ''} />
        </label>
        <label>
          Password <input type="password" name="password" required autocomplete="current-password" />
        </label>
        <button type="submit">Sign in</button>
      </form>
      <p>
        New here? <a href={`/signup?next=${encodeURIComponent(props.next)}`}>Create an account</a>.
      </p>
    </section>
  );
}

export function SignUpPage(props: { c: Context; next: string; email?: string; username?: string; error?: string | null }) {
  return (
    <section class="auth">
      <h1>Create an account</h1>
      <FormError message={props.error} />
      <form method="post" action="/signup">
        {csrfField(props.c)}
        <input type="hidden" name="next" value={props.next} />
        <label>
          Email address <input type="email" name="email" required autocomplete="email" value={props.email ?? ''} />
        </label>
        <label>
          Username <input type="text" name="username" required pattern="[A-Za-z0-9][A-Za-z0-9_\-]{1,29}" autocomplete="username" value={props.username ?? ''} />
        </label>
        <label>
          Password (optional, at least 10 characters; you can always sign in by email)
          <input type="password" name="password" autocomplete="new-password" minlength={10} />
        </label>
        <button type="submit">Send me a link to finish</button>
      </form>
      <p>We send a link to confirm the address; the account exists once you open it.</p>
    </section>
  );
}

export function CheckInboxPage(props: { email: string }) {
  return (
    <section class="auth">
      <h1>Check your inbox</h1>
      <p>
        If <strong>{props.email}</strong> can receive mail, a link is on its way. It works once and expires in 15 minutes.
      </p>
    </section>
  );
}

export function ConfirmLinkPage(props: { c: Context; token: string; email: string; needsUsername: boolean; username?: string; error?: string | null }) {
  return (
    <section class="auth">
      <h1>{props.needsUsername ? 'Choose a username' : 'Sign in'}</h1>
      <FormError message={props.error} />
      <form method="post" action="/signin/link">
        {csrfField(props.c)}
        <input type="hidden" name="token" value={props.token} />
        <p>
          Continue as <strong>{props.email}</strong>.
        </p>
        {props.needsUsername && (
          <label>
            Username <input type="text" name="username" required value={props.username ?? ''} />
          </label>
        )}
        <button type="submit">Continue</button>
      </form>
    </section>
  );
}

export function InvalidLinkPage() {
  return (
    <section class="auth">
      <h1>This link no longer works</h1>
      <p>Sign-in links work once and expire after 15 minutes.</p>
      <p>
        <a href="/signin">Ask for a new one</a>.
      </p>
    </section>
  );
}
