// The in-process scheduler: on every tick, each enabled job whose current slot has not run is started
// under its lease. Several processes may run a scheduler on one PostgreSQL database: the lease decides who
// runs a job, and the run history decides whether its slot is already done.
import { pruneJobRuns } from '../db/jobs.ts';
import { newHolderId, runJob } from './runner.ts';
import { effectiveSchedules, jobs as allJobs, type JobDefinition, type JobServices } from './schedule.ts';
import { latestSlot } from './slots.ts';

/** Finished runs are kept this long (pruned when a scheduler starts). */
const RUN_HISTORY_DAYS = 90;

export interface SchedulerOptions {
  jobs?: JobDefinition[];
  /** Run slots that fell due before this process started (a missed run, or the first start). */
  catchUp?: boolean;
  /** Trigger recorded for runs started by the first tick (e.g. "first-start" on an empty store). */
  firstTrigger?: 'schedule' | 'first-start';
  holder?: string;
}

export class Scheduler {
  readonly holder: string;
  private readonly jobs: JobDefinition[];
  private readonly schedules: Map<string, string | null>;
  private readonly startedAt = new Date();
  private readonly busyLeases = new Set<string>();
  /** The slot each job is known to be finished with, so that idle ticks do not touch the database. */
  private readonly settledSlots = new Map<string, string>();
  private readonly running = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  private ticking = false;
  private closed = false;
  private ticks = 0;

  constructor(
    private readonly env: JobServices,
    private readonly options: SchedulerOptions = {},
  ) {
    this.holder = options.holder ?? newHolderId();
    this.jobs = options.jobs ?? allJobs;
    this.schedules = effectiveSchedules(env.config, this.jobs);
  }

  start(): void {
    const scheduled = this.jobs.filter((j) => this.schedules.get(j.name)).map((j) => `${j.name} (${this.schedules.get(j.name)})`);
    this.env.logger.info({ holder: this.holder, jobs: scheduled }, 'scheduler started');
    pruneJobRuns(this.env.database, new Date(Date.now() - RUN_HISTORY_DAYS * 86_400_000)).catch((e) =>
      this.env.logger.warn({ error: String(e) }, 'could not prune the run history'),
    );
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.env.config.SCHEDULER_TICK_MS);
  }

  /**
   * Stops starting jobs, lets running ones finish for up to `graceMs`, then asks them to stop, and waits
   * for them to record their outcome (an interrupted harvest resumes from its cursor next time).
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.closed = true;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.running]), new Promise((r) => (timer = setTimeout(r, graceMs)))]);
    clearTimeout(timer);
    this.stopping.abort();
    await Promise.allSettled([...this.running]);
  }

  /** One pass over the jobs; exposed for tests. Never throws: a failing pass is logged and retried next tick. */
  async tick(now = new Date()): Promise<void> {
    if (this.ticking || this.closed) return;
    this.ticking = true;
    const trigger = this.ticks++ === 0 ? (this.options.firstTrigger ?? 'schedule') : 'schedule';
    try {
      for (const job of this.jobs) {
        const pattern = this.schedules.get(job.name);
        if (!pattern || this.busyLeases.has(job.lease)) continue;
        const slot = latestSlot(pattern, now);
        if (!slot) continue;
        if (this.options.catchUp === false && slot < this.startedAt) continue;
        if (this.settledSlots.get(job.name) === slot.toISOString()) continue;
        this.launch(job, slot.toISOString(), trigger);
      }
    } catch (e) {
      this.env.logger.error({ error: String(e) }, 'scheduler tick failed');
    } finally {
      this.ticking = false;
    }
  }

  private launch(job: JobDefinition, slot: string, trigger: 'schedule' | 'first-start'): void {
    this.busyLeases.add(job.lease);
    const run = runJob(this.env, { job, slot, trigger, holder: this.holder, signal: this.stopping.signal })
      .then((outcome) => {
        const settled = outcome.status === 'ok' || (outcome.status === 'skipped' && outcome.reason !== 'lease-held' && outcome.reason !== 'backoff');
        if (settled) this.settledSlots.set(job.name, slot);
      })
      .catch((e) => this.env.logger.error({ job: job.name, error: String(e) }, 'could not run job'))
      .finally(() => {
        this.busyLeases.delete(job.lease);
        this.running.delete(run);
      });
    this.running.add(run);
  }
}
