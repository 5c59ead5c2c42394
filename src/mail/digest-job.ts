// The scheduler's digest job (src/jobs/schedule.ts): whatever is due now, with counts for the run history.
import { runDigests, type DigestRunServices } from './digest-runner.ts';

export async function runDigestJob(services: DigestRunServices): Promise<Record<string, number>> {
  const s = await runDigests(services);
  return {
    planned: s.planned,
    sent: s.sent,
    retried: s.retried,
    failed: s.failed,
    bounced: s.bounced,
    disabled: s.disabled,
    skipped: s.skipped,
    unconfirmed: s.unconfirmed,
    recovered: s.recovered,
    journaled: s.journaled,
    waiting: s.waiting,
  };
}
