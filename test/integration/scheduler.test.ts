// The scheduler's guarantees on real databases: one run per slot, one holder per lease (also when two
// runners race), crashed runs retried, failures retried with backoff, a lost lease stops the run, and
// every run recorded for `status`.
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.ts';
import { acquireLease, pruneJobRuns, startRun } from '../../src/db/jobs.ts';
import { runJob } from '../../src/jobs/runner.ts';
import type { JobDefinition } from '../../src/jobs/schedule.ts';
import type { Services } from '../../src/services.ts';
import { Scheduler } from '../../src/jobs/scheduler.ts';
import { latestSlot, nextSlot, parseScheduleOverrides } from '../../src/jobs/slots.ts';
import { schedulerStatus } from '../../src/jobs/status.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';
import { testServices } from '../helpers/services.ts';

describe('slots', () => {
  it('finds the latest occurrence at or before now, and the next one, in UTC', () => {
    const now = new Date('2024-06-03T10:00:00Z');
    expect(latestSlot('30 3 * * *', now)?.toISOString()).toBe('2024-06-03T03:30:00.000Z');
    expect(latestSlot('30 11 * * *', now)?.toISOString()).toBe('2024-06-02T11:30:00.000Z');
    expect(latestSlot('0 0 1 1 *', now)?.toISOString()).toBe('2024-01-01T00:00:00.000Z');
    expect(latestSlot('*/2 * * * * *', new Date('2024-06-03T10:00:03.500Z'))?.toISOString()).toBe('2024-06-03T10:00:02.000Z');
    expect(latestSlot('0 10 * * *', now)?.toISOString()).toBe('2024-06-03T10:00:00.000Z');
    expect(nextSlot('15 5,11 * * *', now)?.toISOString()).toBe('2024-06-03T11:15:00.000Z');
  });

  it('parses SCHEDULE_OVERRIDES and names what is wrong', () => {
    const o = parseScheduleOverrides('github-stars=0 * * * *; hf-sync=off', ['github-stars', 'hf-sync']);
    expect([...o]).toEqual([
      ['github-stars', '0 * * * *'],
      ['hf-sync', null],
    ]);
    expect(() => parseScheduleOverrides('nope=off', ['hf-sync'])).toThrow(/"nope=off" does not name a job/);
    expect(() => parseScheduleOverrides('hf-sync=every day', ['hf-sync'])).toThrow(/not a cron pattern/);
  });
});

describe.each(databaseKinds)('job runner on %s', (kind) => {
  let store: TestDatabase;
  afterEach(async () => store?.drop());

  async function setup(env: Record<string, string> = {}): Promise<Services> {
    store = await createTestDatabase(kind);
    const config = loadConfig({ JOB_LEASE_MS: '600', JOB_RETRY_BASE_MS: '100', JOB_MAX_ATTEMPTS: '3', ...env });
    return testServices(config, store);
  }

  function job(run: JobDefinition['run'], name = 'test-job'): JobDefinition & { calls: number } {
    const def = {
      name,
      summary: 'a test job',
      schedule: '0 * * * *',
      lease: 'test',
      enabled: () => true,
      calls: 0,
      run: async (ctx: Parameters<JobDefinition['run']>[0]) => {
        def.calls++;
        return run(ctx);
      },
    };
    return def;
  }

  const runs = () => store.db.selectFrom('job_runs').selectAll().orderBy('started_at').orderBy('attempt').execute();

  it('runs a slot once, whoever asks', async () => {
    const env = await setup();
    const j = job(async () => ({ items: 3 }));
    expect(await runJob(env, { job: j, slot: 'S1', trigger: 'schedule', holder: 'a' })).toMatchObject({ status: 'ok', counts: { items: 3 } });
    expect(await runJob(env, { job: j, slot: 'S1', trigger: 'schedule', holder: 'b' })).toEqual({ status: 'skipped', reason: 'slot-done' });
    expect(await runJob(env, { job: j, slot: 'S2', trigger: 'schedule', holder: 'b' })).toMatchObject({ status: 'ok' });
    expect(j.calls).toBe(2);
    expect((await runs()).map((r) => [r.slot, r.status, r.holder, JSON.parse(r.counts!)])).toEqual([
      ['S1', 'ok', 'a', { items: 3 }],
      ['S2', 'ok', 'b', { items: 3 }],
    ]);
  });

  it('two runners racing for the same slot: exactly one runs it', async () => {
    const env = await setup();
    const j = job(async () => {
      await new Promise((r) => setTimeout(r, 200));
      return {};
    });
    const outcomes = await Promise.all(['a', 'b', 'c', 'd'].map((holder) => runJob(env, { job: j, slot: 'S', trigger: 'schedule', holder })));
    expect(outcomes.filter((o) => o.status === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o.status === 'skipped' && o.reason === 'lease-held')).toHaveLength(3);
    expect(j.calls).toBe(1);
  });

  it('prunes finished runs older than the cutoff, never a running one', async () => {
    const env = await setup();
    const j = job(async () => ({}));
    await runJob(env, { job: j, slot: 'old', trigger: 'schedule', holder: 'a' });
    await startRun(store, { id: 'still-running', job: 'test-job', slot: 'older', attempt: 1, trigger: 'schedule', holder: 'x' });
    expect(await pruneJobRuns(store, new Date(Date.now() + 1000))).toBe(1);
    expect((await runs()).map((r) => r.id)).toEqual(['still-running']);
  });

  it('a held lease keeps every job on it from running; an expired one is taken over and the crashed run retried', async () => {
    const env = await setup();
    const j = job(async () => ({ done: 1 }));
    expect(await acquireLease(store, { name: 'test', holder: 'dead-process', job: 'test-job', ttlMs: 60_000 })).toBe(true);
    expect(await runJob(env, { job: j, slot: 'S', trigger: 'schedule', holder: 'b' })).toEqual({ status: 'skipped', reason: 'lease-held' });
    expect(j.calls).toBe(0);

    // The holder "crashes" mid-run: its run stays "running" and its lease is left to expire.
    await store.db.deleteFrom('job_leases').execute();
    await acquireLease(store, { name: 'test', holder: 'dead-process', job: 'test-job', ttlMs: 1 });
    await startRun(store, { id: 'crashed-run', job: 'test-job', slot: 'S', attempt: 1, trigger: 'schedule', holder: 'dead-process' });
    await new Promise((r) => setTimeout(r, 10));
    expect(await runJob(env, { job: j, slot: 'S', trigger: 'schedule', holder: 'b' })).toMatchObject({ status: 'ok' });
    expect((await runs()).map((r) => [r.attempt, r.status, r.holder])).toEqual([
      [1, 'crashed', 'dead-process'],
      [2, 'ok', 'b'],
    ]);
  });

  it("takes over at once a lease whose holder was a process of this host that no longer exists, and waits for a live one's", async () => {
    const env = await setup({ JOB_LEASE_MS: '600000' });
    const j = job(async () => ({ done: 1 }));
    const gone = spawnSync(process.execPath, ['-e', '']).pid;
    await acquireLease(store, { name: 'test', holder: `${os.hostname()}:${gone}:killed`, job: 'test-job', ttlMs: 600_000 });
    await startRun(store, { id: 'killed-run', job: 'test-job', slot: 'S', attempt: 1, trigger: 'schedule', holder: `${os.hostname()}:${gone}:killed` });
    expect(await runJob(env, { job: j, slot: 'S', trigger: 'schedule', holder: 'b' })).toMatchObject({ status: 'ok' });
    expect((await runs()).map((r) => [r.attempt, r.status])).toEqual([
      [1, 'crashed'],
      [2, 'ok'],
    ]);

    // This process is alive, and so is a holder on another host: their unexpired leases are waited for.
    for (const alive of [`${os.hostname()}:${process.pid}:other-runner`, `elsewhere.example:${gone}:x`]) {
      await store.db.deleteFrom('job_leases').execute();
      await acquireLease(store, { name: 'test', holder: alive, job: 'test-job', ttlMs: 600_000 });
      expect(await runJob(env, { job: j, slot: 'S2', trigger: 'schedule', holder: 'b' })).toEqual({ status: 'skipped', reason: 'lease-held' });
    }
    expect(j.calls).toBe(1);
  });

  it('a run that finishes after another process took its lease over stays crashed: one successful run for the slot', async () => {
    // A long lease: no heartbeat renews it during the test, so only the expiry set below takes it away.
    const env = await setup({ JOB_LEASE_MS: '600000' });
    let release!: () => void;
    const slow = job(() => new Promise((resolve) => (release = () => resolve({ done: 1 }))));
    const first = runJob(env, { job: slow, slot: 'S', trigger: 'schedule', holder: 'a' });
    await new Promise((r) => setTimeout(r, 100));
    // The holder stalls past its lease (a long pause): another runner takes the lease and runs the slot again.
    await store.db
      .updateTable('job_leases')
      .set({ expires_at: new Date(Date.now() - 1000).toISOString() })
      .execute();
    const quick = job(async () => ({ done: 1 }));
    expect(await runJob(env, { job: quick, slot: 'S', trigger: 'schedule', holder: 'b' })).toMatchObject({ status: 'ok' });
    release();
    expect(await first).toMatchObject({ status: 'failed', error: 'lease taken over' });
    expect((await runs()).map((r) => [r.holder, r.status])).toEqual([
      ['a', 'crashed'],
      ['b', 'ok'],
    ]);
  });

  it('retries a failed slot with backoff, up to the attempt limit', async () => {
    const env = await setup();
    const j = job(async () => {
      throw new Error('source down');
    });
    const first = await runJob(env, { job: j, slot: 'S', trigger: 'schedule', holder: 'a' });
    expect(first).toMatchObject({ status: 'failed', error: 'source down', retryInMs: 100 });
    expect(await runJob(env, { job: j, slot: 'S', trigger: 'schedule', holder: 'a' })).toEqual({ status: 'skipped', reason: 'backoff' });
    await new Promise((r) => setTimeout(r, 120));
    expect(await runJob(env, { job: j, slot: 'S', trigger: 'schedule', holder: 'a' })).toMatchObject({ status: 'failed', retryInMs: 200 });
    await new Promise((r) => setTimeout(r, 220));
    expect(await runJob(env, { job: j, slot: 'S', trigger: 'schedule', holder: 'a' })).toMatchObject({ status: 'failed', retryInMs: null });
    expect(await runJob(env, { job: j, slot: 'S', trigger: 'schedule', holder: 'a' })).toEqual({ status: 'skipped', reason: 'attempts-exhausted' });
    expect(j.calls).toBe(3);
    // A manual run is its own slot and always runs.
    expect(await runJob(env, { job: j, slot: 'manual:1', trigger: 'manual', holder: 'a' })).toMatchObject({ status: 'failed', retryInMs: null });
  });

  it('stops a run whose lease was taken over, and renews the lease of a long run', async () => {
    const env = await setup();
    let aborted = false;
    const long = job(
      (ctx) =>
        new Promise((resolve) => {
          ctx.signal!.addEventListener('abort', () => {
            aborted = true;
            resolve({});
          });
        }),
    );
    const running = runJob(env, { job: long, slot: 'S', trigger: 'schedule', holder: 'a' });
    // Longer than the 600 ms lease: the heartbeat keeps it.
    await new Promise((r) => setTimeout(r, 900));
    expect(await acquireLease(store, { name: 'test', holder: 'b', job: 'test-job', ttlMs: 60_000 })).toBe(false);
    // Someone takes it anyway (as after a long pause of the holder): the run notices and stops.
    await store.db.updateTable('job_leases').set({ holder: 'b' }).execute();
    await running;
    expect(aborted).toBe(true);
  });

  it('the scheduler starts due jobs, never two on one lease at once, and status reports them', async () => {
    const env = await setup({ SCHEDULER_TICK_MS: '50' });
    const order: string[] = [];
    const a = job(async () => {
      order.push('a-start');
      await new Promise((r) => setTimeout(r, 100));
      order.push('a-end');
      return { n: 1 };
    }, 'job-a');
    const b = job(async () => {
      order.push('b-start');
      return { n: 2 };
    }, 'job-b');
    const failing = job(async () => {
      throw new Error('no network');
    }, 'job-c');
    failing.lease = 'other';
    const scheduler = new Scheduler(env, { jobs: [a, b, failing] });
    scheduler.start();
    await new Promise((r) => setTimeout(r, 600));
    await scheduler.stop();
    expect(order).toEqual(['a-start', 'a-end', 'b-start']);
    const status = await schedulerStatus(store, env.config);
    // The real jobs appear in status; the test jobs are in the run history.
    expect(status.jobs.map((j) => j.name)).toContain('harvest-oai');
    const rows = await runs();
    expect(rows.filter((r) => r.job === 'job-a' && r.status === 'ok')).toHaveLength(1);
    expect(rows.filter((r) => r.job === 'job-c').map((r) => r.error)).toContain('no network');
  });
});
