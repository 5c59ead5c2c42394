// The paper submission form.
import type { Context } from 'hono';
import { csrfField } from '../security/csrf.ts';
import { FormError } from '../components/form-error.tsx';

export function SubmitPage(props: { c: Context; maxAgeDays: number; perDay: number; value?: string; error?: string | null; notice?: string | null }) {
  return (
    <section class="submit">
      <h1>Submit a paper</h1>
      <p>
        Papers published on arXiv in the last {props.maxAgeDays} days, up to {props.perDay} a day. A submitted paper enters today's Daily Papers
        with your name.
      </p>
      <FormError message={props.error} />
      {props.notice && (
        <p class="notice" role="status">
          {props.notice}
        </p>
      )}
      <form method="post" action="/submit">
        {csrfField(props.c)}
        <label>
          arXiv id or URL <input type="text" name="paper" required placeholder="2406.01234" value={props.value ?? ''} />
        </label>
        <button type="submit">Submit</button>
      </form>
    </section>
  );
}
