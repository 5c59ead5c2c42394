// Submitting a stored paper to the Daily Papers: apply the rules (recent, not already in the feed, a daily cap per
// person) and record it. A paper that is not stored yet is never fetched while a request waits: the caller queues
// it (src/jobs/index-requests.ts submitOrQueue), and the submission is recorded when the paper arrives.
import { tryParseArxivId } from '../domain/arxiv-id.ts';
import { ageProblem } from '../domain/submission.ts';
import { getPaper, type StoredPaper } from '../db/papers.ts';
import { recordSubmission } from '../db/submissions.ts';
import { badRequest, notFound } from '../errors.ts';
import type { Services } from '../services.ts';

export interface Submitted {
  paper: StoredPaper;
  day: string;
}

export async function submitPaper(
  ctx: Pick<Services, 'config' | 'database' | 'clock'>,
  submitter: { id: string; username: string },
  input: string,
): Promise<Submitted> {
  const now = ctx.clock();
  const parsed = tryParseArxivId(String(input ?? ''));
  if (!parsed) throw badRequest('enter an arXiv id such as 2406.01234 or an arxiv.org / huggingface.co/papers URL', 'bad_arxiv_id');
  const paper = await getPaper(ctx.database, parsed.id);
  if (!paper) throw notFound(`paper ${parsed.id} is not stored here yet`, 'unknown_paper');
  const problem = ageProblem(paper, now, ctx.config.SUBMISSION_MAX_AGE_DAYS);
  if (problem) throw badRequest(problem, 'too_old');
  const day = now.toISOString().slice(0, 10);
  await recordSubmission(
    ctx.database,
    { userId: submitter.id, username: submitter.username, paperId: paper.id, day, maxPerDay: ctx.config.SUBMISSIONS_PER_DAY },
    now,
  );
  return { paper, day };
}
