import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { DatabaseSearchService, serviceOptionsFromConfig } from '../search/service.ts';
import { searchDir } from '../search/store.ts';
import { postingCount } from '../search/lexical/index.ts';
import type { Command } from './command.ts';
import { openDatabase } from './open.ts';

export const indexCommand: Command = {
  name: 'index',
  summary: 'build the search index, train the corpus embedder, embed papers and derive keyphrases and TL;DRs',
  usage: 'paperfeed index [--rebuild] [--no-keyphrases]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { rebuild: { type: 'boolean', default: false }, 'no-keyphrases': { type: 'boolean', default: false } },
    });
    const config = io.config();
    if (values.rebuild) fs.rmSync(searchDir(config.dataDir), { recursive: true, force: true });
    const database = await openDatabase(config);
    try {
      const log = (m: string) => io.stdout.write(m + '\n');
      const service = new DatabaseSearchService(database, serviceOptionsFromConfig(config, { log, trainIfMissing: true, deriveText: !values['no-keyphrases'] }));
      const started = Date.now();
      // The whole build (lexical index, keyphrases and TL;DRs, embedder, vectors), not just its first answerable part.
      await service.refresh();
      const engine = await service.engine();
      io.stdout.write(`indexed ${engine.docCount} papers (${engine.lexical.termIds.size} words, ${engine.lexical.bigramKeys.length} word pairs, ${postingCount(engine.lexical)} postings) in ${Date.now() - started} ms; embedder: ${service.embedder?.id ?? 'none'}\n`);
      return 0;
    } finally {
      await database.close();
    }
  },
};
