// `paperfeed import PATH…`: imports papers from files or folders in any supported format.
import path from 'node:path';
import { parseArgs } from 'node:util';
import { AppError } from '../errors.ts';
import { FORMATS, isFormatName } from '../ingest/detect.ts';
import { UnusableInputError } from '../ingest/formats/errors.ts';
import { importedAnything, importPaths, type ImportProgress, type ImportSummary } from '../ingest/import.ts';
import { createServices } from '../services.ts';
import { UsageError, type Command, type CommandIO } from './command.ts';

const PROGRESS_INTERVAL_MS = 250;

export const importCommand: Command = {
  name: 'import',
  summary: 'import papers from files or folders (Kaggle snapshot, daily listings, OAI-PMH, arXiv Atom, HF daily papers)',
  usage: `paperfeed import PATH… [--format ${FORMATS.join('|')}] [--json] [--errors N]`,
  async run(args, io) {
    const { values, positionals } = parseArgs({
      args,
      allowPositionals: true,
      options: {
        format: { type: 'string' },
        json: { type: 'boolean', default: false },
        errors: { type: 'string', default: '20' },
      },
    });
    if (!positionals.length) throw new UsageError('name at least one file or folder to import');
    if (values.format !== undefined && !isFormatName(values.format)) {
      throw new UsageError(`unknown --format "${values.format}" (one of ${FORMATS.join(', ')})`);
    }
    const maxErrorDetails = Number(values.errors);
    if (!Number.isInteger(maxErrorDetails) || maxErrorDetails < 0) throw new UsageError('--errors takes a whole number');
    const services = await createServices(io.config(), { schema: 'create-if-empty' });
    const progress = io.stderr.isTTY ? progressLine(io) : null;
    let summary: ImportSummary;
    try {
      summary = await importPaths(services.database, positionals, { format: values.format as never, maxErrorDetails, onProgress: progress?.update });
    } catch (e) {
      if (e instanceof UnusableInputError) throw new AppError(400, 'unusable_input', e.message);
      throw e;
    } finally {
      progress?.clear();
      await services.close();
    }
    const ok = importedAnything(summary);
    if (values.json) io.stdout.write(JSON.stringify({ ok, ...summary }, null, 2) + '\n');
    else io.stdout.write(formatSummary(summary));
    if (!ok) io.stderr.write('paperfeed import: nothing could be imported\n');
    return ok ? 0 : 1;
  },
};

/** A status line on stderr, rewritten in place at most every PROGRESS_INTERVAL_MS. */
function progressLine(io: CommandIO) {
  let last = 0;
  return {
    update(p: ImportProgress) {
      const now = Date.now();
      if (now - last < PROGRESS_INTERVAL_MS) return;
      last = now;
      const rate = p.elapsedSeconds > 0 ? Math.round((p.read - p.errors - p.skipped) / p.elapsedSeconds) : 0;
      const line = `[${p.fileIndex + 1}/${p.files}] ${path.basename(p.file)}  read ${n(p.read)}  new ${n(p.inserted)}  updated ${n(p.updated)}  errors ${n(p.errors)}  ${n(rate)}/s`;
      io.stderr.write(`\r\x1b[K${line}`);
    },
    clear() {
      if (last) io.stderr.write('\r\x1b[K');
    },
  };
}

function n(x: number): string {
  return x.toLocaleString('en-US');
}

export function formatSummary(s: ImportSummary): string {
  const formats = Object.entries(s.formats)
    .map(([f, count]) => `${f} ${count}`)
    .join(', ');
  const lines = [
    `files       ${n(s.files)}${formats ? ` (${formats})` : ''}`,
    `read        ${n(s.read)}`,
    `inserted    ${n(s.inserted)}`,
    `updated     ${n(s.updated)}`,
    `unchanged   ${n(s.unchanged)}`,
    `merged      ${n(s.merged)} (same id again within a batch)`,
    `skipped     ${n(s.skipped)}`,
    `errors      ${n(s.errors)}`,
    `daily       ${n(s.dailyEntries)} feed entries`,
    `time        ${s.seconds.toFixed(1)} s, ${n(Math.round(s.papersPerSecond))} papers/s`,
  ];
  if (s.unusableFiles.length) {
    lines.push(`unusable    ${n(s.unusableFiles.length)} files:`);
    for (const f of s.unusableFiles.slice(0, 50)) lines.push(`  ${f.file}: ${f.reason}`);
    if (s.unusableFiles.length > 50) lines.push(`  … and ${n(s.unusableFiles.length - 50)} more`);
  }
  if (s.errorDetails.length) {
    lines.push(`record errors${s.errors > s.errorDetails.length ? ` (first ${s.errorDetails.length} of ${n(s.errors)})` : ''}:`);
    for (const e of s.errorDetails) lines.push(`  ${e.file} ${e.where}: ${e.reason}`);
  }
  return lines.join('\n') + '\n';
}
