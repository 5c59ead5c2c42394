import { serve } from '@hono/node-server';
import type { Database } from '../db/connect.ts';
import { appliedVersions, assertSchemaCurrent, migrate } from '../db/migrate.ts';
import { startBackgroundJobs } from '../jobs/background.ts';
import { createLogger } from '../log.ts';
import { getSearchService, workerConnection } from '../search/service.ts';
import { createApp } from '../web/app.tsx';
import type { Command } from './command.ts';
import { openDatabase } from './open.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the web server (migrates an empty SQLite store first)',
  usage: 'paperfeed serve',
  async run(_args, io) {
    const config = io.config();
    const logger = createLogger(config.LOG_LEVEL);
    const database = await openDatabase(config, { requireCurrentSchema: false });
    await prepareSchema(database, config.databaseKind);
    // Search index builds run in a worker thread so requests keep being answered meanwhile; created before the app
    // so its routes get this same service.
    const search = getSearchService({ config, database, logger }, { buildWorker: workerConnection(config), pollInBackground: true });
    // Load a saved index now, so the first search does not wait for it.
    void search.loadIfSaved().catch((e) => logger.error({ error: String(e) }, 'search index unavailable'));
    const app = createApp({ config, database, logger });
    const server = serve({ fetch: app.fetch, hostname: config.HOST, port: config.PORT }, (info) => {
      logger.info({ url: config.baseUrl, port: info.port, database: config.databaseKind }, 'paperfeed is serving');
      io.stdout.write(`Paperfeed is serving on ${config.baseUrl} (listening on ${config.HOST}:${info.port})\n`);
    });
    const scheduler = await startBackgroundJobs({ config, database, logger });
    await new Promise<void>((resolve) => {
      const stop = () => {
        logger.info('shutting down');
        // A running index build is derived work: stop it now rather than wait for it.
        void search.close();
        server.close(() => resolve());
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await scheduler?.stop();
    await database.close();
    return 0;
  },
};

/**
 * Zero configuration on SQLite means a fresh data dir just works, so serve creates the schema of an empty
 * embedded store. On an existing store (or on PostgreSQL, shared by several processes) an outdated schema
 * stops start-up: upgrading is an operator's decision, made with `paperfeed migrate`.
 */
async function prepareSchema(database: Database, kind: string): Promise<void> {
  if (kind === 'sqlite' && (await appliedVersions(database)).length === 0) await migrate(database);
  await assertSchemaCurrent(database);
}
