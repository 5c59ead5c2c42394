// CLI entry: one table of commands, each in its own module under cli/.
import { ConfigError, loadConfig } from './config.ts';
import { AppError } from './errors.ts';
import { SchemaOutdatedError } from './db/migrate.ts';
import { UsageError, type Command, type CommandIO } from './cli/command.ts';
import { configCommand } from './cli/config.ts';
import { harvestCommand } from './cli/harvest.ts';
import { importCommand } from './cli/import.ts';
import { migrateCommand } from './cli/migrate.ts';
import { serveCommand } from './cli/serve.ts';
import { statsCommand } from './cli/stats.ts';
import { statusCommand } from './cli/status.ts';
import { indexCommand } from './cli/index.ts';
import { evalCommand } from './cli/eval.ts';
import { userCommand } from './cli/user.ts';
import { digestCommand } from './cli/digest.ts';
import { mailCommand } from './cli/mail.ts';

const commands: Command[] = [
  serveCommand,
  migrateCommand,
  importCommand,
  statsCommand,
  configCommand,
  harvestCommand,
  statusCommand,
  indexCommand,
  evalCommand,
  userCommand,
  digestCommand,
  mailCommand,
];

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length));
  return [
    'usage: paperfeed <command> [options]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run `paperfeed <command> --help` for a command's options. Configuration comes from the environment: see `paperfeed config`.",
  ].join('\n');
}

export async function main(argv: string[], io: Partial<CommandIO> = {}): Promise<number> {
  const fullIO: CommandIO = {
    stdout: io.stdout ?? process.stdout,
    stderr: io.stderr ?? process.stderr,
    env: io.env ?? process.env,
    config: io.config ?? (() => loadConfig(io.env ?? process.env)),
  };
  const [name, ...args] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    fullIO.stdout.write(help() + '\n');
    return name ? 0 : 2;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    fullIO.stderr.write(`paperfeed: unknown command "${name}"\n\n${help()}\n`);
    return 2;
  }
  if (args.includes('--help') || args.includes('-h')) {
    fullIO.stdout.write(`usage: ${command.usage}\n\n${command.summary}\n`);
    return 0;
  }
  try {
    return await command.run(args, fullIO);
  } catch (e) {
    return reportFailure(e, command, fullIO);
  }
}

function reportFailure(e: unknown, command: Command, io: CommandIO): number {
  const err = e as Error & { code?: string };
  if (err instanceof UsageError || err?.code?.startsWith?.('ERR_PARSE_ARGS')) {
    io.stderr.write(`paperfeed ${command.name}: ${err.message}\nusage: ${command.usage}\n`);
    return 2;
  }
  if (err instanceof ConfigError || err instanceof SchemaOutdatedError || err instanceof AppError) {
    io.stderr.write(`paperfeed ${command.name}: ${err.message}\n`);
    return err instanceof ConfigError ? 78 : 1;
  }
  io.stderr.write(`paperfeed ${command.name}: ${err?.stack ?? String(e)}\n`);
  return 1;
}
