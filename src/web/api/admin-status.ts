// GET /api/admin/status: the scheduler's jobs (last run, next run, last error, running now), harvest
// cursors and paused services, as JSON for operators and monitoring.
import type { Context } from 'hono';
import { schedulerStatus } from '../../jobs/status.ts';
import type { AppContext } from '../context.ts';

export function adminStatusHandler(ctx: AppContext) {
  return async (c: Context) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await schedulerStatus(ctx.database, ctx.config));
  };
}
