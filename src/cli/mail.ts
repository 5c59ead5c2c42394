// `paperfeed mail`: sends the queued sign-in links and confirmations that are due, for deployments that run
// jobs from cron (SCHEDULER=false). Several may run at once, also beside the servers: each message is claimed
// by one sender (src/mail/queue.ts).
import { parseArgs } from 'node:util';
import { createServices } from '../services.ts';
import type { Command } from './command.ts';

/** Exit status when some mail waits for a retry (EX_TEMPFAIL), as `paperfeed digest` does. */
const EXIT_RETRY_PENDING = 75;

export const mailCommand: Command = {
  name: 'mail',
  summary: 'send queued sign-in links and confirmation mail that is due (for cron; the scheduler does it inside serve)',
  usage: 'paperfeed mail',
  async run(args, io) {
    parseArgs({ args, options: {} }); // no options: anything given is a usage mistake
    const services = await createServices(io.config());
    try {
      const run = await services.mailQueue.drain();
      await services.mailQueue.prune();
      io.stdout.write(
        `queued mail via ${services.mail.kind}: sent ${run.sent}, retry later ${run.retried}, failed ${run.failed}, expired ${run.expired}; waiting for a retry ${run.waiting}\n`,
      );
      return run.waiting > 0 ? EXIT_RETRY_PENDING : 0;
    } finally {
      await services.close();
    }
  },
};
