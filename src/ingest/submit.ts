// Submitting a paper to the Daily Papers: resolve the id, fetch the paper from arXiv when it is not stored
// yet, apply the rules (recent, not already in the feed, a daily cap per person) and record it.
import { tryParseArxivId } from '../domain/arxiv-id.ts';
import { ageProblem } from '../domain/submission.ts';
import { getPaper, upsertPapers, type StoredPaper } from '../db/papers.ts';
import { recordSubmission } from '../db/submissions.ts';
import { badRequest, notFound } from '../errors.ts';
import type { Services } from '../services.ts';
import { fetchArxivPapers } from './arxiv-api.ts';

export interface Submitted {
  paper: StoredPaper;
  day: string;
}

export async function submitPaper(
  ctx: Pick<Services, 'config' | 'database' | 'logger' | 'http' | 'clock'>,
  submitter: { id: string; username: string },
  input: string,
): Promise<Submitted> {
  const now = ctx.clock();
  const parsed = tryParseArxivId(String(input ?? ''));
  if (!parsed) throw badRequest('enter an arXiv id such as 2406.01234 or an arxiv.org / huggingface.co/papers URL', 'bad_arxiv_id');
  let paper = await getPaper(ctx.database, parsed.id);
  if (!paper) {
    const fetched = (await fetchArxivPapers(ctx, [parsed.id])).find((p) => p.id === parsed.id);
    if (!fetched) throw notFound(`arXiv has no paper ${parsed.id}`, 'unknown_paper');
    await upsertPapers(ctx.database, [fetched]);
    paper = await getPaper(ctx.database, parsed.id);
    if (!paper) throw notFound(`arXiv has no paper ${parsed.id}`, 'unknown_paper');
  }
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
