// A real HTTP server around the app, on a free 127.0.0.1 port, over a seeded test database.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { loadConfig, type Config } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { buildApp, type App } from '../../src/web/app.tsx';
import type { PaperPageExtensions } from '../../src/web/routes/paper.tsx';
import type { Database } from '../../src/db/connect.ts';
import { tempDir } from '../helpers/db.ts';

export interface TestServer extends App {
  url: string;
  config: Config;
  close(): Promise<void>;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ BASE_URL: 'http://paperfeed.test', LOG_LEVEL: 'silent', PAPERFEED_DATA_DIR: tempDir('paperfeed-web-'), ...env });
}

export function testApp(database: Database, options: { env?: Record<string, string>; now?: Date; paper?: PaperPageExtensions } = {}) {
  const config = testConfig(options.env);
  const built = buildApp(
    { config, database, logger: createLogger('silent'), clock: options.now ? () => options.now! : undefined },
    // Search's similar papers are search's to test; pages get a fixed answer (or none) unless a test gives one.
    { paper: options.paper ?? { similarIds: async () => null } },
  );
  return { ...built, config };
}

export async function startTestServer(
  database: Database,
  options: { env?: Record<string, string>; now?: Date; paper?: PaperPageExtensions } = {},
): Promise<TestServer> {
  const built = testApp(database, options);
  const server = serve({ fetch: built.app.fetch, hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    ...built,
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
