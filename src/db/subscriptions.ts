// The subscriptions aggregate: double opt-in sign-ups and the per-(subscriber, period) delivery records
// that make digest sending idempotent. Every state change is a compare-and-set UPDATE (WHERE the row is
// still in the state we read), so two processes — a cron run and the server's scheduler — never both win.
import crypto from 'node:crypto';
import { sql, type Selectable } from 'kysely';
import type { Preferences } from '../domain/preferences.ts';
import type { Database } from './connect.ts';
import type { DigestDeliveriesTable, SubscriptionsTable } from './schema.ts';

export type SubscriptionStatus = 'pending' | 'active' | 'unsubscribed' | 'disabled';

export interface Subscription {
  id: string;
  email: string;
  userId: string | null;
  status: SubscriptionStatus;
  preferences: Preferences;
  pendingPreferences: Preferences | null;
  confirmNonce: string | null;
  confirmExpiresAt: string | null;
  linkKey: string;
  bounceCount: number;
  createdAt: string;
  confirmedAt: string | null;
  /** The owner asked for a "For you" section (see forYouReaders for whose). */
  forYou: boolean;
}

type SubscriptionRow = Selectable<SubscriptionsTable>;

function rowToSubscription(r: SubscriptionRow): Subscription {
  return {
    id: r.id,
    email: r.email,
    userId: r.user_id,
    status: r.status as SubscriptionStatus,
    preferences: {
      frequency: r.frequency as Preferences['frequency'],
      categories: JSON.parse(r.categories),
      interests: JSON.parse(r.interests),
      paperCount: Number(r.paper_count),
      timeZone: r.time_zone,
      sendHour: Number(r.send_hour),
    },
    pendingPreferences: r.pending_preferences ? JSON.parse(r.pending_preferences) : null,
    confirmNonce: r.confirm_nonce,
    confirmExpiresAt: r.confirm_expires_at,
    linkKey: r.link_key,
    bounceCount: Number(r.bounce_count),
    createdAt: r.created_at,
    confirmedAt: r.confirmed_at,
    forYou: Number(r.for_you) === 1,
  };
}

function preferenceColumns(p: Preferences) {
  return {
    frequency: p.frequency,
    categories: JSON.stringify(p.categories),
    interests: JSON.stringify(p.interests),
    paper_count: p.paperCount,
    time_zone: p.timeZone,
    send_hour: p.sendHour,
  };
}

const randomId = (bytes: number) => crypto.randomBytes(bytes).toString('hex');

export async function getSubscription(database: Database, id: string): Promise<Subscription | null> {
  const row = await database.db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  return row ? rowToSubscription(row) : null;
}

export async function getSubscriptionByEmail(database: Database, email: string): Promise<Subscription | null> {
  const row = await database.db.selectFrom('subscriptions').selectAll().where('email_key', '=', email.toLowerCase()).executeTakeFirst();
  return row ? rowToSubscription(row) : null;
}

export interface SignUpRequest {
  email: string;
  preferences: Preferences;
  userId?: string | null;
  now: Date;
  /** How long a confirmation link stays valid. */
  confirmTtlMs: number;
  /** At most one confirmation mail per address within this window. */
  mailWindowMs: number;
}

export interface SignUpOutcome {
  subscription: Subscription;
  /** True when the caller should mail a confirmation now; false inside the per-address window. */
  sendConfirmation: boolean;
  /** 'subscribe' for a new or lapsed address, 'change' for an active one asking for new preferences. */
  kind: 'subscribe' | 'change';
}

/**
 * Records a sign-up without trusting it. A new (or unsubscribed) address gets a pending subscription; an
 * active address keeps its current preferences and gets the new ones parked until the owner confirms, so
 * nobody can change or restart someone else's digest by typing their address.
 *
 * What a confirmation link confirms is fixed when its mail goes out: the preferences (or parked change) and a
 * fresh nonce are written together with the claim of the per-address mail window, in one compare-and-set. A sign-up
 * inside the window changes nothing (no mail is due, so nobody could confirm it), and a later one replaces both, so
 * the earlier link stops working instead of confirming someone else's choices.
 */
export async function requestSubscription(database: Database, req: SignUpRequest): Promise<SignUpOutcome> {
  const nowIso = req.now.toISOString();
  const emailKey = req.email.toLowerCase();
  const expires = new Date(req.now.getTime() + req.confirmTtlMs).toISOString();
  await database.db
    .insertInto('subscriptions')
    .values({
      id: randomId(8),
      email: req.email,
      email_key: emailKey,
      user_id: req.userId ?? null,
      status: 'pending',
      ...preferenceColumns(req.preferences),
      pending_preferences: null,
      confirm_nonce: null,
      confirm_expires_at: null,
      confirm_sent_at: null,
      link_key: randomId(16),
      last_bounce_at: null,
      created_at: nowIso,
      confirmed_at: null,
      unsubscribed_at: null,
      updated_at: nowIso,
    })
    .onConflict((oc) => oc.column('email_key').doNothing())
    .execute();
  const current = await database.db.selectFrom('subscriptions').selectAll().where('email_key', '=', emailKey).executeTakeFirstOrThrow();
  const kind: SignUpOutcome['kind'] = current.status === 'active' ? 'change' : 'subscribe';
  const update =
    kind === 'change'
      ? { pending_preferences: JSON.stringify(req.preferences) }
      : { ...preferenceColumns(req.preferences), status: 'pending', pending_preferences: null, user_id: req.userId ?? current.user_id };
  const windowStart = new Date(req.now.getTime() - req.mailWindowMs).toISOString();
  const claimed = await database.db
    .updateTable('subscriptions')
    .set({ ...update, confirm_nonce: randomId(16), confirm_expires_at: expires, confirm_sent_at: nowIso, updated_at: nowIso })
    .where('id', '=', current.id)
    // The status read above still holds: an activation in between must not be overwritten by a 'subscribe' update.
    .where('status', '=', current.status)
    .where((eb) => eb.or([eb('confirm_sent_at', 'is', null), eb('confirm_sent_at', '<=', windowStart)]))
    .executeTakeFirst();
  const subscription = (await getSubscription(database, current.id))!;
  return { subscription, sendConfirmation: Number(claimed.numUpdatedRows) === 1, kind };
}

export type ConfirmOutcome = 'confirmed' | 'changed' | 'invalid';

/**
 * Uses a confirmation nonce once: activates a pending subscription or applies parked preferences. The
 * UPDATE matches the nonce, so a second click (or a race of two) finds nothing to do.
 */
export async function confirmSubscription(database: Database, id: string, nonce: string, now: Date): Promise<ConfirmOutcome> {
  const nowIso = now.toISOString();
  return database.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('subscriptions')
      .selectAll()
      .where('id', '=', id)
      .where('confirm_nonce', '=', nonce)
      .where('confirm_expires_at', '>', nowIso)
      .executeTakeFirst();
    if (!row) return 'invalid';
    const parked = row.pending_preferences ? (JSON.parse(row.pending_preferences) as Preferences) : null;
    const result = await trx
      .updateTable('subscriptions')
      .set({
        ...(parked ? preferenceColumns(parked) : {}),
        status: 'active',
        pending_preferences: null,
        confirm_nonce: null,
        confirm_expires_at: null,
        // A confirmed address may sign up for changes again straight away.
        confirm_sent_at: null,
        bounce_count: 0,
        confirmed_at: row.confirmed_at && row.status === 'active' ? row.confirmed_at : nowIso,
        unsubscribed_at: null,
        updated_at: nowIso,
      })
      .where('id', '=', id)
      .where('confirm_nonce', '=', nonce)
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) !== 1) return 'invalid';
    return row.status === 'active' && parked ? 'changed' : 'confirmed';
  });
}

/** Stops digests for good (until a new confirmed sign-up). Idempotent. */
export async function unsubscribe(database: Database, id: string, now: Date): Promise<boolean> {
  const result = await database.db
    .updateTable('subscriptions')
    .set({ status: 'unsubscribed', unsubscribed_at: now.toISOString(), pending_preferences: null, confirm_nonce: null, updated_at: now.toISOString() })
    .where('id', '=', id)
    .where('status', 'in', ['active', 'pending', 'disabled'])
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/** Changes preferences through the signed manage link (the link proves control of the address). */
export async function updatePreferences(database: Database, id: string, preferences: Preferences, now: Date): Promise<void> {
  await database.db
    .updateTable('subscriptions')
    .set({ ...preferenceColumns(preferences), pending_preferences: null, updated_at: now.toISOString() })
    .where('id', '=', id)
    .execute();
}

/**
 * Turns the "For you" section on or off for the subscription of this account's address, and records the account
 * as its reader. The account's address was proven when it signed up and the subscription's by its double opt-in,
 * so the two are one person. False when the address has no subscription (or only an unsubscribed one).
 */
export async function setForYou(database: Database, account: { id: string; email: string }, on: boolean, now: Date): Promise<boolean> {
  const result = await database.db
    .updateTable('subscriptions')
    .set({ for_you: on ? 1 : 0, user_id: account.id, updated_at: now.toISOString() })
    .where('email_key', '=', account.email.toLowerCase())
    .where('status', '!=', 'unsubscribed')
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Whose "For you" section each of these subscriptions carries: subscription id → account id, for those with the
 * section on whose account still has the subscription's address. A subscription whose recorded account has
 * another address (or none any more) gets no section, so one person's recommendations never reach another's inbox.
 */
export async function forYouReaders(database: Database, subscriptionIds: string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const unique = [...new Set(subscriptionIds)];
  for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) {
    const rows = await database.db
      .selectFrom('subscriptions as s')
      .innerJoin('users as u', (join) => join.onRef('u.id', '=', 's.user_id').onRef('u.email', '=', 's.email_key'))
      .select(['s.id as subscriptionId', 'u.id as userId'])
      .where('s.id', 'in', unique.slice(i, i + ROWS_PER_STATEMENT))
      .where('s.for_you', '=', 1)
      .execute();
    for (const r of rows) out.set(r.subscriptionId, r.userId);
  }
  return out;
}

/**
 * Forgets sign-ups nobody confirmed in time (their address was never proven, so nothing is kept), and drops
 * parked preference changes of active subscriptions that were not confirmed.
 */
export async function expireUnconfirmed(database: Database, now: Date): Promise<{ removed: number; changesDropped: number }> {
  const nowIso = now.toISOString();
  const removed = await database.db
    .deleteFrom('subscriptions')
    .where('status', '=', 'pending')
    .where('confirmed_at', 'is', null)
    .where('confirm_expires_at', '<=', nowIso)
    .executeTakeFirst();
  const dropped = await database.db
    .updateTable('subscriptions')
    .set({ pending_preferences: null, confirm_nonce: null, confirm_expires_at: null, updated_at: nowIso })
    .where('status', '!=', 'pending')
    .where('confirm_expires_at', '<=', nowIso)
    .executeTakeFirst();
  return { removed: Number(removed.numDeletedRows), changesDropped: Number(dropped.numUpdatedRows) };
}

export interface ActiveSubscriber {
  id: string;
  email: string;
  preferences: Preferences;
}

/** Every active subscription (optionally of one frequency), in id order. */
export async function listActiveSubscribers(database: Database, frequency?: Preferences['frequency']): Promise<ActiveSubscriber[]> {
  let q = database.db.selectFrom('subscriptions').selectAll().where('status', '=', 'active');
  if (frequency) q = q.where('frequency', '=', frequency);
  const rows = await q.orderBy('id').execute();
  return rows.map((r) => {
    const s = rowToSubscription(r);
    return { id: s.id, email: s.email, preferences: s.preferences };
  });
}

/** Counts a permanent delivery failure; the address is disabled once `threshold` bounces follow each other. */
export async function recordBounce(database: Database, id: string, threshold: number, now: Date): Promise<{ disabled: boolean }> {
  const nowIso = now.toISOString();
  await database.db
    .updateTable('subscriptions')
    .set((eb) => ({ bounce_count: eb('bounce_count', '+', 1), last_bounce_at: nowIso, updated_at: nowIso }))
    .where('id', '=', id)
    .execute();
  const disabled = await database.db
    .updateTable('subscriptions')
    .set({ status: 'disabled', updated_at: nowIso })
    .where('id', '=', id)
    .where('status', '=', 'active')
    .where('bounce_count', '>=', threshold)
    .executeTakeFirst();
  return { disabled: Number(disabled.numUpdatedRows) === 1 };
}

// Deliveries -----------------------------------------------------------------------------------------

export type DeliveryStatus = 'pending' | 'sending' | 'handed_off' | 'sent' | 'failed' | 'skipped';
export type Delivery = Selectable<DigestDeliveriesTable>;

export interface PlannedDelivery {
  subscriptionId: string;
  periodKey: string;
  frequency: Preferences['frequency'];
  messageId: string;
}

export const deliveryKey = (subscriptionId: string, periodKey: string) => `${subscriptionId}/${periodKey}`;

// Rows per multi-row INSERT, well under both databases' bound-parameter limits.
const ROWS_PER_STATEMENT = 500;

/** Records the (subscriber, period) jobs; a key that exists already is left alone. Returns how many were new. */
export async function planDeliveries(database: Database, planned: PlannedDelivery[], now: Date): Promise<number> {
  const nowIso = now.toISOString();
  let inserted = 0;
  for (let i = 0; i < planned.length; i += ROWS_PER_STATEMENT) {
    const batch = planned.slice(i, i + ROWS_PER_STATEMENT);
    const result = await database.db
      .insertInto('digest_deliveries')
      .values(
        batch.map((p) => ({
          idempotency_key: deliveryKey(p.subscriptionId, p.periodKey),
          subscription_id: p.subscriptionId,
          period_key: p.periodKey,
          frequency: p.frequency,
          message_id: p.messageId,
          status: 'pending',
          next_attempt_at: nowIso,
          claimed_by: null,
          lease_expires_at: null,
          handed_off_at: null,
          sent_at: null,
          smtp_response: null,
          last_error: null,
          paper_count: null,
          created_at: nowIso,
          updated_at: nowIso,
        })),
      )
      .onConflict((oc) => oc.column('idempotency_key').doNothing())
      .executeTakeFirst();
    inserted += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return inserted;
}

/**
 * Deliveries a runner may take now: pending ones whose retry time has come, and ones left 'sending' by a
 * runner that is gone (lease expired) or that the caller knows to be dead (`deadHolders`).
 */
export async function dueDeliveries(database: Database, now: Date, limit: number, deadHolders: string[] = []): Promise<Delivery[]> {
  const nowIso = now.toISOString();
  return database.db
    .selectFrom('digest_deliveries')
    .selectAll()
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', nowIso)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_expires_at', '<=', nowIso)]),
        ...(deadHolders.length ? [eb.and([eb('status', '=', 'sending'), eb('claimed_by', 'in', deadHolders)])] : []),
      ]),
    )
    .orderBy('next_attempt_at')
    .orderBy('idempotency_key')
    .limit(limit)
    .execute();
}

/** Holders of 'sending' leases, so a runner can tell which belong to processes that died on this host. */
export async function sendingHolders(database: Database): Promise<string[]> {
  const rows = await database.db.selectFrom('digest_deliveries').select('claimed_by').distinct().where('status', '=', 'sending').execute();
  return rows.map((r) => r.claimed_by).filter((h): h is string => !!h);
}

/** The earliest retry time among pending deliveries, or null when none wait. */
export async function nextPendingAttempt(database: Database): Promise<string | null> {
  const row = await database.db
    .selectFrom('digest_deliveries')
    .select((eb) => eb.fn.min('next_attempt_at').as('next'))
    .where('status', '=', 'pending')
    .executeTakeFirst();
  return (row?.next as string | null | undefined) ?? null;
}

/**
 * Takes deliveries for sending in one statement: only rows that are still due (pending and their time has
 * come, or 'sending' under an expired lease or a holder known to be dead) change hands, so of two runners
 * racing for a row exactly one gets it. Returns the rows this runner now holds, attempts already counted.
 */
export async function claimDeliveries(
  database: Database,
  keys: string[],
  holder: string,
  now: Date,
  leaseMs: number,
  deadHolders: string[] = [],
): Promise<Delivery[]> {
  if (!keys.length) return [];
  const nowIso = now.toISOString();
  await database.db
    .updateTable('digest_deliveries')
    .set((eb) => ({
      status: 'sending',
      claimed_by: holder,
      lease_expires_at: new Date(now.getTime() + leaseMs).toISOString(),
      attempts: eb('attempts', '+', 1),
      updated_at: nowIso,
    }))
    .where('idempotency_key', 'in', keys)
    .where((eb) =>
      eb.or([
        eb.and([eb('status', '=', 'pending'), eb('next_attempt_at', '<=', nowIso)]),
        eb.and([eb('status', '=', 'sending'), eb('lease_expires_at', '<=', nowIso)]),
        ...(deadHolders.length ? [eb.and([eb('status', '=', 'sending'), eb('claimed_by', 'in', deadHolders)])] : []),
      ]),
    )
    .execute();
  return database.db
    .selectFrom('digest_deliveries')
    .selectAll()
    .where('idempotency_key', 'in', keys)
    .where('claimed_by', '=', holder)
    .where('status', '=', 'sending')
    .orderBy('idempotency_key')
    .execute();
}

async function transition(
  database: Database,
  key: string,
  holder: string,
  from: DeliveryStatus[],
  set: Partial<Record<keyof DigestDeliveriesTable, string | number | null>>,
): Promise<boolean> {
  const result = await database.db
    .updateTable('digest_deliveries')
    .set({ ...set, updated_at: new Date().toISOString() } as never)
    .where('idempotency_key', '=', key)
    .where('claimed_by', '=', holder)
    .where('status', 'in', from)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

/**
 * Folds a hand-off found in a dead runner's journal (src/mail/handoff-journal.ts) into the database: that
 * attempt's end-of-data marker was written, so the digest is never sent again. Only the journaled attempt
 * counts: a row claimed again since then is left alone.
 */
export async function recordHandOff(database: Database, key: string, holder: string, attempt: number, now: Date): Promise<boolean> {
  const result = await database.db
    .updateTable('digest_deliveries')
    .set({ status: 'handed_off', handed_off_at: now.toISOString(), lease_expires_at: null, updated_at: now.toISOString() })
    .where('idempotency_key', '=', key)
    .where('claimed_by', '=', holder)
    .where('status', '=', 'sending')
    .where('attempts', '=', attempt)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

export interface SentRecord {
  key: string;
  sentAt: Date;
  response: string;
  paperCount: number;
  /** The subscription's bounce count goes back to 0 (only needed when it was above 0). */
  clearBouncesOf: string | null;
}

/**
 * Records accepted digests, several in one transaction. Not on the exactly-once path (the hand-off is): a row
 * whose record is lost in a crash stays 'handed_off', which is never sent again.
 */
export async function markSentMany(database: Database, holder: string, records: SentRecord[]): Promise<void> {
  if (!records.length) return;
  await database.db.transaction().execute(async (trx) => {
    for (const r of records) {
      await trx
        .updateTable('digest_deliveries')
        .set({
          status: 'sent',
          sent_at: r.sentAt.toISOString(),
          smtp_response: r.response.slice(0, 300),
          paper_count: r.paperCount,
          lease_expires_at: null,
          last_error: null,
          updated_at: new Date().toISOString(),
        })
        .where('idempotency_key', '=', r.key)
        .where('claimed_by', '=', holder)
        .where('status', 'in', ['sending', 'handed_off'])
        .execute();
      if (r.clearBouncesOf) await trx.updateTable('subscriptions').set({ bounce_count: 0 }).where('id', '=', r.clearBouncesOf).execute();
    }
  });
}

/** The server answered with a refusal, so nothing was accepted: back to pending for a later attempt. */
export const markRetry = (database: Database, key: string, holder: string, nextAttempt: Date, error: string) =>
  transition(database, key, holder, ['sending', 'handed_off'], {
    status: 'pending',
    next_attempt_at: nextAttempt.toISOString(),
    handed_off_at: null,
    lease_expires_at: null,
    last_error: error.slice(0, 500),
  });

export const markFailed = (database: Database, key: string, holder: string, error: string) =>
  transition(database, key, holder, ['sending', 'handed_off'], { status: 'failed', lease_expires_at: null, last_error: error.slice(0, 500) });

export const markSkipped = (database: Database, key: string, holder: string, reason: string) =>
  transition(database, key, holder, ['sending'], { status: 'skipped', lease_expires_at: null, last_error: reason.slice(0, 500) });

/** Connection lost after the hand-off: the server may have the message. Recorded as handed off, never resent. */
export const markHandedOffUnconfirmed = (database: Database, key: string, holder: string, now: Date, error: string) =>
  transition(database, key, holder, ['sending', 'handed_off'], {
    status: 'handed_off',
    handed_off_at: now.toISOString(),
    lease_expires_at: null,
    last_error: `unconfirmed: ${error}`.slice(0, 500),
  });

export async function deliveryStatusCounts(database: Database, periodKey?: string): Promise<Record<string, number>> {
  let q = database.db
    .selectFrom('digest_deliveries')
    .select(['status', sql<number>`COUNT(*)`.as('n')])
    .groupBy('status');
  if (periodKey) q = q.where('period_key', '=', periodKey);
  const rows = await q.execute();
  return Object.fromEntries(rows.map((r) => [r.status, Number(r.n)]));
}

export async function getDelivery(database: Database, key: string): Promise<Delivery | null> {
  return (await database.db.selectFrom('digest_deliveries').selectAll().where('idempotency_key', '=', key).executeTakeFirst()) ?? null;
}

/** Subscriptions by id (any status), for a batch of deliveries. */
export async function subscriptionsByIds(database: Database, ids: string[]): Promise<Map<string, Subscription>> {
  const out = new Map<string, Subscription>();
  const unique = [...new Set(ids)];
  for (let i = 0; i < unique.length; i += ROWS_PER_STATEMENT) {
    const rows = await database.db
      .selectFrom('subscriptions')
      .selectAll()
      .where('id', 'in', unique.slice(i, i + ROWS_PER_STATEMENT))
      .execute();
    for (const r of rows) out.set(r.id, rowToSubscription(r));
  }
  return out;
}

/** Delivery states of some keys, for a dry run to tell what was already sent. */
export async function deliveriesByKeys(database: Database, keys: string[]): Promise<Map<string, Delivery>> {
  const out = new Map<string, Delivery>();
  for (let i = 0; i < keys.length; i += ROWS_PER_STATEMENT) {
    const rows = await database.db
      .selectFrom('digest_deliveries')
      .selectAll()
      .where('idempotency_key', 'in', keys.slice(i, i + ROWS_PER_STATEMENT))
      .execute();
    for (const r of rows) out.set(r.idempotency_key, r);
  }
  return out;
}

/**
 * Adds already-confirmed subscriptions in bulk (moving a list from another tool, or the digest benchmark).
 * Addresses already present are left as they are. Returns how many were added.
 */
export async function importConfirmedSubscriptions(database: Database, list: { email: string; preferences: Preferences }[], now: Date): Promise<number> {
  const nowIso = now.toISOString();
  let added = 0;
  // Fewer rows per statement than deliveries: a subscription row binds more parameters.
  for (let i = 0; i < list.length; i += 200) {
    const result = await database.db
      .insertInto('subscriptions')
      .values(
        list.slice(i, i + 200).map((s) => ({
          id: randomId(8),
          email: s.email,
          email_key: s.email.toLowerCase(),
          user_id: null,
          status: 'active',
          ...preferenceColumns(s.preferences),
          pending_preferences: null,
          confirm_nonce: null,
          confirm_expires_at: null,
          confirm_sent_at: null,
          link_key: randomId(16),
          last_bounce_at: null,
          created_at: nowIso,
          confirmed_at: nowIso,
          unsubscribed_at: null,
          updated_at: nowIso,
        })),
      )
      .onConflict((oc) => oc.column('email_key').doNothing())
      .executeTakeFirst();
    added += Number(result.numInsertedOrUpdatedRows ?? 0);
  }
  return added;
}

export async function countSubscriptions(database: Database): Promise<number> {
  const row = await database.db.selectFrom('subscriptions').select(sql<number>`COUNT(*)`.as('n')).executeTakeFirstOrThrow();
  return Number(row.n);
}
