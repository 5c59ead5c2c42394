import { startBackgroundJobs } from '../jobs/background.ts';
import { workerConnection } from '../search/service.ts';
import { createServices } from '../services.ts';
import { createApp } from '../web/app.tsx';
import { listen } from '../web/server.ts';
import type { Command } from './command.ts';

export const serveCommand: Command = {
  name: 'serve',
  summary: 'run the web server (creates the schema of an empty store first)',
  usage: 'paperfeed serve',
  async run(_args, io) {
    const config = io.config();
    // A new data dir or an empty database gets its schema; an outdated one is refused (`paperfeed migrate`).
    // Search index builds run in a worker thread so requests keep being answered meanwhile.
    const services = await createServices(config, { schema: 'create-if-empty', search: { buildWorker: workerConnection(config), pollInBackground: true } });
    const { logger } = services;
    // Load a saved index now, so the first search does not wait for it.
    void services.search.loadIfSaved().catch((e) => logger.error({ error: String(e) }, 'search index unavailable'));
    const app = createApp(services);
    const server = listen(app.fetch, { hostname: config.HOST, port: config.PORT, keepAliveSeconds: config.HTTP_KEEP_ALIVE_SECONDS }, (info) => {
      logger.info({ url: config.baseUrl, port: info.port, database: config.databaseKind }, 'paperfeed is serving');
      io.stdout.write(`Paperfeed is serving on ${config.baseUrl} (listening on ${config.HOST}:${info.port})\n`);
    });
    const scheduler = await startBackgroundJobs(services);
    await new Promise<void>((resolve) => {
      const stop = () => {
        logger.info('shutting down');
        // A running index build is derived work: stop it now rather than wait for it.
        void services.search.close();
        server.close(() => resolve());
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
    await scheduler?.stop();
    await services.close();
    return 0;
  },
};
