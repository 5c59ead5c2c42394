// The paper submission form; a refused id is named under the field, with what was typed kept.
import type { Context } from 'hono';
import { csrfField } from '../security/csrf.ts';

export function SubmitPage(props: { c: Context; maxAgeDays: number; perDay: number; value?: string; error?: string | null; notice?: string | null }) {
  return (
    <section class="submit">
      <h1>Submit a paper</h1>
      <p>
        Papers published on arXiv in the last {props.maxAgeDays} days, up to {props.perDay} a day. A submitted paper enters today's Daily Papers with your name.
      </p>
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <form method="post" action="/submit">
        {csrfField(props.c)}
        <label for="submit-paper">arXiv id or URL</label>{' '}
        <input
          id="submit-paper"
          type="text"
          name="paper"
          required
          placeholder="2406.01234"
          value={props.value ?? ''}
          aria-invalid={props.error ? 'true' : undefined}
          aria-describedby={props.error ? 'submit-paper-error' : undefined}
        />{' '}
        <button type="submit">Submit</button>
        {props.error && (
          <p id="submit-paper-error" class="field-error" role="alert">
            {props.error}
          </p>
        )}
      </form>
    </section>
  );
}
