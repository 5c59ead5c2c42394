// The composition root: the one place that builds what the rest of the code uses (configuration, logger, clock,
// store, search, recommendations, the polite HTTP client, the mail transport and the mail queue's sender). `serve`
// and every CLI command call createServices once, pass the result (or a Pick of it) down, and close it when they
// finish; tests build theirs through the same function, replacing parts (a fixed clock, a test database, an outbox).
// Nothing is kept in module-level state: two Services objects in one process share nothing.
import type { Config } from './config.ts';
import type { Database } from './db/connect.ts';
import { openDatabase, type SchemaPolicy } from './db/open.ts';
import { databasePacingStore, HttpClient, httpClientOptions } from './ingest/http.ts';
import { createLogger, type Logger } from './log.ts';
import { MailQueue } from './mail/queue.ts';
import { createMailTransport, type MailTransport } from './mail/transport.ts';
import { RecommendationService } from './recommend/service.ts';
import { DatabaseSearchService, serviceOptionsFromConfig, type SearchServiceOptions } from './search/service.ts';

/** The current time; tests fix it so "today" is deterministic. */
export type Clock = () => Date;

export interface Services {
  config: Config;
  logger: Logger;
  clock: Clock;
  database: Database;
  /** The per-process search index over the papers table; it builds on first use. */
  search: DatabaseSearchService;
  /** "For you": per-person models over the search snapshot's features, stored in the database. */
  recommendations: RecommendationService;
  /** The polite fetcher every source uses; its request budget is kept in the database, shared by all processes. */
  http: HttpClient;
  /** Outgoing mail: SMTP when configured, otherwise .eml files in the outbox. */
  mail: MailTransport;
  /** This process's sender of queued mail (sign-in links, confirmations): requests queue and kick it. */
  mailQueue: MailQueue;
  /** Stops the search build worker, lets a mail queue drain finish, closes the SMTP pool, the HTTP connections and the store (what it opened). */
  close(): Promise<void>;
}

export interface ServiceParts {
  /** Use this store instead of opening the configured one; it stays the caller's to close. */
  database?: Database;
  clock?: Clock;
  logger?: Logger;
  /** Use this transport instead of the configured one; it stays the caller's to close. */
  mail?: MailTransport;
  /** Use this client instead of one paced through the database; it stays the caller's to close. */
  http?: HttpClient;
  /** Search settings beyond the configuration: `serve` builds in a worker thread, `index` logs to stdout. */
  search?: Partial<SearchServiceOptions>;
  /** What opening the store does with its schema (src/db/open.ts): refuse an outdated one by default. */
  schema?: SchemaPolicy;
}

export async function createServices(config: Config, parts: ServiceParts = {}): Promise<Services> {
  const logger = parts.logger ?? createLogger(config.LOG_LEVEL);
  const database =
    parts.database ??
    (await openDatabase(config, {
      schema: parts.schema,
      onSchemaCreated: () => logger.info({ database: config.databaseKind }, 'created the schema of an empty store'),
    }));
  const closers: (() => Promise<void> | void)[] = parts.database ? [] : [() => database.close()];
  try {
    const mail = parts.mail ?? createMailTransport(config);
    if (!parts.mail) closers.unshift(() => mail.close());
    const http = parts.http ?? new HttpClient(httpClientOptions(config, databasePacingStore(database), logger));
    if (!parts.http) closers.unshift(() => http.close());
    const clock = parts.clock ?? (() => new Date());
    const mailQueue = new MailQueue({ config, database, mail, logger, clock });
    closers.unshift(() => mailQueue.close());
    const search = new DatabaseSearchService(database, serviceOptionsFromConfig(config, { log: (m) => logger.info(m), ...parts.search }));
    closers.unshift(() => search.close());
    return {
      config,
      logger,
      clock,
      database,
      search,
      recommendations: new RecommendationService(database, () => search.engine(), { log: (m) => logger.info(m) }),
      http,
      mail,
      mailQueue,
      close: () => closeAll(closers),
    };
  } catch (e) {
    await closeAll(closers);
    throw e;
  }
}

/** Runs every closer in order, even when one fails, and reports the first failure. */
async function closeAll(closers: (() => Promise<void> | void)[]): Promise<void> {
  let failure: unknown = null;
  for (const close of closers.splice(0)) {
    try {
      await close();
    } catch (e) {
      failure ??= e;
    }
  }
  if (failure) throw failure;
}
