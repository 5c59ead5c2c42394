// What every CLI command looks like. main.ts holds the table of them.
import type { Config } from '../config.ts';

export interface CommandIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream & { isTTY?: boolean };
  env: NodeJS.ProcessEnv;
  /** Loads and validates configuration; throws ConfigError with the variable's name. */
  config(): Config;
}

export interface Command {
  name: string;
  summary: string;
  usage: string;
  /** Returns the process exit code. Throws AppError/ConfigError for a message and exit code 1 or 2. */
  run(args: string[], io: CommandIO): Promise<number>;
}

/** A usage mistake: printed with the command's usage, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}
