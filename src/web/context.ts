// What every handler can reach: configuration, the store and the logger.
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../log.ts';

export interface AppContext {
  config: Config;
  database: Database;
  logger: Logger;
  /** The current time; tests fix it so "today" is deterministic. Defaults to the system clock. */
  clock?: () => Date;
}

export function now(ctx: AppContext): Date {
  return ctx.clock ? ctx.clock() : new Date();
}
