// Sends the digests that are due, exactly once per subscriber and period, across crashes and restarts.
//
// Every digest is a row in digest_deliveries keyed by (subscription, period), inserted before anything is sent.
// A runner moves a row through
//
//   pending ──claim──▶ sending ──body streamed, marker held──▶ handed_off ──250 reply──▶ sent
//      ▲                  │                                        │
//      └──── 4xx/5xx reply or connection lost before hand-off ─────┘ (a reply after hand-off also returns it)
//
// and every move is a compare-and-set, so two runners never send one row. The "handed_off" write happens after
// the whole message is on the connection and BEFORE the end-of-data marker is released (src/mail/smtp-pool.ts).
// Hence after a crash (SIGKILL, power loss) at any instant:
//   - row 'sending'    → the marker never left, the server discarded the partial message: resend (safe);
//   - row 'handed_off' → the server has it, or will, unless the crash fell between the hand-off commit and
//                        the marker's write a few microseconds later: never resent.
// So delivery is exactly-once except for that microsecond window, where it is at-most-once (docs/digests.md).
// The deterministic Message-ID (<digest.SUBSCRIPTION.PERIOD@host>) lets receivers drop a copy in any case.
import os from 'node:os';
import type { Database } from '../db/connect.ts';
import {
  claimDelivery,
  clearBounces,
  deliveriesByKeys,
  deliveryKey,
  deliveryStatusCounts,
  dueDeliveries,
  expireUnconfirmed,
  listActiveSubscribers,
  markFailed,
  markHandedOff,
  markHandedOffUnconfirmed,
  markRetry,
  markSent,
  markSkipped,
  nextPendingAttempt,
  planDeliveries,
  recordBounce,
  sendingHolders,
  subscriptionsByIds,
  type Delivery,
  type PlannedDelivery,
  type Subscription,
} from '../db/subscriptions.ts';
import type { Logger } from '../log.ts';
import { loadPeriodPapers, type DigestPaper } from './digest-content.ts';
import type { LinkSigner } from './links.ts';
import { mailLinks } from './links.ts';
import type { Frequency, Preferences } from './preferences.ts';
import { renderDigest, type RenderedMail } from './render.ts';
import { duePeriod, periodForDate, periodFromKey, type DigestPeriod } from './schedule.ts';
import { paperTotal, selectDigest } from './select.ts';
import { TopicIndex } from './topics.ts';
import { MailDeliveryError, messageIdHost, type MailTransport, type OutgoingMail } from './transport.ts';

export interface DigestRunSettings {
  /** Parallel sends (a little above the SMTP pool size keeps every connection busy). */
  concurrency: number;
  /** How long a claim protects a row from other runners; a crashed runner's rows are free after it. */
  leaseMs: number;
  /** First retry delay after a temporary failure; doubles per attempt, capped at an hour. */
  retryBaseMs: number;
  /** Attempts before a digest is given up as failed. */
  maxAttempts: number;
  /** How long this run waits for retries that come due before returning (later runs pick up the rest). */
  maxWaitMs: number;
  /** Consecutive permanent failures after which an address is disabled. */
  bounceLimit: number;
}

export const DEFAULT_RUN_SETTINGS: DigestRunSettings = {
  concurrency: 8,
  leaseMs: 5 * 60_000,
  retryBaseMs: 60_000,
  maxAttempts: 8,
  maxWaitMs: 2 * 60_000,
  bounceLimit: 3,
};

export interface DigestRunContext {
  database: Database;
  transport: MailTransport;
  baseUrl: string;
  signer: LinkSigner;
  logger?: Logger;
  settings?: Partial<DigestRunSettings>;
  now?: () => Date;
}

export interface DigestRunRequest {
  /** Send the digests of this local date, whatever the hour; without it, whatever is due now. */
  date?: string;
  frequency?: Frequency;
  dryRun?: boolean;
}

export interface DryRunItem {
  email: string;
  period: string;
  subject: string;
  paperIds: string[];
  state: 'would send' | string;
}

export interface DigestRunSummary {
  planned: number;
  sent: number;
  unconfirmed: number;
  retried: number;
  failed: number;
  bounced: number;
  disabled: number;
  skipped: number;
  /** Rows found 'sending' under a dead runner and sent again (their message never completed). */
  recovered: number;
  /** Digests (of any period) still waiting for a retry when the run returned. */
  waiting: number;
  dryRun: DryRunItem[];
}

/** The runner's identity in claims: host, pid and start time, so a dead process on this host is recognisable. */
export function runnerId(): string {
  return `${os.hostname()}:${process.pid}:${Date.now()}`;
}

/** Holders that were processes on this host which no longer exist. */
function deadLocalHolders(holders: string[], self: string): string[] {
  const host = os.hostname();
  return holders.filter((h) => {
    if (h === self) return false;
    const [hHost, pid] = h.split(':');
    if (hHost !== host || !/^\d+$/.test(pid)) return false;
    if (Number(pid) === process.pid) return true; // an earlier runner of this same process that was abandoned
    try {
      process.kill(Number(pid), 0);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ESRCH';
    }
  });
}

interface PeriodContent {
  period: DigestPeriod;
  trending: DigestPaper[];
  index: TopicIndex;
}

export function digestMessageId(subscriptionId: string, periodKey: string, host: string): string {
  return `<digest.${subscriptionId}.${periodKey}@${host}>`;
}

/** Composes a subscriber's digest for a period: selection, both parts and the list headers. */
export function composeDigest(
  content: PeriodContent,
  subscription: Pick<Subscription, 'id' | 'email' | 'linkKey'> & { preferences: Preferences },
  links: ReturnType<typeof mailLinks>,
  baseUrl: string,
  host: string,
): { mail: OutgoingMail; rendered: RenderedMail; paperIds: string[] } {
  const sections = selectDigest(content.trending, content.index, subscription.preferences);
  const unsubscribe = links.unsubscribe(subscription.id, subscription.linkKey);
  const rendered = renderDigest(content.period, subscription.preferences, sections, {
    paper: (id) => `${baseUrl}/papers/${encodeURIComponent(id)}`,
    unsubscribe,
    manage: links.manage(subscription.id, subscription.linkKey),
    site: `${baseUrl}/`,
  });
  const freq = content.period.frequency;
  return {
    rendered,
    paperIds: sections.flatMap((s) => s.papers.map((p) => p.id)),
    mail: {
      to: subscription.email,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
      messageId: digestMessageId(subscription.id, content.period.key, host),
      headers: {
        'List-Id': `Paperfeed ${freq} digest <${freq}.digest.${host}>`,
        'List-Unsubscribe': `<${unsubscribe}>`,
        // RFC 8058: a mail provider's "Unsubscribe" button POSTs List-Unsubscribe=One-Click to the URL above.
        'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click',
        'Auto-Submitted': 'auto-generated',
      },
    },
  };
}

export async function runDigests(ctx: DigestRunContext, request: DigestRunRequest = {}): Promise<DigestRunSummary> {
  const settings = { ...DEFAULT_RUN_SETTINGS, ...ctx.settings };
  const now = ctx.now ?? (() => new Date());
  const host = messageIdHost(ctx.baseUrl);
  const links = mailLinks(ctx.baseUrl, ctx.signer);
  const summary: DigestRunSummary = { planned: 0, sent: 0, unconfirmed: 0, retried: 0, failed: 0, bounced: 0, disabled: 0, skipped: 0, recovered: 0, waiting: 0, dryRun: [] };
  const contents = new Map<string, Promise<PeriodContent>>();
  const contentFor = (period: DigestPeriod) => {
    const key = `${period.frequency}/${period.key}`;
    let c = contents.get(key);
    if (!c) {
      c = loadPeriodPapers(ctx.database, period).then((trending) => ({ period, trending, index: new TopicIndex(trending) }));
      contents.set(key, c);
    }
    return c;
  };

  if (!request.dryRun) await expireUnconfirmed(ctx.database, now());

  // 1. Plan: one row per due (subscriber, period), written before anything is sent.
  const subscribers = await listActiveSubscribers(ctx.database, request.frequency);
  const planned: (PlannedDelivery & { period: DigestPeriod })[] = [];
  for (const s of subscribers) {
    const period = request.date ? periodForDate(s.preferences.frequency, request.date) : duePeriod(s.preferences, now());
    if (!period) continue;
    planned.push({ subscriptionId: s.id, periodKey: period.key, frequency: period.frequency, messageId: digestMessageId(s.id, period.key, host), period });
  }
  if (request.dryRun) {
    const existing = await deliveriesByKeys(ctx.database, planned.map((p) => deliveryKey(p.subscriptionId, p.periodKey)));
    const subs = await subscriptionsByIds(ctx.database, planned.map((p) => p.subscriptionId));
    for (const p of planned) {
      const sub = subs.get(p.subscriptionId)!;
      const { rendered, paperIds } = composeDigest(await contentFor(p.period), sub, links, ctx.baseUrl, host);
      const row = existing.get(deliveryKey(p.subscriptionId, p.periodKey));
      summary.dryRun.push({ email: sub.email, period: p.periodKey, subject: rendered.subject, paperIds, state: row ? `already ${row.status}` : 'would send' });
    }
    return summary;
  }
  summary.planned = await planDeliveries(ctx.database, planned, now());

  // 2. Send everything due, including retries and rows a dead runner left behind.
  const holder = runnerId();
  const deadline = now().getTime() + settings.maxWaitMs;
  for (;;) {
    const dead = deadLocalHolders(await sendingHolders(ctx.database), holder);
    const due = await dueDeliveries(ctx.database, now(), 1000, dead);
    if (!due.length) {
      const next = await nextPendingAttempt(ctx.database);
      if (!next) break;
      const wait = Date.parse(next) - now().getTime();
      if (now().getTime() + Math.max(0, wait) > deadline) break;
      // Rows 'sending' under another live runner are left to it.
      await sleep(Math.min(Math.max(wait, 50), 1000));
      continue;
    }
    const subs = await subscriptionsByIds(ctx.database, due.map((d) => d.subscription_id));
    let cursor = 0;
    const worker = async () => {
      while (cursor < due.length) {
        const row = due[cursor++];
        await deliver(row, subs.get(row.subscription_id));
      }
    };
    await Promise.all(Array.from({ length: Math.min(settings.concurrency, due.length) }, worker));
  }
  summary.waiting = (await deliveryStatusCounts(ctx.database)).pending ?? 0;
  return summary;

  async function deliver(row: Delivery, sub: Subscription | undefined): Promise<void> {
    if (!(await claimDelivery(ctx.database, row, holder, now(), settings.leaseMs))) return;
    const key = row.idempotency_key;
    if (row.status === 'sending') summary.recovered++;
    if (!sub || sub.status !== 'active') {
      await markSkipped(ctx.database, key, holder, sub ? `subscription ${sub.status}` : 'subscription deleted');
      summary.skipped++;
      return;
    }
    const attempts = Number(row.attempts) + 1;
    try {
      const content = await contentFor(periodFromKey(row.frequency as Frequency, row.period_key));
      const { mail, paperIds } = composeDigest(content, sub, links, ctx.baseUrl, host);
      mail.messageId = row.message_id;
      const result = await ctx.transport.send(mail, {
        onHandOff: async () => {
          if (!(await markHandedOff(ctx.database, key, holder, now()))) throw new Error('lost the claim on this delivery');
        },
      });
      await markSent(ctx.database, key, holder, now(), result.response, paperIds.length);
      await clearBounces(ctx.database, sub.id);
      summary.sent++;
    } catch (e) {
      await recordFailure(key, sub, attempts, e);
    }
  }

  async function recordFailure(key: string, sub: Subscription, attempts: number, e: unknown): Promise<void> {
    const err = e instanceof MailDeliveryError ? e : null;
    const message = (e as Error)?.message ?? String(e);
    if (err?.handedOff && err.responseCode === null) {
      // The connection died after the message was complete: the server may well have it. Never resent.
      await markHandedOffUnconfirmed(ctx.database, key, holder, message);
      summary.unconfirmed++;
      ctx.logger?.warn({ key, err: message }, 'digest handed off but not confirmed by the server');
      return;
    }
    if (err && !err.temporary && err.bounce) {
      await markFailed(ctx.database, key, holder, message);
      const { disabled } = await recordBounce(ctx.database, sub.id, settings.bounceLimit, now());
      summary.failed++;
      summary.bounced++;
      if (disabled) summary.disabled++;
      ctx.logger?.warn({ key, code: err.responseCode, disabled }, 'digest bounced');
      return;
    }
    if (attempts >= settings.maxAttempts) {
      await markFailed(ctx.database, key, holder, message);
      summary.failed++;
      ctx.logger?.error({ key, attempts, err: message }, 'digest given up after repeated temporary failures');
      return;
    }
    // Temporary failures, server-side misconfiguration (authentication) and our own errors: try again later.
    const delay = Math.min(settings.retryBaseMs * 2 ** (attempts - 1), 3_600_000) * (0.8 + Math.random() * 0.4);
    await markRetry(ctx.database, key, holder, new Date(now().getTime() + delay), message);
    summary.retried++;
    ctx.logger?.info({ key, attempts, delayMs: Math.round(delay), err: message }, 'digest will be retried');
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
