// Sends the digests that are due, exactly once per subscriber and period, across crashes and restarts.
//
// Every digest is a row in digest_deliveries keyed by (subscription, period), inserted before anything is sent.
// A runner claims rows (pending → sending, compare-and-set, so two runners never send one row), streams each
// message, and holds back the end-of-data marker that makes the server accept it. Immediately before the marker
// (same tick), it appends the hand-off to a local journal with a synchronous write (src/mail/handoff-journal.ts);
// after the server's 250 the row becomes 'sent'. After a crash (SIGKILL, power cut of the process) at any instant:
//   - no journal line → the marker never left, the server discarded the partial message: the next run resends;
//   - journal line    → the marker was being written: the next run records 'handed_off' and never resends.
// The only uncertain moment is between the journal write() returning and the marker's write() in the same tick:
// microseconds with no I/O or other work in between; a crash there loses that digest (at-most-once). Everything
// else is exactly-once. The deterministic Message-ID (<digest.SUBSCRIPTION.PERIOD@host>) lets receivers drop a
// copy in any case. docs/digests.md has the full table, including a host lost for good (at-least-once).
import path from 'node:path';
import type { Config } from '../config.ts';
import {
  claimDeliveries,
  deliveriesByKeys,
  deliveryKey,
  dueDeliveries,
  expireUnconfirmed,
  listActiveSubscribers,
  markFailed,
  markHandedOffUnconfirmed,
  markRetry,
  markSentMany,
  markSkipped,
  nextPendingAttempt,
  planDeliveries,
  recordBounce,
  recordHandOff,
  forYouReaders,
  sendingHolders,
  subscriptionsByIds,
  type Delivery,
  type PlannedDelivery,
  type SentRecord,
  type Subscription,
} from '../db/subscriptions.ts';
import { awaitingRetry } from '../db/retries.ts';
import type { Services } from '../services.ts';
import { loadPeriodPapers, type DigestPaper } from './digest-content.ts';
import { forYouPicks, type ForYouPick, type PersonalRecommender } from './for-you.ts';
import { HandOffJournal } from './handoff-journal.ts';
import { deadLocalHolders, runnerId } from './local-holders.ts';
import { mailLinks, mailLinkSigner } from './links.ts';
import type { Frequency, Preferences } from './preferences.ts';
import { renderDigest, type RenderedMail } from './render.ts';
import { duePeriod, periodForDate, periodFromKey, type DigestPeriod } from './schedule.ts';
import { selectDigest } from './select.ts';
import { TopicIndex } from './topics.ts';
import { MailDeliveryError, messageIdHost, type MailTransport, type OutgoingMail } from './transport.ts';

/**
 * What a digest run uses: its settings (DIGEST_*), BASE_URL, the data dir and the secret come from the configuration;
 * the recommendations fill the "For you" sections of those who asked for one.
 */
export type DigestRunServices = Pick<Services, 'config' | 'database' | 'mail' | 'logger' | 'clock' | 'search'> & { recommendations: PersonalRecommender };

interface DigestRunSettings {
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

function digestSettings(config: Config): DigestRunSettings {
  return {
    concurrency: config.DIGEST_CONCURRENCY,
    leaseMs: config.DIGEST_LEASE_MS,
    retryBaseMs: config.DIGEST_RETRY_BASE_MS,
    maxAttempts: config.DIGEST_MAX_ATTEMPTS,
    maxWaitMs: config.DIGEST_RUN_MAX_WAIT_MS,
    bounceLimit: config.DIGEST_BOUNCE_LIMIT,
  };
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
  /** Digests not sent because nothing in the period was for them: an empty mail is never sent (the row says why). */
  empty: number;
  /** Rows found 'sending' under a dead runner and sent again (their message never completed). */
  recovered: number;
  /** Hand-offs found in dead runners' journals and recorded, so those digests are not sent again. */
  journaled: number;
  /** Digests (of any period) still waiting for a retry when the run returned. */
  waiting: number;
  /** Milliseconds spent planning (listing due subscribers, inserting delivery rows) and sending. */
  planMs: number;
  sendMs: number;
  dryRun: DryRunItem[];
  /** How the mail left: 'smtp' or 'outbox'. */
  transport: MailTransport['kind'];
}

interface PeriodContent {
  period: DigestPeriod;
  trending: DigestPaper[];
  index: TopicIndex;
}

export function digestMessageId(subscriptionId: string, periodKey: string, host: string): string {
  return `<digest.${subscriptionId}.${periodKey}@${host}>`;
}

/**
 * Composes a subscriber's digest for a period: selection, both parts and the list headers. `forYou`: the reader's
 * picks among the period's papers (forYouPicks), for a subscription with a "For you" section.
 */
export function composeDigest(
  content: PeriodContent,
  subscription: Pick<Subscription, 'id' | 'email' | 'linkKey'> & { preferences: Preferences },
  links: ReturnType<typeof mailLinks>,
  baseUrl: string,
  host: string,
  forYou: readonly ForYouPick[] = [],
): { mail: OutgoingMail; rendered: RenderedMail; paperIds: string[] } {
  const sections = selectDigest(content.trending, content.index, subscription.preferences, forYou);
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

/** Sends the digests due now (or those of `request.date`); `paperfeed digest` and the scheduler's digest job call it. */
export async function runDigests(ctx: DigestRunServices, request: DigestRunRequest = {}): Promise<DigestRunSummary> {
  const settings = digestSettings(ctx.config);
  const now = ctx.clock;
  const baseUrl = ctx.config.baseUrl;
  const journalDir = path.join(ctx.config.dataDir, 'digest-journal');
  const host = messageIdHost(baseUrl);
  const links = mailLinks(baseUrl, await mailLinkSigner(ctx.config, ctx.database));
  const summary: DigestRunSummary = {
    planned: 0,
    sent: 0,
    unconfirmed: 0,
    retried: 0,
    failed: 0,
    bounced: 0,
    disabled: 0,
    skipped: 0,
    empty: 0,
    recovered: 0,
    journaled: 0,
    waiting: 0,
    planMs: 0,
    sendMs: 0,
    dryRun: [],
    transport: ctx.mail.kind,
  };
  const contents = new Map<string, Promise<PeriodContent>>();
  const contentFor = (period: DigestPeriod) => {
    const key = `${period.frequency}/${period.key}`;
    let c = contents.get(key);
    if (!c) {
      c = loadPeriodPapers(ctx.database, period).then(async (trending) => {
        const index = new TopicIndex(trending, ctx.search);
        // Every interest of this run's subscribers in one search; a subscriber outside them is prepared on delivery.
        await index.prepare(subscribers.flatMap((s) => s.preferences.interests));
        return { period, trending, index };
      });
      contents.set(key, c);
    }
    return c;
  };

  const started = performance.now();
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
    const existing = await deliveriesByKeys(
      ctx.database,
      planned.map((p) => deliveryKey(p.subscriptionId, p.periodKey)),
    );
    const subs = await subscriptionsByIds(
      ctx.database,
      planned.map((p) => p.subscriptionId),
    );
    const readers = await forYouReaders(
      ctx.database,
      planned.map((p) => p.subscriptionId),
    );
    for (const p of planned) {
      const sub = subs.get(p.subscriptionId)!;
      const content = await contentFor(p.period);
      await content.index.prepare(sub.preferences.interests);
      const forYou = await picksFor(readers.get(sub.id), content);
      const { rendered, paperIds } = composeDigest(content, sub, links, baseUrl, host, forYou);
      const row = existing.get(deliveryKey(p.subscriptionId, p.periodKey));
      summary.dryRun.push({
        email: sub.email,
        period: p.periodKey,
        subject: rendered.subject,
        paperIds,
        state: row ? `already ${row.status}` : paperIds.length ? 'would send' : `would skip: ${NOTHING_TO_SEND}`,
      });
    }
    return summary;
  }
  summary.planned = await planDeliveries(ctx.database, planned, now());
  summary.planMs = Math.round(performance.now() - started);
  const sendStarted = performance.now();

  // 2. Send everything due, including retries and rows a dead runner left behind. First, hand-offs that dead
  // runners on this host journaled but did not get into the database: those digests must never go out again.
  const holder = runnerId();
  const journal = new HandOffJournal(journalDir, holder);
  for (const other of HandOffJournal.others(journalDir, holder)) {
    if (!deadLocalHolders([other.holder], holder, true).length) continue;
    for (const e of other.entries) if (await recordHandOff(ctx.database, e.key, other.holder, e.attempt, now())) summary.journaled++;
    other.discard();
  }
  let journalNeeded = false;
  // Acceptances are written in small batches, off the hand-off path: the journal line already guarantees the
  // digest is never sent again, so 'sent' only adds the server's reply.
  let sentQueue: SentRecord[] = [];
  let flushing: Promise<void> = Promise.resolve();
  function recordSent(record: SentRecord): void {
    sentQueue.push(record);
    if (sentQueue.length >= 50) void flushSent();
  }
  function flushSent(): Promise<void> {
    const batch = sentQueue;
    sentQueue = [];
    flushing = flushing
      .then(() => markSentMany(ctx.database, holder, batch))
      .catch((e) => {
        // Those rows stay 'sending': the journal is kept so that the next runner records them as handed off.
        journalNeeded = true;
        ctx.logger.error({ err: (e as Error).message, count: batch.length }, 'could not record accepted digests');
      });
    return flushing;
  }

  const deadline = now().getTime() + settings.maxWaitMs;
  for (;;) {
    const dead = deadLocalHolders(await sendingHolders(ctx.database), holder, true);
    const due = await dueDeliveries(ctx.database, now(), CLAIM_BATCH, dead);
    if (!due.length) {
      const next = await nextPendingAttempt(ctx.database);
      if (!next) break;
      const wait = Date.parse(next) - now().getTime();
      if (now().getTime() + Math.max(0, wait) > deadline) break;
      // Rows 'sending' under another live runner are left to it.
      await sleep(Math.min(Math.max(wait, 50), 1000));
      continue;
    }
    const wasSending = new Set(due.filter((d) => d.status === 'sending').map((d) => d.idempotency_key));
    const claimed = await claimDeliveries(
      ctx.database,
      due.map((d) => d.idempotency_key),
      holder,
      now(),
      settings.leaseMs,
      dead,
    );
    summary.recovered += claimed.filter((d) => wasSending.has(d.idempotency_key)).length;
    const subs = await subscriptionsByIds(
      ctx.database,
      claimed.map((d) => d.subscription_id),
    );
    const readers = await forYouReaders(
      ctx.database,
      claimed.map((d) => d.subscription_id),
    );
    let cursor = 0;
    const worker = async () => {
      while (cursor < claimed.length) {
        const row = claimed[cursor++];
        await deliver(row, subs.get(row.subscription_id), readers.get(row.subscription_id));
      }
    };
    await Promise.all(Array.from({ length: Math.min(settings.concurrency, claimed.length) }, worker));
    await flushSent();
  }
  await flushSent();
  if (!journalNeeded) journal.close();
  summary.waiting = await awaitingRetry(ctx.database, 'digest_deliveries');
  summary.sendMs = Math.round(performance.now() - sendStarted);
  return summary;

  /** The "For you" picks of the reader (an account id from forYouReaders), none for a subscription without one. */
  async function picksFor(reader: string | undefined, content: PeriodContent): Promise<ForYouPick[]> {
    return reader ? forYouPicks(ctx, reader, content.trending) : [];
  }

  /** `reader`: the account whose "For you" section this subscription carries, if any. */
  async function deliver(row: Delivery, sub: Subscription | undefined, reader: string | undefined): Promise<void> {
    const key = row.idempotency_key;
    if (!sub || sub.status !== 'active') {
      await markSkipped(ctx.database, key, holder, sub ? `subscription ${sub.status}` : 'subscription deleted');
      summary.skipped++;
      return;
    }
    const attempts = Number(row.attempts);
    try {
      const content = await contentFor(periodFromKey(row.frequency as Frequency, row.period_key));
      await content.index.prepare(sub.preferences.interests);
      const { mail, paperIds } = composeDigest(content, sub, links, baseUrl, host, await picksFor(reader, content));
      if (!paperIds.length) {
        await markSkipped(ctx.database, key, holder, NOTHING_TO_SEND);
        summary.empty++;
        return;
      }
      mail.messageId = row.message_id;
      const result = await ctx.mail.send(mail, { onHandOff: () => journal.record({ key, attempt: attempts }) });
      // A delivered digest shows the address works again: bounces are counted consecutively.
      recordSent({ key, sentAt: now(), response: result.response, paperCount: paperIds.length, clearBouncesOf: sub.bounceCount > 0 ? sub.id : null });
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
      await markHandedOffUnconfirmed(ctx.database, key, holder, now(), message);
      summary.unconfirmed++;
      ctx.logger.warn({ key, err: message }, 'digest handed off but not confirmed by the server');
      return;
    }
    if (err && !err.temporary && err.bounce) {
      await markFailed(ctx.database, key, holder, message);
      const { disabled } = await recordBounce(ctx.database, sub.id, settings.bounceLimit, now());
      summary.failed++;
      summary.bounced++;
      if (disabled) summary.disabled++;
      ctx.logger.warn({ key, code: err.responseCode, disabled }, 'digest bounced');
      return;
    }
    if (attempts >= settings.maxAttempts) {
      await markFailed(ctx.database, key, holder, message);
      summary.failed++;
      ctx.logger.error({ key, attempts, err: message }, 'digest given up after repeated temporary failures');
      return;
    }
    // Temporary failures, server-side misconfiguration (authentication) and our own errors: try again later.
    const delay = Math.min(settings.retryBaseMs * 2 ** (attempts - 1), 3_600_000) * (0.8 + Math.random() * 0.4);
    await markRetry(ctx.database, key, holder, new Date(now().getTime() + delay), message);
    summary.retried++;
    ctx.logger.info({ key, attempts, delayMs: Math.round(delay), err: message }, 'digest will be retried');
  }
}

/** Why a digest was not sent when its period had no papers for the subscriber (a weekend, a harvest gap). */
const NOTHING_TO_SEND = 'no papers in this period';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Deliveries claimed at once: enough to keep every connection busy, few enough that a crash strands little. */
const CLAIM_BATCH = 200;
