// Every recurring job, declared in one place: what it does, when it runs (cron, UTC), which lease it holds
// (jobs sharing a lease never run at the same time anywhere in the deployment) and when it is enabled.
// To add a job, add an entry here; the scheduler, `paperfeed harvest`, `paperfeed status` and
// GET /api/admin/status pick it up.
import type { Config } from '../config.ts';
import type { JobCounts } from '../db/jobs.ts';
import { harvestListing } from '../ingest/arxiv-listing.ts';
import { harvestOai } from '../ingest/arxiv-oai.ts';
import { processIndexQueue } from '../ingest/index-queue.ts';
import { refreshGithubStars } from '../ingest/github.ts';
import { syncHfDailyPapers } from '../ingest/hf-sync.ts';
import { runDigestJob } from '../mail/digest-job.ts';
import { runMailQueueJob } from '../mail/queue-job.ts';
import type { Services } from '../services.ts';
import { parseScheduleOverrides } from './slots.ts';

/** The services jobs run with. */
export type JobServices = Pick<Services, 'config' | 'database' | 'logger' | 'clock' | 'http' | 'mail' | 'mailQueue' | 'search' | 'recommendations'>;

/** What a job gets: the services, this run's stop signal and progress reporter, and `harvest --from`. */
export interface JobContext extends JobServices {
  signal?: AbortSignal;
  /** Reports counts so far, so that status shows a long harvest's progress. */
  progress?: (counts: JobCounts) => void;
  /** `paperfeed harvest --from DAY`: re-harvest from this day instead of resuming. */
  from?: string;
}

export interface JobDefinition {
  name: string;
  summary: string;
  /** Cron pattern in UTC; a seconds field is allowed. */
  schedule: string;
  lease: string;
  enabled(config: Config): boolean;
  run(ctx: JobContext): Promise<JobCounts>;
}

export const jobs: JobDefinition[] = [
  {
    name: 'harvest-oai',
    summary: 'arXiv OAI-PMH: new and changed records of the configured sets since the last harvest',
    // arXiv's OAI data is refreshed after each nightly announcement (around 01:00 UTC).
    schedule: '30 3 * * *',
    lease: 'arxiv',
    enabled: () => true,
    run: (ctx) => harvestOai(ctx, { from: ctx.from }),
  },
  {
    name: 'harvest-listing',
    summary: 'arXiv announcement listing (RSS) of the configured categories: announced dates',
    // The feeds are rebuilt at midnight US Eastern time; the second run catches a late rebuild.
    schedule: '15 5,11 * * *',
    lease: 'arxiv',
    enabled: () => true,
    run: (ctx) => harvestListing(ctx),
  },
  {
    name: 'index-requests',
    summary: 'papers people asked to index (and submissions of papers not stored yet): one arXiv API lookup per 50 queued ids',
    // Every minute: the request page promises the paper within a minute or two of asking.
    schedule: '* * * * *',
    lease: 'index-requests',
    enabled: () => true,
    run: (ctx) => processIndexQueue(ctx),
  },
  {
    name: 'github-stars',
    summary: 'GitHub star counts of repositories linked from papers (stalest first)',
    schedule: '0 */6 * * *',
    lease: 'github',
    enabled: () => true,
    run: (ctx) => refreshGithubStars(ctx),
  },
  {
    name: 'hf-sync',
    summary: 'Hugging Face daily papers: upvotes, comments and submissions of recent days',
    schedule: '20 */4 * * *',
    lease: 'hf',
    enabled: (config) => config.HF_SYNC,
    run: (ctx) => syncHfDailyPapers(ctx),
  },
  {
    name: 'digest',
    summary: 'email digests that are due: each subscriber once per period, from their chosen hour in their time zone',
    // Hourly, because subscribers pick a local hour; each run also retries what failed earlier (src/mail/digest-runner.ts).
    schedule: '5 * * * *',
    lease: 'digest',
    enabled: () => true,
    run: (ctx) => runDigestJob(ctx),
  },
  {
    name: 'mail-queue',
    summary: 'queued sign-in links and confirmations the requests could not send at once (mail server down): retried with backoff',
    // Requests send their mail straight away; this catches up on retries, so a minute is soon enough.
    schedule: '* * * * *',
    lease: 'mail',
    enabled: () => true,
    run: (ctx) => runMailQueueJob(ctx),
  },
];

export function findJob(name: string): JobDefinition | undefined {
  return jobs.find((j) => j.name === name);
}

/** The pattern a job runs on after SCHEDULE_OVERRIDES, or null when it does not run on a schedule. */
export function effectiveSchedules(config: Config, declared: JobDefinition[] = jobs): Map<string, string | null> {
  const overrides = parseScheduleOverrides(
    config.SCHEDULE_OVERRIDES,
    declared.map((j) => j.name),
  );
  return new Map(declared.map((j) => [j.name, !j.enabled(config) ? null : overrides.has(j.name) ? (overrides.get(j.name) ?? null) : j.schedule]));
}
