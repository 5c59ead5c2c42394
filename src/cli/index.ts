import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { searchDir } from '../search/store.ts';
import { postingCount } from '../search/lexical/index.ts';
import { createServices } from '../services.ts';
import type { Command } from './command.ts';

export const indexCommand: Command = {
  name: 'index',
  summary: 'build a new search index snapshot (training the corpus embedder if needed, or with --retrain), embed papers and derive keyphrases and TL;DRs',
  usage: 'paperfeed index [--retrain] [--rebuild] [--no-keyphrases]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        rebuild: { type: 'boolean', default: false },
        retrain: { type: 'boolean', default: false },
        'no-keyphrases': { type: 'boolean', default: false },
      },
    });
    const config = io.config();
    if (values.rebuild) fs.rmSync(searchDir(config.dataDir), { recursive: true, force: true });
    const services = await createServices(config, {
      schema: 'create-if-empty',
      search: { log: (m) => io.stdout.write(m + '\n'), deriveText: !values['no-keyphrases'] },
    });
    const { search: service } = services;
    try {
      const started = Date.now();
      // A new snapshot generation (lexical index, keyphrases and TL;DRs, embedder, vectors): serve processes sharing
      // this data dir load it at their next check.
      await service.rebuild({ retrain: values.retrain });
      const engine = await service.engine();
      io.stdout.write(
        `indexed ${engine.docCount} papers (${engine.lexical.termIds.size} words, ${engine.lexical.bigramKeys.length} word pairs, ${postingCount(engine.lexical)} postings) in ${Date.now() - started} ms; embedder: ${service.embedder?.id ?? 'none'}\n`,
      );
      return 0;
    } finally {
      await services.close();
    }
  },
};
