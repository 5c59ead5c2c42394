// `paperfeed status`: each job's last run, next run and last error, harvest cursors and paused services.
import { parseArgs } from 'node:util';
import { schedulerStatus, type JobStatus } from '../jobs/status.ts';
import { createServices } from '../services.ts';
import type { Command } from './command.ts';

export const statusCommand: Command = {
  name: 'status',
  summary: 'show the scheduled jobs: last run, next run, last error; harvest progress',
  usage: 'paperfeed status [--json]',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
    const services = await createServices(io.config());
    try {
      const status = await schedulerStatus(services.database, services.config, services.clock());
      if (values.json) {
        io.stdout.write(JSON.stringify(status, null, 2) + '\n');
        return 0;
      }
      for (const job of status.jobs) io.stdout.write(formatJob(job) + '\n');
      for (const c of status.cursors) io.stdout.write(`cursor ${c.source}: ${JSON.stringify(c.state)} (updated ${c.updatedAt})\n`);
      for (const p of status.pausedServices) io.stdout.write(`PAUSED ${p.service} until ${p.until}: ${p.reason ?? ''}\n`);
      return 0;
    } finally {
      await services.close();
    }
  },
};

function formatJob(job: JobStatus): string {
  const lines = [`${job.name}  [${job.schedule ?? 'off'}]  ${job.summary}`];
  if (job.running) lines.push(`  running since ${job.running.since} on ${job.running.holder}${job.running.run ? ` ${counts(job.running.run.counts)}` : ''}`);
  const last = job.lastRun;
  lines.push(
    last
      ? `  last run: ${last.status} ${last.startedAt} → ${last.finishedAt ?? '…'} (${last.trigger}, attempt ${last.attempt}) ${counts(last.counts)}`
      : '  last run: never',
  );
  lines.push(`  next run: ${job.nextRun ?? '-'}`);
  if (job.lastError) lines.push(`  last error (${job.lastError.at}): ${job.lastError.error ?? job.lastError.status}`);
  return lines.join('\n');
}

function counts(c: Record<string, number>): string {
  const parts = Object.entries(c).map(([k, v]) => `${k}=${v}`);
  return parts.length ? parts.join(' ') : '';
}
