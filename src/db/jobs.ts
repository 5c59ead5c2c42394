// Scheduler state: leases (which process may run a job right now), the history of every run, and the
// shared request budget per outside service. Every check-and-set is a single conditional statement, so it
// is atomic on PostgreSQL with several app processes and on SQLite alike.
import type { Selectable } from 'kysely';
import type { Database } from './connect.ts';
import type { JobRunsTable } from './schema.ts';

export type JobRunRow = Selectable<JobRunsTable>;
export type JobRunStatus = 'running' | 'ok' | 'failed' | 'crashed';
export type JobCounts = Record<string, number>;

export interface LeaseRequest {
  name: string;
  holder: string;
  job: string;
  ttlMs: number;
  now?: Date;
  /** Holders known to be dead (a process of this host that no longer exists): their lease is taken even unexpired. */
  takeOverFrom?: string[];
}

/**
 * Takes the named lease when it is free, expired or held by a holder in `takeOverFrom`. Returns true when this
 * holder has it. The upsert's WHERE clause makes "free or expired" and "take it" one atomic step.
 */
export async function acquireLease(database: Database, req: LeaseRequest): Promise<boolean> {
  const now = req.now ?? new Date();
  const expires = new Date(now.getTime() + req.ttlMs).toISOString();
  await database.db
    .insertInto('job_leases')
    .values({ name: req.name, holder: req.holder, job: req.job, run_id: null, acquired_at: now.toISOString(), expires_at: expires })
    .onConflict((oc) =>
      oc
        .column('name')
        .doUpdateSet((eb) => ({
          holder: eb.ref('excluded.holder'),
          job: eb.ref('excluded.job'),
          run_id: null,
          acquired_at: eb.ref('excluded.acquired_at'),
          expires_at: eb.ref('excluded.expires_at'),
        }))
        .where((eb) => {
          const expired = eb('job_leases.expires_at', '<', now.toISOString());
          return req.takeOverFrom?.length ? eb.or([expired, eb('job_leases.holder', 'in', req.takeOverFrom)]) : expired;
        }),
    )
    .execute();
  return (await leaseHolder(database, req.name)) === req.holder;
}

/** Who holds the named lease now (expired or not), if anyone. */
export async function leaseHolder(database: Database, name: string): Promise<string | undefined> {
  const row = await database.db.selectFrom('job_leases').select('holder').where('name', '=', name).executeTakeFirst();
  return row?.holder;
}

/** Extends our lease; false means it expired and someone else took it (the run must stop). */
export async function renewLease(database: Database, name: string, holder: string, ttlMs: number, runId?: string): Promise<boolean> {
  const result = await database.db
    .updateTable('job_leases')
    .set({ expires_at: new Date(Date.now() + ttlMs).toISOString(), ...(runId ? { run_id: runId } : {}) })
    .where('name', '=', name)
    .where('holder', '=', holder)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function releaseLease(database: Database, name: string, holder: string): Promise<void> {
  await database.db.deleteFrom('job_leases').where('name', '=', name).where('holder', '=', holder).execute();
}

export async function listLeases(database: Database) {
  return database.db.selectFrom('job_leases').selectAll().orderBy('name').execute();
}

export async function runsForSlot(database: Database, job: string, slot: string): Promise<JobRunRow[]> {
  return database.db.selectFrom('job_runs').selectAll().where('job', '=', job).where('slot', '=', slot).orderBy('attempt').execute();
}

/**
 * Marks runs left "running" by a process that lost its lease (crashed or killed). Only called by the
 * holder of the job's lease, so no live run can be among them.
 */
export async function markCrashedRuns(database: Database, job: string, now = new Date()): Promise<number> {
  const result = await database.db
    .updateTable('job_runs')
    .set({ status: 'crashed', finished_at: now.toISOString(), error: 'the process running this job stopped before it finished (lease expired)' })
    .where('job', '=', job)
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows);
}

export interface NewRun {
  id: string;
  job: string;
  slot: string;
  attempt: number;
  trigger: 'schedule' | 'manual' | 'first-start';
  holder: string;
}

export async function startRun(database: Database, run: NewRun): Promise<void> {
  await database.db
    .insertInto('job_runs')
    .values({ ...run, started_at: new Date().toISOString(), finished_at: null, status: 'running', counts: null, error: null })
    .execute();
}

/** Progress while running: the status command and endpoint show counts so far. */
export async function updateRunCounts(database: Database, id: string, counts: JobCounts): Promise<void> {
  await database.db
    .updateTable('job_runs')
    .set({ counts: JSON.stringify(counts) })
    .where('id', '=', id)
    .execute();
}

export async function finishRun(
  database: Database,
  id: string,
  outcome: { status: 'ok' | 'failed'; counts: JobCounts; error?: string | null },
): Promise<boolean> {
  const result = await database.db
    .updateTable('job_runs')
    .set({ status: outcome.status, finished_at: new Date().toISOString(), counts: JSON.stringify(outcome.counts), error: outcome.error ?? null })
    .where('id', '=', id)
    // A run another process marked crashed (it took the lease over) stays crashed: that process runs the slot again.
    .where('status', '=', 'running')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export async function recentRuns(database: Database, job: string, limit: number): Promise<JobRunRow[]> {
  return database.db.selectFrom('job_runs').selectAll().where('job', '=', job).orderBy('started_at', 'desc').orderBy('attempt', 'desc').limit(limit).execute();
}

export async function lastRunWithError(database: Database, job: string): Promise<JobRunRow | null> {
  const row = await database.db
    .selectFrom('job_runs')
    .selectAll()
    .where('job', '=', job)
    .where('status', 'in', ['failed', 'crashed'])
    .orderBy('started_at', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ?? null;
}

export async function runCount(database: Database): Promise<number> {
  const row = await database.db
    .selectFrom('job_runs')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

// ---- Shared request budget per outside service ----

export interface ServiceReservation {
  /** Epoch ms at which the reserved request may start. */
  startAt: number;
  /** Set (and nothing reserved) while the service is paused, e.g. after an HTTP 429. */
  pausedUntil: number | null;
  pauseReason: string | null;
}

/**
 * Reserves the next request slot of a service for the whole deployment: slots are at least intervalMs
 * apart, whichever process takes them. Compare-and-set on next_at, retried on contention.
 */
export async function reserveServiceSlot(database: Database, service: string, intervalMs: number): Promise<ServiceReservation> {
  await database.db
    .insertInto('service_pacing')
    .values({ service, next_at: new Date(0).toISOString(), paused_until: null, pause_reason: null })
    .onConflict((oc) => oc.column('service').doNothing())
    .execute();
  for (;;) {
    const row = await database.db.selectFrom('service_pacing').selectAll().where('service', '=', service).executeTakeFirstOrThrow();
    const now = Date.now();
    const pausedUntil = row.paused_until ? Date.parse(row.paused_until) : 0;
    if (pausedUntil > now) return { startAt: now, pausedUntil, pauseReason: row.pause_reason };
    const startAt = Math.max(now, Date.parse(row.next_at));
    const result = await database.db
      .updateTable('service_pacing')
      .set({ next_at: new Date(startAt + intervalMs).toISOString() })
      .where('service', '=', service)
      .where('next_at', '=', row.next_at)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return { startAt, pausedUntil: null, pauseReason: null };
  }
}

/** Stops every process from calling the service until the given time (a 429, an exhausted rate limit). */
export async function pauseService(database: Database, service: string, untilMs: number, reason: string): Promise<void> {
  const until = new Date(untilMs).toISOString();
  await database.db
    .insertInto('service_pacing')
    .values({ service, next_at: until, paused_until: until, pause_reason: reason })
    .onConflict((oc) => oc.column('service').doUpdateSet({ paused_until: until, pause_reason: reason }))
    .execute();
}

export async function listServicePacing(database: Database) {
  return database.db.selectFrom('service_pacing').selectAll().orderBy('service').execute();
}

/** Drops finished runs older than the cutoff; the history stays bounded however often jobs run. */
export async function pruneJobRuns(database: Database, olderThan: Date): Promise<number> {
  const result = await database.db.deleteFrom('job_runs').where('started_at', '<', olderThan.toISOString()).where('status', '!=', 'running').executeTakeFirst();
  return Number(result.numDeletedRows);
}
