import { parseArgs } from 'node:util';
import { parseDay } from '../domain/periods.ts';
import { runDigests } from '../mail/digest-runner.ts';
import { createServices } from '../services.ts';
import { UsageError, type Command } from './command.ts';

/** Exit status when some digests wait for a retry (EX_TEMPFAIL), so cron can tell "all done" from "try later". */
const EXIT_RETRY_PENDING = 75;

export const digestCommand: Command = {
  name: 'digest',
  summary: 'send the email digests that are due (each subscriber once per period)',
  usage: 'paperfeed digest [--dry-run] [--date YYYY-MM-DD] [--frequency daily|weekly]',
  async run(args, io) {
    const { values } = parseArgs({
      args,
      options: {
        'dry-run': { type: 'boolean', default: false },
        date: { type: 'string' },
        frequency: { type: 'string' },
      },
    });
    if (values.date !== undefined) {
      try {
        parseDay(values.date);
      } catch (e) {
        throw new UsageError(`--date: ${(e as Error).message}`);
      }
    }
    if (values.frequency !== undefined && values.frequency !== 'daily' && values.frequency !== 'weekly') {
      throw new UsageError('--frequency must be daily or weekly');
    }
    const services = await createServices(io.config());
    try {
      const s = await runDigests(services, { date: values.date, frequency: values.frequency as 'daily' | 'weekly' | undefined, dryRun: values['dry-run'] });
      if (values['dry-run']) {
        for (const item of s.dryRun) {
          io.stdout.write(`${item.state}\t${item.period}\t${item.email}\t${item.subject}\t${item.paperIds.length} papers: ${item.paperIds.join(' ')}\n`);
        }
        io.stdout.write(
          `dry run: ${s.dryRun.filter((i) => i.state === 'would send').length} digests would be sent (${s.transport}); nothing was sent or recorded\n`,
        );
        return 0;
      }
      io.stdout.write(
        `digests via ${s.transport}: planned ${s.planned}, sent ${s.sent}, retry later ${s.retried}, failed ${s.failed} ` +
          `(bounced ${s.bounced}, addresses disabled ${s.disabled}), skipped ${s.skipped}, not sent for want of papers ${s.empty}, unconfirmed ${s.unconfirmed}, recovered after a crash ${s.recovered} (hand-offs from journals ${s.journaled}); waiting for a retry ${s.waiting}\n`,
      );
      return s.waiting > 0 ? EXIT_RETRY_PENDING : 0;
    } finally {
      await services.close();
    }
  },
};
