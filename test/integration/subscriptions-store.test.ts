// The subscriptions store on every database kind: double opt-in, single-use confirmation, the per-address mail
// window, expiry, bounces, and the delivery rows' compare-and-set claims.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  claimDeliveries,
  confirmSubscription,
  dueDeliveries,
  expireUnconfirmed,
  getDelivery,
  getSubscription,
  listActiveSubscribers,
  recordHandOff,
  markRetry,
  markSentMany,
  planDeliveries,
  recordBounce,
  requestSubscription,
  unsubscribe,
  updatePreferences,
} from '../../src/db/subscriptions.ts';
import { DEFAULT_PREFERENCES, type Preferences } from '../../src/mail/preferences.ts';
import { createTestDatabase, databaseKinds, type TestDatabase } from '../helpers/db.ts';

const HOUR = 3_600_000;
const t0 = new Date('2026-03-02T08:00:00Z');
const at = (ms: number) => new Date(t0.getTime() + ms);
const prefs = (p: Partial<Preferences> = {}): Preferences => ({ ...DEFAULT_PREFERENCES, ...p });
const signUp = (database: TestDatabase, email: string, p: Partial<Preferences> = {}, now = t0) =>
  requestSubscription(database, { email, preferences: prefs(p), now, confirmTtlMs: 48 * HOUR, mailWindowMs: HOUR });

describe.each(databaseKinds)('subscriptions store on %s', (kind) => {
  let database: TestDatabase;
  beforeEach(async () => {
    database = await createTestDatabase(kind);
  });
  afterEach(async () => {
    await database.drop();
  });

  it('creates a pending subscription that only its nonce can activate, once', async () => {
    const { subscription, sendConfirmation, kind: k } = await signUp(database, 'Ada@Example.org', { interests: ['diffusion models'] });
    expect(k).toBe('subscribe');
    expect(sendConfirmation).toBe(true);
    expect(subscription.status).toBe('pending');
    expect(await listActiveSubscribers(database)).toEqual([]);
    expect(await confirmSubscription(database, subscription.id, 'f'.repeat(32), at(1000))).toBe('invalid');
    expect(await confirmSubscription(database, subscription.id, subscription.confirmNonce!, at(1000))).toBe('confirmed');
    expect(await confirmSubscription(database, subscription.id, subscription.confirmNonce!, at(2000))).toBe('invalid');
    const active = await listActiveSubscribers(database);
    expect(active.map((a) => [a.email, a.preferences.interests])).toEqual([['Ada@Example.org', ['diffusion models']]]);
  });

  it('sends at most one confirmation per address per window, whatever the case of the address', async () => {
    const first = await signUp(database, 'ada@example.org');
    const again = await signUp(database, 'ADA@example.org', {}, at(10 * 60_000));
    expect(first.sendConfirmation).toBe(true);
    expect(again.sendConfirmation).toBe(false);
    // The earlier mail's link keeps working: the nonce is not replaced while it is alive.
    expect(again.subscription.confirmNonce).toBe(first.subscription.confirmNonce);
    const later = await signUp(database, 'ada@example.org', {}, at(HOUR + 1000));
    expect(later.sendConfirmation).toBe(true);
  });

  it('a second sign-up cannot change what an earlier link confirms: inside the window it changes nothing, later it replaces the link', async () => {
    const owner = await signUp(database, 'owner@example.org', { interests: ['protein folding'] });
    const stranger = await signUp(database, 'owner@example.org', { interests: ['cryptocurrency spam'] }, at(60_000));
    expect(stranger.sendConfirmation).toBe(false);
    expect(await confirmSubscription(database, owner.subscription.id, owner.subscription.confirmNonce!, at(120_000))).toBe('confirmed');
    expect((await getSubscription(database, owner.subscription.id))?.preferences.interests).toEqual(['protein folding']);

    // The same for a change parked on an active address.
    const change = await signUp(database, 'owner@example.org', { interests: ['owner change'] }, at(2 * HOUR));
    expect(change.sendConfirmation).toBe(true);
    await signUp(database, 'owner@example.org', { interests: ['cryptocurrency spam'] }, at(2 * HOUR + 1000));
    expect(await confirmSubscription(database, owner.subscription.id, change.subscription.confirmNonce!, at(2 * HOUR + 2000))).toBe('changed');
    expect((await getSubscription(database, owner.subscription.id))?.preferences.interests).toEqual(['owner change']);

    // After the window a new sign-up gets its own link, and the earlier one confirms nothing.
    const first = await signUp(database, 'late@example.org', { interests: ['first'] });
    const second = await signUp(database, 'late@example.org', { interests: ['second'] }, at(HOUR + 1000));
    expect(second.sendConfirmation).toBe(true);
    expect(second.subscription.confirmNonce).not.toBe(first.subscription.confirmNonce);
    expect(await confirmSubscription(database, first.subscription.id, first.subscription.confirmNonce!, at(HOUR + 2000))).toBe('invalid');
    expect(await confirmSubscription(database, second.subscription.id, second.subscription.confirmNonce!, at(HOUR + 3000))).toBe('confirmed');
    expect((await getSubscription(database, second.subscription.id))?.preferences.interests).toEqual(['second']);
  });

  it('concurrent sign-ups of one address create one row and one confirmation mail', async () => {
    const results = await Promise.all(Array.from({ length: 8 }, () => signUp(database, 'race@example.org')));
    expect(new Set(results.map((r) => r.subscription.id)).size).toBe(1);
    expect(results.filter((r) => r.sendConfirmation)).toHaveLength(1);
  });

  it('parks new preferences for an active address until that mail is confirmed', async () => {
    const { subscription } = await signUp(database, 'ada@example.org', { categories: ['cs.CL'] });
    await confirmSubscription(database, subscription.id, subscription.confirmNonce!, t0);
    const change = await signUp(database, 'ada@example.org', { categories: ['cs.CV'], frequency: 'weekly' }, at(1000));
    expect(change.kind).toBe('change');
    expect(change.sendConfirmation).toBe(true);
    let stored = await getSubscription(database, subscription.id);
    expect(stored?.status).toBe('active');
    expect(stored?.preferences.categories).toEqual(['cs.CL']);
    expect(await confirmSubscription(database, subscription.id, change.subscription.confirmNonce!, at(2000))).toBe('changed');
    stored = await getSubscription(database, subscription.id);
    expect(stored?.preferences).toMatchObject({ categories: ['cs.CV'], frequency: 'weekly' });
  });

  it('forgets unconfirmed sign-ups after the confirmation window, keeps confirmed ones', async () => {
    const pending = await signUp(database, 'p@example.org');
    const kept = await signUp(database, 'k@example.org');
    await confirmSubscription(database, kept.subscription.id, kept.subscription.confirmNonce!, t0);
    expect(await expireUnconfirmed(database, at(47 * HOUR))).toMatchObject({ removed: 0 });
    expect(await expireUnconfirmed(database, at(49 * HOUR))).toMatchObject({ removed: 1 });
    expect(await getSubscription(database, pending.subscription.id)).toBeNull();
    expect(await confirmSubscription(database, pending.subscription.id, pending.subscription.confirmNonce!, at(49 * HOUR))).toBe('invalid');
    expect((await getSubscription(database, kept.subscription.id))?.status).toBe('active');
  });

  it('unsubscribes idempotently, and a manage-link update changes preferences in place', async () => {
    const { subscription } = await signUp(database, 'u@example.org');
    await confirmSubscription(database, subscription.id, subscription.confirmNonce!, t0);
    await updatePreferences(database, subscription.id, prefs({ paperCount: 25, timeZone: 'Europe/Berlin', sendHour: 18 }), at(1000));
    expect((await getSubscription(database, subscription.id))?.preferences).toMatchObject({ paperCount: 25, timeZone: 'Europe/Berlin', sendHour: 18 });
    expect(await unsubscribe(database, subscription.id, at(2000))).toBe(true);
    expect(await unsubscribe(database, subscription.id, at(3000))).toBe(false);
    expect((await getSubscription(database, subscription.id))?.status).toBe('unsubscribed');
  });

  it('disables an address after the configured number of consecutive bounces', async () => {
    const { subscription } = await signUp(database, 'b@example.org');
    await confirmSubscription(database, subscription.id, subscription.confirmNonce!, t0);
    expect(await recordBounce(database, subscription.id, 3, at(1))).toEqual({ disabled: false });
    expect(await recordBounce(database, subscription.id, 3, at(2))).toEqual({ disabled: false });
    expect(await recordBounce(database, subscription.id, 3, at(3))).toEqual({ disabled: true });
    expect((await getSubscription(database, subscription.id))?.status).toBe('disabled');
  });

  it('plans one delivery per (subscriber, period) and lets exactly one of two racing runners claim it', async () => {
    const { subscription } = await signUp(database, 'd@example.org');
    const plan = { subscriptionId: subscription.id, periodKey: '2026-03-02', frequency: 'daily' as const, messageId: '<m@x.org>' };
    expect(await planDeliveries(database, [plan, plan], t0)).toBe(1);
    expect(await planDeliveries(database, [plan], t0)).toBe(0);
    const [row] = await dueDeliveries(database, t0, 10);
    const claims = await Promise.all([
      claimDeliveries(database, [row.idempotency_key], 'runner-a', t0, 60_000),
      claimDeliveries(database, [row.idempotency_key], 'runner-b', t0, 60_000),
    ]);
    expect(claims.map((c) => c.length).sort()).toEqual([0, 1]);
    const winner = claims[0].length ? 'runner-a' : 'runner-b';
    const loser = claims[0].length ? 'runner-b' : 'runner-a';
    expect(await recordHandOff(database, row.idempotency_key, loser, 1, t0)).toBe(false);
    // A journaled hand-off counts only for the attempt it names.
    expect(await recordHandOff(database, row.idempotency_key, winner, 2, t0)).toBe(false);
    expect(await recordHandOff(database, row.idempotency_key, winner, 1, t0)).toBe(true);
    // Handed off: no runner sees it as due again, even after its lease would have expired.
    expect(await dueDeliveries(database, at(HOUR), 10)).toEqual([]);
    await markSentMany(database, loser, [{ key: row.idempotency_key, sentAt: t0, response: '250 loser', paperCount: 1, clearBouncesOf: null }]);
    await markSentMany(database, winner, [{ key: row.idempotency_key, sentAt: t0, response: '250 OK', paperCount: 10, clearBouncesOf: null }]);
    expect(await getDelivery(database, row.idempotency_key)).toMatchObject({ status: 'sent', smtp_response: '250 OK', attempts: 1 });
  });

  it("returns a crashed runner's claim once its lease expires or its holder is known dead, and retries at their time", async () => {
    const { subscription } = await signUp(database, 'c@example.org');
    await planDeliveries(database, [{ subscriptionId: subscription.id, periodKey: '2026-W10', frequency: 'weekly', messageId: '<w@x.org>' }], t0);
    const [row] = await dueDeliveries(database, t0, 10);
    expect(await claimDeliveries(database, [row.idempotency_key], 'dead-runner', t0, 60_000)).toHaveLength(1);
    expect(await dueDeliveries(database, at(1000), 10)).toEqual([]);
    expect(await claimDeliveries(database, [row.idempotency_key], 'runner-2', at(1000), 60_000)).toEqual([]);
    expect(await dueDeliveries(database, at(1000), 10, ['dead-runner'])).toHaveLength(1);
    const [expired] = await dueDeliveries(database, at(61_000), 10);
    expect(expired.status).toBe('sending');
    const [taken] = await claimDeliveries(database, [row.idempotency_key], 'runner-2', at(61_000), 60_000);
    expect(taken).toMatchObject({ claimed_by: 'runner-2', attempts: 2 });
    expect(await markRetry(database, row.idempotency_key, 'runner-2', at(5 * 60_000), '451 later')).toBe(true);
    expect(await dueDeliveries(database, at(4 * 60_000), 10)).toEqual([]);
    expect(await dueDeliveries(database, at(5 * 60_000), 10)).toHaveLength(1);
  });
});
