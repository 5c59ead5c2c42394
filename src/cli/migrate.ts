import { migrate } from '../db/migrate.ts';
import { createServices } from '../services.ts';
import type { Command } from './command.ts';

export const migrateCommand: Command = {
  name: 'migrate',
  summary: 'create or upgrade the database schema',
  usage: 'paperfeed migrate',
  async run(_args, io) {
    const config = io.config();
    const services = await createServices(config, { schema: 'unchecked' });
    try {
      const result = await migrate(services.database, (m) => io.stdout.write(`applied ${String(m.version).padStart(3, '0')} ${m.name}\n`));
      io.stdout.write(
        result.applied.length
          ? `schema is now at version ${result.current} (${config.databaseKind})\n`
          : `schema is up to date at version ${result.current} (${config.databaseKind})\n`,
      );
      return 0;
    } finally {
      await services.close();
    }
  },
};
