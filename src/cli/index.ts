import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { fillMissingKeywords, streamIndexablePapers } from '../db/search.ts';
import { keyphrases } from '../search/keyphrases.ts';
import { searchDir } from '../search/store.ts';
import { postingCount } from '../search/lexical/index.ts';
import { createServices } from '../services.ts';
import type { Command } from './command.ts';

export const indexCommand: Command = {
  name: 'index',
  summary: 'build the search index, train the corpus embedder, embed papers and fill missing keyphrases',
  usage: 'paperfeed index [--rebuild] [--no-keyphrases]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: { rebuild: { type: 'boolean', default: false }, 'no-keyphrases': { type: 'boolean', default: false } },
    });
    const config = io.config();
    if (values.rebuild) fs.rmSync(searchDir(config.dataDir), { recursive: true, force: true });
    const services = await createServices(config, { schema: 'create-if-empty', search: { log: (m) => io.stdout.write(m + '\n') } });
    const { database, search: service } = services;
    try {
      const started = Date.now();
      const engine = await service.engine();
      io.stdout.write(`indexed ${engine.docCount} papers (${engine.lexical.termIds.size} words, ${engine.lexical.bigramKeys.length} word pairs, ${postingCount(engine.lexical)} postings) in ${Date.now() - started} ms; embedder: ${service.embedder?.id ?? 'none'}\n`);
      if (!values['no-keyphrases']) {
        const phrases = new Map<string, string[]>();
        for await (const page of streamIndexablePapers(database, null)) {
          for (const p of page) phrases.set(p.id, keyphrases(engine.lexical, p.title, p.abstract));
        }
        const filled = await fillMissingKeywords(database, phrases);
        io.stdout.write(`keyphrases: filled ${filled} papers that had none\n`);
      }
      return 0;
    } finally {
      await services.close();
    }
  },
};
