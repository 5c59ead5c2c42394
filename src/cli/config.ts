import { redactedConfig } from '../config.ts';
import type { Command } from './command.ts';

export const configCommand: Command = {
  name: 'config',
  summary: 'print the effective configuration, secrets redacted',
  usage: 'paperfeed config',
  async run(_args, io) {
    io.stdout.write(JSON.stringify(redactedConfig(io.config()), null, 2) + '\n');
    return 0;
  },
};
