import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { readBeir } from '../search/eval/beir.ts';
import { evaluateBeir } from '../search/eval/evaluate.ts';
import type { SearchMode } from '../search/types.ts';
import { UsageError, type Command } from './command.ts';

const MODES: SearchMode[] = ['lexical', 'semantic', 'hybrid'];

export const evalCommand: Command = {
  name: 'eval',
  summary: 'measure search quality on a BEIR-format dataset (nDCG@10, recall@100, MRR@10 per mode)',
  usage: 'paperfeed eval DIR [--mode lexical|semantic|hybrid|all] [--split test] [--embedder corpus|onnx|none] [--json]',
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        mode: { type: 'string', default: 'all' },
        split: { type: 'string', default: 'test' },
        embedder: { type: 'string' },
        json: { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError('expected one dataset folder');
    const dir = positionals[0];
    if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) throw new UsageError(`${dir} is not a folder`);
    const mode = values.mode!;
    if (mode !== 'all' && !MODES.includes(mode as SearchMode)) throw new UsageError(`unknown mode "${mode}"`);
    if (!/^[A-Za-z0-9_-]+$/.test(values.split!)) throw new UsageError(`bad split name "${values.split}"`);
    const embedder = values.embedder ?? (mode === 'lexical' ? 'none' : undefined);
    if (embedder !== undefined && !['corpus', 'onnx', 'none'].includes(embedder)) throw new UsageError(`unknown embedder "${embedder}"`);
    const config = embedder === 'onnx' ? io.config() : null;
    const dataset = readBeir(dir, values.split);
    const reports = await evaluateBeir(dataset, {
      modes: mode === 'all' ? MODES : [mode as SearchMode],
      embedder: embedder as 'corpus' | 'onnx' | 'none' | undefined,
      onnxModelDir: config?.ONNX_MODEL_DIR,
      log: values.json ? undefined : (m) => io.stderr.write(m + '\n'),
    });
    if (values.json) {
      io.stdout.write(
        JSON.stringify({ dataset: dir, split: values.split, documents: dataset.corpus.length, queries: dataset.qrels.size, reports }, null, 2) + '\n',
      );
      return 0;
    }
    io.stdout.write(`${dataset.corpus.length} documents, ${dataset.qrels.size} queries (${values.split})\n`);
    io.stdout.write('mode      nDCG@10  recall@100  MRR@10  ms/query\n');
    for (const r of reports) {
      io.stdout.write(
        `${r.mode.padEnd(9)} ${r.scores.ndcg10.toFixed(4)}   ${r.scores.recall100.toFixed(4)}     ${r.scores.mrr10.toFixed(4)}  ${r.msPerQuery.toFixed(2)}\n`,
      );
    }
    return 0;
  },
};
