// Services for tests, built by the same function as `serve` and the CLI (src/services.ts), on a test store with a
// silent logger and, when a test asks, a fixed clock or an HTTP client that paces requests in memory.
import type { Config } from '../../src/config.ts';
import type { Database } from '../../src/db/connect.ts';
import type { HttpClient } from '../../src/ingest/http.ts';
import { createLogger } from '../../src/log.ts';
import { createServices, type Services } from '../../src/services.ts';

export function testServices(config: Config, database: Database, parts: { now?: Date; http?: HttpClient } = {}): Promise<Services> {
  return createServices(config, { database, logger: createLogger('silent'), clock: parts.now ? () => parts.now! : undefined, http: parts.http });
}
