// One digest run with everything taken from the configuration: what `paperfeed digest` and the server's
// scheduler both call.
import path from 'node:path';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import type { Logger } from '../log.ts';
import { getSearchService } from '../search/service.ts';
import { runDigests, type DigestRunRequest, type DigestRunSettings, type DigestRunSummary } from './digest-runner.ts';
import { mailLinkSigner } from './links.ts';
import { createMailTransport } from './transport.ts';

export function digestSettings(config: Config): DigestRunSettings {
  return {
    concurrency: config.DIGEST_CONCURRENCY,
    leaseMs: config.DIGEST_LEASE_MS,
    retryBaseMs: config.DIGEST_RETRY_BASE_MS,
    maxAttempts: config.DIGEST_MAX_ATTEMPTS,
    maxWaitMs: config.DIGEST_RUN_MAX_WAIT_MS,
    bounceLimit: config.DIGEST_BOUNCE_LIMIT,
  };
}

export async function runConfiguredDigests(
  config: Config,
  database: Database,
  request: DigestRunRequest,
  logger?: Logger,
): Promise<DigestRunSummary & { transport: 'smtp' | 'outbox' }> {
  const transport = createMailTransport(config);
  try {
    const signer = await mailLinkSigner(config, database);
    const journalDir = path.join(config.dataDir, 'digest-journal');
    // Interests are ranked lexically: a process that only sends digests needs no embedder.
    const search = getSearchService({ config, database, logger }, { embedder: 'none' });
    const summary = await runDigests({ database, transport, journalDir, baseUrl: config.baseUrl, signer, search, logger, settings: digestSettings(config) }, request);
    return { ...summary, transport: transport.kind };
  } finally {
    await transport.close();
  }
}

/** The scheduler's digest job (src/jobs/schedule.ts): whatever is due now, counts for the run history. */
export async function runDigestJob(ctx: { config: Config; database: Database; logger: Logger }): Promise<Record<string, number>> {
  const s = await runConfiguredDigests(ctx.config, ctx.database, {}, ctx.logger);
  return {
    planned: s.planned,
    sent: s.sent,
    retried: s.retried,
    failed: s.failed,
    bounced: s.bounced,
    disabled: s.disabled,
    skipped: s.skipped,
    unconfirmed: s.unconfirmed,
    recovered: s.recovered,
    journaled: s.journaled,
    waiting: s.waiting,
  };
}
