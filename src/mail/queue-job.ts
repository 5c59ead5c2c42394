// The scheduler's mail-queue job (src/jobs/schedule.ts): sends queued mail that is due, then drops old rows.
import type { Services } from '../services.ts';

export async function runMailQueueJob(ctx: Pick<Services, 'mailQueue'>): Promise<Record<string, number>> {
  const run = await ctx.mailQueue.drain();
  const pruned = await ctx.mailQueue.prune();
  return { ...run, pruned };
}
