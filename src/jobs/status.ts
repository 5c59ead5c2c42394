// What the scheduler is doing, for `paperfeed status` and GET /api/admin/status: each job's schedule, last
// run, next run, last error and whether it is running now; harvest cursors; paused services.
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import { listCursors } from '../db/harvest.ts';
import { lastRunWithError, listLeases, listServicePacing, recentRuns, type JobRunRow } from '../db/jobs.ts';
import { retryDelayMs } from './runner.ts';
import { effectiveSchedules, jobs } from './schedule.ts';
import { nextSlot } from './slots.ts';

export interface RunView {
  id: string;
  slot: string;
  attempt: number;
  trigger: string;
  holder: string;
  status: string;
  startedAt: string;
  finishedAt: string | null;
  counts: Record<string, number>;
  error: string | null;
}

export interface JobStatus {
  name: string;
  summary: string;
  schedule: string | null;
  lease: string;
  running: { holder: string; since: string; leaseExpiresAt: string; run: RunView | null } | null;
  lastRun: RunView | null;
  nextRun: string | null;
  lastError: { at: string; error: string | null; status: string } | null;
}

export interface SchedulerStatus {
  generatedAt: string;
  jobs: JobStatus[];
  cursors: { source: string; state: unknown; updatedAt: string }[];
  pausedServices: { service: string; until: string; reason: string | null }[];
}

function view(row: JobRunRow): RunView {
  return {
    id: row.id,
    slot: row.slot,
    attempt: Number(row.attempt),
    trigger: row.trigger,
    holder: row.holder,
    status: row.status,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    counts: row.counts ? JSON.parse(row.counts) : {},
    error: row.error,
  };
}

export async function schedulerStatus(database: Database, config: Config, now = new Date()): Promise<SchedulerStatus> {
  const schedules = effectiveSchedules(config);
  const leases = await listLeases(database);
  const out: JobStatus[] = [];
  for (const job of jobs) {
    const schedule = schedules.get(job.name) ?? null;
    const [latest] = await recentRuns(database, job.name, 1);
    const lease = leases.find((l) => l.job === job.name && l.expires_at > now.toISOString());
    const errorRow = await lastRunWithError(database, job.name);
    out.push({
      name: job.name,
      summary: job.summary,
      schedule,
      lease: job.lease,
      running: lease
        ? { holder: lease.holder, since: lease.acquired_at, leaseExpiresAt: lease.expires_at, run: latest?.status === 'running' ? view(latest) : null }
        : null,
      lastRun: latest ? view(latest) : null,
      nextRun: schedule ? (nextSlot(schedule, now)?.toISOString() ?? null) : null,
      lastError: errorRow ? { at: errorRow.finished_at ?? errorRow.started_at, error: errorRow.error, status: errorRow.status } : null,
    });
  }
  const pacing = await listServicePacing(database);
  return {
    generatedAt: now.toISOString(),
    jobs: out,
    cursors: await listCursors(database),
    pausedServices: pacing
      .filter((p) => p.paused_until && p.paused_until > now.toISOString())
      .map((p) => ({ service: p.service, until: p.paused_until as string, reason: p.pause_reason })),
  };
}

/** Whether papers are on their way, for pages that have none (or only old ones) to show. */
export interface HarvestState {
  /**
   * running: a harvest holds the arXiv lease now; failing: the latest harvest run failed; idle: the latest one
   * succeeded; never: no harvest has run on this store.
   */
  state: 'running' | 'failing' | 'idle' | 'never';
  /** When the running harvest started, or when the latest one finished. */
  since: string | null;
  /** The failure's message (failing only). */
  error: string | null;
  /** When a harvest will next be tried: a retry after a failure, else the next scheduled run; null when none is. */
  nextTry: string | null;
  /** False when this deployment runs no scheduler (SCHEDULER=false): harvests come from cron or imports. */
  scheduled: boolean;
}

/** The arXiv harvest's state, from the leases and run history in the database (all processes share them). */
export async function harvestState(database: Database, config: Config, now = new Date()): Promise<HarvestState> {
  const harvests = jobs.filter((j) => j.lease === 'arxiv');
  const schedules = effectiveSchedules(config);
  const slots = config.SCHEDULER
    ? harvests.flatMap((j) => {
        const pattern = schedules.get(j.name);
        return pattern ? [nextSlot(pattern, now)?.toISOString() ?? null] : [];
      })
    : [];
  const nextSlotAt = earliest(slots);
  const scheduled = slots.length > 0;
  const lease = (await listLeases(database)).find((l) => l.name === 'arxiv' && l.expires_at > now.toISOString());
  if (lease) return { state: 'running', since: lease.acquired_at, error: null, nextTry: null, scheduled };
  const latest = (await Promise.all(harvests.map((j) => recentRuns(database, j.name, 1)))).flat().sort((a, b) => b.started_at.localeCompare(a.started_at))[0];
  if (!latest) return { state: 'never', since: null, error: null, nextTry: nextSlotAt, scheduled };
  const finished = latest.finished_at ?? latest.started_at;
  if (latest.status === 'ok') return { state: 'idle', since: finished, error: null, nextTry: nextSlotAt, scheduled };
  // A run still marked running without its lease belongs to a process that stopped: the next holder marks it crashed.
  const error = latest.status === 'running' ? 'the process running it stopped before it finished' : latest.error;
  // The scheduler retries a failed slot after a doubling delay until JOB_MAX_ATTEMPTS, then waits for the next slot;
  // a manual run (`paperfeed harvest --once`) is never retried.
  const retry =
    scheduled && latest.trigger !== 'manual' && Number(latest.attempt) < config.JOB_MAX_ATTEMPTS
      ? new Date(Math.max(now.getTime(), Date.parse(finished) + retryDelayMs(config, Number(latest.attempt)))).toISOString()
      : null;
  return { state: 'failing', since: finished, error, nextTry: earliest([retry, nextSlotAt]), scheduled };
}

const earliest = (times: (string | null)[]): string | null => times.filter((t): t is string => !!t).sort()[0] ?? null;
