// A store with papers of the last week of May and the first week of June 2025 and confirmed digest subscribers,
// for the digest tests: the committed fixture corpus, or the same days of the real data in ../shared/data.
import fs from 'node:fs';
import { confirmSubscription, requestSubscription } from '../../src/db/subscriptions.ts';
import { importPaths } from '../../src/ingest/import.ts';
import { DEFAULT_PREFERENCES, type Preferences } from '../../src/mail/preferences.ts';
import { importCorpus, type DataSource } from './corpus.ts';
import type { TestDatabase } from './db.ts';
import { sharedPath } from './shared-data.ts';

/** The real days loaded from ../shared/data: the weekly digest's week (W22) and the daily digests' days. */
const SHARED_DAYS = ['2025-05-26', '2025-05-27', '2025-05-28', '2025-05-29', '2025-05-30', '2025-06-02', '2025-06-03', '2025-06-04', '2025-06-05'];
export const SECRET_KEY = 'test-secret-key-for-mail-links-0123456789';
export const BASE_URL = 'http://127.0.0.1:3999';

export async function loadDigestPapers(database: TestDatabase, source: DataSource): Promise<void> {
  if (source.name === 'fixtures') {
    await importCorpus(database);
    return;
  }
  const files = SHARED_DAYS.flatMap((day) => [
    sharedPath('arxiv-daily-listings', 'days', `${day}.jsonl.gz`),
    sharedPath('hf-daily-papers-api', 'days', `${day}.json.gz`),
  ]);
  await importPaths(
    database,
    files.filter((f) => fs.existsSync(f)),
  );
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
