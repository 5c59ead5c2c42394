// A real HTTP server around the app (the same listener as `paperfeed serve`), on a free 127.0.0.1 port, over a
// seeded test database.
import type { AddressInfo } from 'node:net';
import { loadConfig, type Config } from '../../src/config.ts';
import type { Database } from '../../src/db/connect.ts';
import type { Services } from '../../src/services.ts';
import { buildApp, type App } from '../../src/web/app.tsx';
import { listen } from '../../src/web/server.ts';
import type { PaperPageExtensions } from '../../src/web/papers/handlers.tsx';
import type { SitemapOptions } from '../../src/web/site/sitemap.ts';
import { tempDir } from '../helpers/db.ts';
import { testServices } from '../helpers/services.ts';

export interface TestApp extends App {
  config: Config;
  services: Services;
}

export interface TestServer extends TestApp {
  url: string;
  close(): Promise<void>;
}

export interface TestAppOptions {
  env?: Record<string, string>;
  now?: Date;
  paper?: PaperPageExtensions;
  sitemap?: SitemapOptions;
}

export function testConfig(env: Record<string, string> = {}): Config {
  return loadConfig({ BASE_URL: 'http://paperfeed.test', LOG_LEVEL: 'silent', PAPERFEED_DATA_DIR: tempDir('paperfeed-web-'), ...env });
}

export async function testApp(database: Database, options: TestAppOptions = {}): Promise<TestApp> {
  const services = await testServices(testConfig(options.env), database, { now: options.now });
  // Search's similar papers are search's to test; pages get a fixed answer (or none) unless a test gives one.
  const built = buildApp(services, { paper: options.paper ?? { similarIds: async () => null }, sitemap: options.sitemap });
  return { ...built, config: services.config, services };
}

export async function startTestServer(database: Database, options: TestAppOptions = {}): Promise<TestServer> {
  const built = await testApp(database, options);
  const server = listen(built.app.fetch, { hostname: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const port = (server.address() as AddressInfo).port;
  return {
    ...built,
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await built.services.close();
    },
  };
}
