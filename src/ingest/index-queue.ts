// Works through the "index any arXiv paper" queue (src/db/index-requests.ts): the oldest queued ids, 50 to an
// arXiv API lookup (the shared polite client paces them with every other arXiv request), papers arXiv has are
// stored, ids it does not know are marked missing, and a lookup that fails is tried again on later runs (given up
// after three attempts). Submissions that waited for their paper are then recorded, under the same rules as a
// direct submission. Idempotent: a run that stops half-way leaves the ids queued, and storing a paper twice
// changes nothing.
import { failFetches, finishFetches, queuedFetches, setRequestOutcome, storedRequests } from '../db/index-requests.ts';
import { getPaper, upsertPapers } from '../db/papers.ts';
import { recordSubmission } from '../db/submissions.ts';
import { ageProblem } from '../domain/submission.ts';
import { AppError } from '../errors.ts';
import { fetchArxivPapers } from './arxiv-api.ts';
import type { SourceContext } from './http.ts';

/** Ids per arXiv API lookup (fetchArxivPapers asks for at most this many at once). */
export const INDEX_BATCH = 50;
/** Failed lookups of an id before its requests are marked failed. */
export const MAX_FETCH_ATTEMPTS = 3;

/** Who a queued submission is for (the request's payload). */
export interface SubmissionPayload {
  userId: string;
  username: string;
}

export async function processIndexQueue(ctx: SourceContext): Promise<Record<string, number>> {
  const counts = { lookups: 0, stored: 0, missing: 0, failed: 0, submitted: 0, rejected: 0 };
  while (!ctx.signal?.aborted) {
    const ids = (await queuedFetches(ctx.database, INDEX_BATCH)).map((f) => f.arxivId);
    if (!ids.length) break;
    counts.lookups++;
    let found: Set<string>;
    try {
      const papers = (await fetchArxivPapers(ctx, ids)).filter((p) => ids.includes(p.id));
      if (papers.length) await upsertPapers(ctx.database, papers);
      found = new Set(papers.map((p) => p.id));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      const givenUp = await failFetches(ctx.database, ids, message, MAX_FETCH_ATTEMPTS);
      counts.failed += givenUp.length;
      ctx.logger.warn({ ids: ids.length, error: message }, 'index requests: arXiv lookup failed; the ids stay queued');
      // arXiv is unreachable or asked us to wait: later runs try again.
      break;
    }
    const missing = ids.filter((id) => !found.has(id));
    await finishFetches(ctx.database, { stored: [...found], missing });
    counts.stored += found.size;
    counts.missing += missing.length;
    const done = await completeSubmissions(ctx, [...found]);
    counts.submitted += done.submitted;
    counts.rejected += done.rejected;
    ctx.progress?.(counts);
  }
  return counts;
}

/** Records the submissions whose paper has just been stored; a rule that refuses one says why in the request. */
async function completeSubmissions(ctx: SourceContext, ids: string[]): Promise<{ submitted: number; rejected: number }> {
  const result = { submitted: 0, rejected: 0 };
  for (const request of await storedRequests(ctx.database, 'submission', ids)) {
    const now = new Date();
    const who = request.payload as SubmissionPayload;
    const paper = await getPaper(ctx.database, request.arxivId);
    let problem = paper ? ageProblem(paper, now, ctx.config.SUBMISSION_MAX_AGE_DAYS) : 'the paper is no longer stored';
    if (!problem) {
      try {
        const day = now.toISOString().slice(0, 10);
        await recordSubmission(
          ctx.database,
          { userId: who.userId, username: who.username, paperId: request.arxivId, day, maxPerDay: ctx.config.SUBMISSIONS_PER_DAY },
          now,
        );
      } catch (e) {
        if (!(e instanceof AppError)) throw e;
        problem = e.message;
      }
    }
    await setRequestOutcome(ctx.database, request.id, problem ? 'rejected' : 'submitted', problem, now);
    result[problem ? 'rejected' : 'submitted']++;
  }
  return result;
}
