import { parseArgs } from 'node:util';
import { storeStats } from '../db/papers.ts';
import { createServices } from '../services.ts';
import type { Command } from './command.ts';

export const statsCommand: Command = {
  name: 'stats',
  summary: 'count papers, authors, categories and daily-feed entries',
  usage: 'paperfeed stats [--json]',
  async run(args, io) {
    const { values } = parseArgs({ args, options: { json: { type: 'boolean', default: false } } });
    const services = await createServices(io.config());
    try {
      const stats = await storeStats(services.database);
      if (values.json) io.stdout.write(JSON.stringify(stats, null, 2) + '\n');
      else for (const [k, v] of Object.entries(stats)) io.stdout.write(`${k.padEnd(16)} ${v ?? '-'}\n`);
      return 0;
    } finally {
      await services.close();
    }
  },
};
