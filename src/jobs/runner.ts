// Runs one job for one slot under its lease, and records the run. The scheduler and `paperfeed harvest`
// both come through here, so a cron-driven run and a scheduled one behave the same.
import crypto from 'node:crypto';
import os from 'node:os';
import type { Config } from '../config.ts';
import {
  acquireLease,
  finishRun,
  leaseHolder,
  markCrashedRuns,
  releaseLease,
  renewLease,
  runsForSlot,
  startRun,
  updateRunCounts,
  type JobCounts,
} from '../db/jobs.ts';
import { HttpError } from '../ingest/http.ts';
import { deadLocalHolders } from '../mail/local-holders.ts';
import { jobs as allJobs, type JobDefinition, type JobServices } from './schedule.ts';

export interface RunRequest {
  job: JobDefinition;
  slot: string;
  trigger: 'schedule' | 'manual' | 'first-start';
  holder: string;
  from?: string;
  signal?: AbortSignal;
}

export type RunOutcome =
  | { status: 'ok'; runId: string; counts: JobCounts; ms: number }
  | { status: 'failed'; runId: string; counts: JobCounts; ms: number; error: string; retryInMs: number | null }
  | { status: 'skipped'; reason: 'lease-held' | 'slot-done' | 'backoff' | 'attempts-exhausted' };

/** Identifies this process in leases and run records. */
export function newHolderId(): string {
  return `${os.hostname()}:${process.pid}:${crypto.randomBytes(3).toString('hex')}`;
}

/** How long after a failed attempt the next one may start (doubling, capped at an hour). */
export function retryDelayMs(config: Config, failedAttempts: number): number {
  return Math.min(3_600_000, config.JOB_RETRY_BASE_MS * 2 ** Math.max(0, failedAttempts - 1));
}

export async function runJob(services: JobServices, req: RunRequest): Promise<RunOutcome> {
  const { config, database, logger } = services;
  const { job, holder } = req;
  const leaseMs = config.JOB_LEASE_MS;
  if (!(await acquireLease(database, { name: job.lease, holder, job: job.name, ttlMs: leaseMs }))) {
    // A holder that was a process of this host and no longer exists (killed, crashed) is not waited for.
    const current = await leaseHolder(database, job.lease);
    const dead = current ? deadLocalHolders([current], holder, false) : [];
    if (!dead.length || !(await acquireLease(database, { name: job.lease, holder, job: job.name, ttlMs: leaseMs, takeOverFrom: dead }))) {
      return { status: 'skipped', reason: 'lease-held' };
    }
  }
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  req.signal?.addEventListener('abort', onOuterAbort, { once: true });
  let heartbeat: NodeJS.Timeout | undefined;
  try {
    // Holding the lease means no other process runs these jobs: anything still "running" was left by a crash.
    for (const name of new Set([job.name, ...allJobs.filter((j) => j.lease === job.lease).map((j) => j.name)])) {
      const crashed = await markCrashedRuns(database, name);
      if (crashed) logger.warn({ job: name, runs: crashed }, 'found runs of a crashed process; retrying');
    }
    const previous = await runsForSlot(database, job.name, req.slot);
    if (previous.some((r) => r.status === 'ok')) return { status: 'skipped', reason: 'slot-done' };
    if (req.trigger !== 'manual' && previous.length) {
      if (previous.length >= config.JOB_MAX_ATTEMPTS) return { status: 'skipped', reason: 'attempts-exhausted' };
      // A crashed attempt already waited for its lease to expire; a failed one waits out its backoff.
      const last = previous.at(-1)!;
      const retryAt = Date.parse(last.finished_at ?? last.started_at) + retryDelayMs(config, previous.length);
      if (last.status === 'failed' && Date.now() < retryAt) return { status: 'skipped', reason: 'backoff' };
    }
    const runId = crypto.randomUUID();
    const attempt = previous.length + 1;
    await startRun(database, { id: runId, job: job.name, slot: req.slot, attempt, trigger: req.trigger, holder });
    await renewLease(database, job.lease, holder, leaseMs, runId);
    heartbeat = setInterval(
      () => {
        renewLease(database, job.lease, holder, leaseMs).then(
          (kept) => {
            if (!kept) {
              logger.error({ job: job.name }, 'lost the job lease (another process took it over): stopping this run');
              controller.abort();
            }
          },
          (e) => logger.warn({ job: job.name, error: String(e) }, 'could not renew the job lease'),
        );
      },
      Math.max(100, Math.floor(leaseMs / 3)),
    );
    heartbeat.unref();

    let progressWrite: Promise<void> = Promise.resolve();
    let lastProgressAt = 0;
    const progress = (counts: JobCounts) => {
      if (Date.now() - lastProgressAt < 1000) return;
      lastProgressAt = Date.now();
      progressWrite = progressWrite.then(() => updateRunCounts(database, runId, counts)).catch(() => undefined);
    };
    const started = Date.now();
    logger.info({ job: job.name, slot: req.slot, attempt, trigger: req.trigger }, 'job started');
    let counts: JobCounts = {};
    try {
      counts = await job.run({ ...services, signal: controller.signal, progress, from: req.from });
    } catch (e) {
      await progressWrite;
      const error = controller.signal.aborted ? `interrupted (the process is stopping or lost its lease): ${describeFailure(e)}` : describeFailure(e);
      const retryInMs = req.trigger === 'manual' || attempt >= config.JOB_MAX_ATTEMPTS ? null : retryDelayMs(config, attempt);
      await finishRun(database, runId, { status: 'failed', counts, error });
      logger.error(
        { job: job.name, attempt, error, retryInMs },
        isNetworkFailure(e)
          ? `${job.name} could not reach its source (no network?); ${retryInMs === null ? 'giving up until the next slot' : `retrying in ${Math.round(retryInMs / 1000)} s`}; serving what is stored`
          : 'job failed',
      );
      return { status: 'failed', runId, counts, ms: Date.now() - started, error, retryInMs };
    }
    await progressWrite;
    if (!(await finishRun(database, runId, { status: 'ok', counts }))) {
      logger.error({ job: job.name, slot: req.slot }, 'finished after another process took the job lease over and marked this run crashed');
      return { status: 'failed', runId, counts, ms: Date.now() - started, error: 'lease taken over', retryInMs: null };
    }
    logger.info({ job: job.name, ms: Date.now() - started, ...counts }, 'job finished');
    return { status: 'ok', runId, counts, ms: Date.now() - started };
  } finally {
    if (heartbeat) clearInterval(heartbeat);
    req.signal?.removeEventListener('abort', onOuterAbort);
    await releaseLease(database, job.lease, holder).catch(() => undefined);
  }
}

function describeFailure(e: unknown): string {
  const err = e as Error;
  return `${err?.name && err.name !== 'Error' ? `${err.name}: ` : ''}${err?.message ?? String(e)}`.slice(0, 2000);
}

function isNetworkFailure(e: unknown): boolean {
  return e instanceof HttpError && (e.kind === 'network' || e.kind === 'timeout');
}
