// Submitting a paper to the Daily Papers from the site (the script API's POST /api/papers/submit is in api/).
import type { Context } from 'hono';
import { submitPaper } from '../../ingest/submit.ts';
import type { Services } from '../../services.ts';
import { paperPath } from '../components/paper-card.tsx';
import { formProblem } from '../http/errors.tsx';
import { privatePage } from '../http/responses.tsx';
import { formText, readForm } from '../input.ts';
import { userOrFail } from '../security/auth.ts';
import { SubmitPage } from './submit-page.tsx';

export function submissionHandlers(ctx: Services) {
  const { config } = ctx;
  const submitForm = (c: Context, value?: string, error?: string, status = 200) =>
    privatePage(c, config.baseUrl, 'Submit a paper', <SubmitPage c={c} maxAgeDays={config.SUBMISSION_MAX_AGE_DAYS} perDay={config.SUBMISSIONS_PER_DAY} value={value} error={error} />, {
      status,
      current: 'submit',
    });

  return {
    form: (c: Context) => submitForm(c),
    submit: async (c: Context) => {
      const value = formText((await readForm(c)).paper);
      try {
        const { paper } = await submitPaper(ctx, userOrFail(c), value);
        return c.redirect(paperPath(paper.id), 303);
      } catch (e) {
        const err = formProblem(e);
        return submitForm(c, value, err.message, err.status);
      }
    },
  };
}
