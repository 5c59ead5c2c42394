// Starts the scheduler inside `paperfeed serve`. On an empty store it says that the first harvest is
// starting and where to watch it; the web server serves whatever is stored meanwhile.
import { hasAnyPaper } from '../db/harvest.ts';
import { oaiSetsFor } from '../ingest/arxiv-oai.ts';
import type { JobServices } from './schedule.ts';
import { Scheduler } from './scheduler.ts';

export async function startBackgroundJobs(env: JobServices): Promise<Scheduler | null> {
  const { config, logger } = env;
  if (!config.SCHEDULER) {
    logger.info('scheduler off (SCHEDULER=false): run `paperfeed harvest --once` from cron');
    return null;
  }
  const empty = !(await hasAnyPaper(env.database));
  if (empty && config.HARVEST_ON_START) {
    logger.info(
      { days: config.HARVEST_DAYS, sets: oaiSetsFor(config.ARXIV_CATEGORIES), categories: config.ARXIV_CATEGORIES },
      `empty database: harvesting the last ${config.HARVEST_DAYS} days from arXiv in the background (progress: \`paperfeed status\` or GET /api/admin/status)`,
    );
  }
  const scheduler = new Scheduler(env, { catchUp: config.HARVEST_ON_START, firstTrigger: empty ? 'first-start' : 'schedule' });
  scheduler.start();
  return scheduler;
}
