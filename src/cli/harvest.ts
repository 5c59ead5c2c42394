// `paperfeed harvest --once`: runs harvest jobs now, through the same runner (leases, run records) as the
// server's scheduler, so it can be driven from cron with SCHEDULER=false on the servers.
import { parseArgs } from 'node:util';
import { newHolderId, runJob, type RunOutcome } from '../jobs/runner.ts';
import { findJob, type JobDefinition } from '../jobs/schedule.ts';
import { createServices } from '../services.ts';
import { UsageError, type Command } from './command.ts';

const SOURCES: Record<string, string[]> = {
  oai: ['harvest-oai'],
  listing: ['harvest-listing'],
  arxiv: ['harvest-oai', 'harvest-listing'],
  github: ['github-stars'],
  hf: ['hf-sync'],
  all: ['harvest-oai', 'harvest-listing', 'github-stars', 'hf-sync'],
};

/** Exit code when another process holds a needed lease: cron may simply try again later. */
export const EXIT_TEMPFAIL = 75;

export const harvestCommand: Command = {
  name: 'harvest',
  summary: 'harvest now: arXiv (OAI-PMH, listing), GitHub stars, Hugging Face daily papers',
  usage: 'paperfeed harvest --once [--source oai|listing|arxiv|github|hf|all] [--from YYYY-MM-DD]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { once: { type: 'boolean', default: false }, source: { type: 'string', default: 'all' }, from: { type: 'string' } },
    });
    if (!values.once) throw new UsageError("--once is required (the server's scheduler harvests continuously; cron runs `harvest --once`)");
    const names = SOURCES[values.source ?? 'all'];
    if (!names) throw new UsageError(`unknown source "${values.source}" (one of ${Object.keys(SOURCES).join(', ')})`);
    if (values.from !== undefined) {
      if (!/^\d{4}-\d{2}-\d{2}$/.test(values.from) || Number.isNaN(Date.parse(values.from)))
        throw new UsageError(`--from expects a day like 2024-06-03, got "${values.from}"`);
      if (!names.includes('harvest-oai')) throw new UsageError('--from applies to the OAI-PMH harvest (--source oai, arxiv or all)');
    }
    const config = io.config();
    const services = await createServices(config, { schema: 'create-if-empty' });
    const holder = newHolderId();
    let exitCode = 0;
    try {
      const selected = names.map((n) => findJob(n) as JobDefinition).filter((j) => j.enabled(config) || values.source !== 'all');
      for (const job of selected) {
        const outcome = await runWhenLeaseFree(
          () =>
            runJob(services, {
              job,
              slot: `manual:${new Date().toISOString()}`,
              trigger: 'manual',
              holder,
              from: job.name === 'harvest-oai' ? values.from : undefined,
            }),
          config.JOB_LEASE_MS + 5_000,
        );
        io.stdout.write(`${job.name}: ${describe(outcome)}\n`);
        if (outcome.status === 'failed') exitCode = Math.max(exitCode, 1);
        if (outcome.status === 'skipped') exitCode = EXIT_TEMPFAIL;
      }
    } finally {
      await services.close();
    }
    return exitCode;
  },
};

/** Waits (up to a lease's lifetime) for a lease held by another process, e.g. one that was killed. */
async function runWhenLeaseFree(attempt: () => Promise<RunOutcome>, maxWaitMs: number): Promise<RunOutcome> {
  const deadline = Date.now() + maxWaitMs;
  for (;;) {
    const outcome = await attempt();
    if (outcome.status !== 'skipped' || outcome.reason !== 'lease-held' || Date.now() > deadline) return outcome;
    await new Promise((r) => setTimeout(r, 500));
  }
}

function describe(outcome: RunOutcome): string {
  if (outcome.status === 'skipped') {
    return outcome.reason === 'lease-held' ? 'skipped: another process is running a job on the same source (try again later)' : `skipped (${outcome.reason})`;
  }
  const counts = Object.entries(outcome.counts)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  const took = `${(outcome.ms / 1000).toFixed(1)} s`;
  return outcome.status === 'ok' ? `ok in ${took}${counts ? ` (${counts})` : ''}` : `FAILED after ${took}: ${outcome.error}${counts ? ` (${counts})` : ''}`;
}
