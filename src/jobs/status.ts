// What the scheduler is doing, for `paperfeed status` and GET /api/admin/status: each job's schedule, last
// run, next run, last error and whether it is running now; harvest cursors; paused services.
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import { listCursors } from '../db/harvest.ts';
import { lastRunWithError, listLeases, listServicePacing, recentRuns, type JobRunRow } from '../db/jobs.ts';
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
