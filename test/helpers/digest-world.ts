// A store with real papers around the first week of June 2025 and confirmed digest subscribers, for the digest
// send and fault tests.
import { confirmSubscription, requestSubscription } from '../../src/db/subscriptions.ts';
import { DEFAULT_PREFERENCES, type Preferences } from '../../src/mail/preferences.ts';
import { DatabaseSearchService } from '../../src/search/service.ts';
import { tempDir, type TestDatabase } from './db.ts';
import { loadHfDays, loadListingDays } from './digest-fixtures.ts';

export const FIXTURE_DAYS = ['2025-05-26', '2025-05-27', '2025-05-28', '2025-05-29', '2025-05-30', '2025-06-02', '2025-06-03', '2025-06-04', '2025-06-05'];
export const SECRET_KEY = 'test-secret-key-for-mail-links-0123456789';
export const BASE_URL = 'http://127.0.0.1:3999';

export async function loadFixturePapers(database: TestDatabase): Promise<void> {
  await loadListingDays(database, FIXTURE_DAYS);
  await loadHfDays(database, FIXTURE_DAYS);
}

/** Signs up and confirms an address; returns the subscription id. */
export async function addSubscriber(database: TestDatabase, email: string, preferences: Partial<Preferences> = {}): Promise<string> {
  const now = new Date();
  const { subscription } = await requestSubscription(database, {
    email,
    preferences: { ...DEFAULT_PREFERENCES, ...preferences },
    now,
    confirmTtlMs: 3_600_000,
    mailWindowMs: 3_600_000,
  });
  const outcome = await confirmSubscription(database, subscription.id, subscription.confirmNonce!, now);
  if (outcome !== 'confirmed') throw new Error(`could not confirm ${email}: ${outcome}`);
  return subscription.id;
}

/** The search service digests rank interests with: lexical only, as the digest job runs it. */
export function digestSearch(database: TestDatabase): DatabaseSearchService {
  return new DatabaseSearchService(database, { dataDir: tempDir(), embedder: 'none', refreshIntervalMs: 0, minRebuildIntervalMs: 0, trainIfMissing: false });
}
