// GET /api/admin/status: the scheduler's jobs (last run, next run, last error, running now), harvest
// cursors and paused services, as JSON for operators and monitoring. Admins only.
import type { Context } from 'hono';
import { schedulerStatus } from '../../jobs/status.ts';
import type { Services } from '../../services.ts';

export function adminStatusHandler(ctx: Services) {
  return async (c: Context) => {
    c.header('Cache-Control', 'no-store');
    return c.json(await schedulerStatus(ctx.database, ctx.config));
  };
}
