// "Index any arXiv paper": the call behind POST /api/papers/index {arxivId} and behind submissions of a paper that
// is not stored yet. It returns at once: a stored paper is answered as stored; otherwise the request is counted
// (per person and overall, in the database), its id queued once, and the answer says where it stands in the queue
// and when the paper should appear. The scheduled job `index-requests` (schedule.ts) does the fetching.
import crypto from 'node:crypto';
import type { Config } from '../config.ts';
import { enqueueIndexRequest, getIndexRequest, queuePosition, type IndexRequestStatus } from '../db/index-requests.ts';
import { getPaper } from '../db/papers.ts';
import { checkDailySubmissionCap } from '../db/submissions.ts';
import { storedIdForms, tryParseArxivId, type ArxivId } from '../domain/arxiv-id.ts';
import { badRequest } from '../errors.ts';
import { INDEX_BATCH, type SubmissionPayload } from '../ingest/index-queue.ts';
import { submitPaper, type Submitted } from '../ingest/submit.ts';
import type { Services } from '../services.ts';
import { effectiveSchedules } from './schedule.ts';
import { nextSlot } from './slots.ts';

export const INDEX_JOB = 'index-requests';

export interface IndexRequestInput {
  /** Any form of an arXiv identifier people paste (see parseArxivId). */
  arxivId: string;
  /** Who is counted against the per-person limit: "user:ID" for a signed-in person, "ip:ADDRESS" otherwise. */
  requester: string;
  /** 'submission': record a Daily Papers submission by `submitter` once the paper is stored. Default 'index'. */
  purpose?: 'index' | 'submission';
  submitter?: SubmissionPayload;
  now?: Date;
}

export type IndexRequestOutcome =
  /** The paper is stored already (nothing queued, nothing counted). */
  | { status: 'stored'; arxivId: string }
  | {
      status: 'queued';
      arxivId: string;
      /** Id of this request, for indexRequestView. */
      requestId: string;
      /** 1-based place of the id in the queue. */
      position: number;
      /** When the paper should be stored (ISO time), or null when the job is not scheduled in this process's setup. */
      estimatedAt: string | null;
    };

/** What a request needs: the limits and schedule (configuration), the store, the clock. */
export type IndexRequestServices = Pick<Services, 'config' | 'database' | 'clock'>;

export async function requestPaperIndex(ctx: IndexRequestServices, input: IndexRequestInput): Promise<IndexRequestOutcome> {
  const parsed = tryParseArxivId(String(input.arxivId ?? ''));
  if (!parsed) throw badRequest('enter an arXiv id such as 2406.01234, or an arxiv.org, doi.org, huggingface.co or alphaxiv.org paper URL', 'bad_arxiv_id');
  const stored = await storedPaperId(ctx, parsed);
  if (stored) return { status: 'stored', arxivId: stored };
  const purpose = input.purpose ?? 'index';
  if (purpose === 'submission' && !input.submitter) throw new Error('a submission request needs its submitter');
  const now = input.now ?? ctx.clock();
  const requestId = crypto.randomUUID();
  const arxivId = storedIdForms(parsed)[0];
  await enqueueIndexRequest(
    ctx.database,
    {
      id: requestId,
      arxivId,
      requester: String(input.requester),
      purpose,
      payload: purpose === 'submission' ? input.submitter : null,
      perRequesterPerHour: ctx.config.INDEX_REQUESTS_PER_HOUR,
      totalPerHour: ctx.config.INDEX_REQUESTS_PER_HOUR_TOTAL,
    },
    now,
  );
  const position = await queuePosition(ctx.database, arxivId);
  return { status: 'queued', arxivId, requestId, position, estimatedAt: estimatedArrival(ctx.config, position, now)?.toISOString() ?? null };
}

/** The id under which the paper is stored (an old-style id may be stored with or without its subject class), or null. */
async function storedPaperId(ctx: IndexRequestServices, parsed: ArxivId): Promise<string | null> {
  for (const id of storedIdForms(parsed)) if (await getPaper(ctx.database, id)) return id;
  return null;
}

/**
 * When a queued id should be stored: the job's next run (noticed within a scheduler tick), then one arXiv lookup
 * per INDEX_BATCH ids ahead of it, including its own, each at arXiv's pace. Null when the job does not run on a
 * schedule here (SCHEDULER=false runs it from cron, whose timing this process cannot know).
 */
export function estimatedArrival(config: Config, position: number, now: Date): Date | null {
  const pattern = config.SCHEDULER ? effectiveSchedules(config).get(INDEX_JOB) : null;
  const next = pattern ? nextSlot(pattern, now) : null;
  if (!next) return null;
  const lookups = Math.max(1, Math.ceil(position / INDEX_BATCH));
  return new Date(next.getTime() + config.SCHEDULER_TICK_MS + lookups * config.ARXIV_MIN_INTERVAL_MS);
}

export interface IndexRequestView {
  requestId: string;
  arxivId: string;
  purpose: string;
  status: IndexRequestStatus;
  /** Why a request failed or a submission was refused. */
  error: string | null;
  position: number | null;
  estimatedAt: string | null;
}

/** Where a request stands (for a page that polls after "we are fetching it"); null for an unknown id. */
export async function indexRequestView(ctx: IndexRequestServices, requestId: string, now = ctx.clock()): Promise<IndexRequestView | null> {
  const request = await getIndexRequest(ctx.database, String(requestId));
  if (!request) return null;
  const position = request.status === 'queued' ? await queuePosition(ctx.database, request.arxivId) : null;
  return {
    requestId: request.id,
    arxivId: request.arxivId,
    purpose: request.purpose,
    status: request.status,
    error: request.error,
    position,
    estimatedAt: position ? (estimatedArrival(ctx.config, position, now)?.toISOString() ?? null) : null,
  };
}

export type SubmitOutcome =
  | ({ status: 'submitted' } & Submitted)
  /** Not stored yet: queued for the arXiv API; the submission is recorded when the paper arrives. */
  | Extract<IndexRequestOutcome, { status: 'queued' }>;

/**
 * A Daily Papers submission that never holds a request for an arXiv lookup: a stored paper is submitted at once;
 * one that is not is queued (after the daily cap and the per-person request limit, both counted before any lookup)
 * and recorded by the index-requests job when arXiv answers, under the same rules.
 */
export async function submitOrQueue(ctx: IndexRequestServices, submitter: { id: string; username: string }, input: string): Promise<SubmitOutcome> {
  const parsed = tryParseArxivId(String(input ?? ''));
  if (!parsed) throw badRequest('enter an arXiv id such as 2406.01234 or an arxiv.org / huggingface.co/papers URL', 'bad_arxiv_id');
  const stored = await storedPaperId(ctx, parsed);
  if (stored) return { status: 'submitted', ...(await submitPaper(ctx, submitter, stored)) };
  const now = ctx.clock();
  await checkDailySubmissionCap(ctx.database, { userId: submitter.id, day: now.toISOString().slice(0, 10), maxPerDay: ctx.config.SUBMISSIONS_PER_DAY }, now);
  const outcome = await requestPaperIndex(ctx, {
    arxivId: parsed.id,
    requester: `user:${submitter.id}`,
    purpose: 'submission',
    submitter: { userId: submitter.id, username: submitter.username },
    now,
  });
  // Stored between the two looks (a harvest landed it): submit it now.
  if (outcome.status === 'stored') return { status: 'submitted', ...(await submitPaper(ctx, submitter, outcome.arxivId)) };
  return outcome;
}
