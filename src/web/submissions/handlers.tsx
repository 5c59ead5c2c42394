// Submitting a paper to the Daily Papers from the site (the script API's POST /api/papers/submit is in api/).
import type { Context } from 'hono';
import { submitOrQueue, type SubmitOutcome } from '../../jobs/index-requests.ts';
import type { Services } from '../../services.ts';
import { paperPath } from '../components/paper-card.tsx';
import { formProblem } from '../http/errors.tsx';
import { privatePage } from '../http/responses.tsx';
import { formText, readForm } from '../input.ts';
import { userOrFail } from '../security/auth.ts';
import { SubmitPage } from './submit-page.tsx';

export function submissionHandlers(ctx: Services) {
  const { config } = ctx;
  const submitForm = (c: Context, shown: { value?: string; error?: string; notice?: string } = {}, status = 200) =>
    privatePage(
      c,
      config.baseUrl,
      'Submit a paper',
      <SubmitPage c={c} maxAgeDays={config.SUBMISSION_MAX_AGE_DAYS} perDay={config.SUBMISSIONS_PER_DAY} {...shown} />,
      {
        status,
        current: 'submit',
      },
    );

  return {
    form: (c: Context) => submitForm(c),
    submit: async (c: Context) => {
      const value = formText((await readForm(c)).paper);
      try {
        const outcome = await submitOrQueue(ctx, userOrFail(c), value);
        if (outcome.status === 'submitted') return c.redirect(paperPath(outcome.paper.id), 303);
        return submitForm(c, { notice: queuedNotice(outcome) }, 202);
      } catch (e) {
        const err = formProblem(e);
        return submitForm(c, { value, error: err.message }, err.status);
      }
    },
  };
}

/** What a person reads when their paper is not stored yet and waits for arXiv. */
export function queuedNotice(outcome: Extract<SubmitOutcome, { status: 'queued' }>): string {
  const when = outcome.estimatedAt ? ` (expected by ${outcome.estimatedAt.slice(0, 16).replace('T', ' ')} UTC)` : '';
  return `${outcome.arxivId} is not stored here yet: it is queued for arXiv${when}, and your submission is recorded when it arrives, under the same rules.`;
}
