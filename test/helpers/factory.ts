// Test data with deterministic defaults: the one place that knows what a valid paper, daily-feed entry or account
// looks like, so a test writes out only the fields it is about. Papers go through normalizePaper, exactly as every
// importer stores them.
import type { Database } from '../../src/db/connect.ts';
import { createUser, type NewUser, type User } from '../../src/db/users.ts';
import { normalizePaper, type DailyEntry, type Paper } from '../../src/domain/paper.ts';

export const DEFAULT_SUBMITTED_AT = '2025-06-02T17:30:00.000Z';

let paperCount = 0;
let userCount = 0;

/** Ids for tests that do not care which: 2501.90001, 2501.90002, … in the order they are asked for. */
export function nextPaperId(): string {
  return `2501.${String(90_000 + ++paperCount)}`;
}

/** An ISO timestamp `days` days before now, for what must look recent (trending, the submission window). */
export function daysAgo(days: number): string {
  return new Date(Date.now() - days * 86_400_000).toISOString();
}

/**
 * A valid paper: a title, an abstract with LaTeX and characters that need escaping, two authors, cs.CL, version 1
 * submitted at `submittedAt` (default DEFAULT_SUBMITTED_AT; null for none) and announced that day.
 */
export function makePaper(overrides: Partial<Paper> = {}): Paper {
  const id = overrides.id ?? nextPaperId();
  const submittedAt = overrides.submittedAt === undefined ? DEFAULT_SUBMITTED_AT : overrides.submittedAt;
  return normalizePaper({
    id,
    title: `Paper ${id}`,
    abstract: 'We bound the error by $\\mathcal{O}(n^{-1/2})$ when $x < y$ & show it is tight, <b>markup</b> included.',
    authors: ['Ada Lovelace', 'Alan Turing'],
    categories: ['cs.CL'],
    submittedAt,
    announcedOn: submittedAt?.slice(0, 10) ?? null,
    versions: submittedAt ? [{ version: 1, created: submittedAt }] : [],
    ...overrides,
  });
}

/** A Hugging Face daily-feed entry for `paperId`: submitted on 2025-06-03 by akhaliq, no votes or comments yet. */
export function makeDailyEntry(overrides: Partial<DailyEntry> & { paperId: string }): DailyEntry {
  const day = overrides.day ?? '2025-06-03';
  return {
    day,
    submittedAt: `${day}T08:00:00.000Z`,
    submittedBy: 'akhaliq',
    upvotes: 0,
    numComments: 0,
    githubRepo: null,
    githubStars: null,
    projectPage: null,
    keywords: [],
    aiSummary: null,
    source: 'hf',
    ...overrides,
  };
}

/** An account in the store: reader1, reader2, … with an example.org address unless given. */
export async function makeUser(database: Database, overrides: Partial<NewUser> = {}): Promise<User> {
  const username = overrides.username ?? `reader${++userCount}`;
  return createUser(database, { email: `${username.toLowerCase()}@example.org`, username, ...overrides });
}
