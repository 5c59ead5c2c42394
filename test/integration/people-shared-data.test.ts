// The real Hugging Face daily-papers responses in ../shared/data keep what they say about people: claimed authors,
// organisations, media and submitters' full names, counted straight from the files and compared with the store,
// and importing again adds nothing. Skipped, with the helper's message, when ../shared/data is absent.
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importPaths } from '../../src/ingest/import.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/db.ts';
import { hasSharedData, sharedPath } from '../helpers/shared-data.ts';

interface RawCounts {
  entries: number;
  claimedEntries: number;
  organizationEntries: number;
  mediaEntries: number;
  /** Per paper id, from its last entry in file order (the importer keeps the newest observation). */
  papers: Map<string, any>;
}

/** Counts taken from the files with nothing of the importer: the reference the store must match. */
function rawCounts(dir: string): RawCounts {
  const out: RawCounts = { entries: 0, claimedEntries: 0, organizationEntries: 0, mediaEntries: 0, papers: new Map() };
  for (const file of fs.readdirSync(dir).sort()) {
    let doc: unknown;
    try {
      doc = JSON.parse(zlib.gunzipSync(fs.readFileSync(path.join(dir, file))).toString('utf8'));
    } catch {
      continue;
    }
    if (!Array.isArray(doc) || doc.some((x) => typeof x !== 'object')) continue;
    for (const item of doc) {
      out.entries++;
      if (item.paper.authors?.some((a: any) => a.user)) out.claimedEntries++;
      if (item.organization) out.organizationEntries++;
      if (item.mediaUrls?.length) out.mediaEntries++;
      out.papers.set(item.paper.id, item);
    }
  }
  return out;
}

describe.skipIf(!hasSharedData)('people in the real Hugging Face data (SQLite)', { timeout: 300_000 }, () => {
  let store: TestDatabase;
  let raw: RawCounts;
  const dir = hasSharedData ? sharedPath('hf-daily-papers-api', 'days') : '';

  const count = async (query: string) => Number((await sql.raw<{ n: number }>(query).execute(store.db)).rows[0].n);
  const snapshot = async () => ({
    claimedPapers: await count('SELECT COUNT(DISTINCT paper_id) AS n FROM hf_author_entries WHERE hf_user IS NOT NULL'),
    organizationPapers: await count('SELECT COUNT(*) AS n FROM hf_paper_details WHERE organization IS NOT NULL'),
    mediaPapers: await count("SELECT COUNT(*) AS n FROM hf_paper_details WHERE media_urls <> '[]'"),
    authorEntries: await count('SELECT COUNT(*) AS n FROM hf_author_entries'),
    linkedEntries: await count('SELECT COUNT(*) AS n FROM hf_author_entries WHERE hf_user IS NOT NULL'),
    organizations: await count('SELECT COUNT(*) AS n FROM organizations'),
    accounts: await count('SELECT COUNT(*) AS n FROM hf_users'),
    withFullname: await count('SELECT COUNT(*) AS n FROM hf_users WHERE fullname IS NOT NULL'),
  });

  beforeAll(async () => {
    store = await createTestDatabase('sqlite');
    raw = rawCounts(dir);
  });
  afterAll(async () => store?.drop());

  it('the files hold what the issue counted', () => {
    expect(raw).toMatchObject({ entries: 9_581, claimedEntries: 3_473, organizationEntries: 2_912, mediaEntries: 1_677 });
  });

  it('keeps every claimed author, organisation, medium and submitter, and a second import changes nothing', async () => {
    await importPaths(store, [dir]);
    const papers = [...raw.papers.values()];
    const linked = papers.flatMap((i) => i.paper.authors ?? []).filter((a: any) => a.user);
    const expected = {
      claimedPapers: papers.filter((i) => i.paper.authors?.some((a: any) => a.user)).length,
      organizationPapers: papers.filter((i) => i.organization).length,
      mediaPapers: papers.filter((i) => i.mediaUrls?.length).length,
      authorEntries: papers.reduce((n, i) => n + (i.paper.authors?.length ?? 0), 0),
      linkedEntries: linked.length,
      organizations: new Set(papers.filter((i) => i.organization).map((i) => i.organization.name)).size,
      accounts: new Set([...linked.map((a: any) => a.user.user), ...papers.filter((i) => i.submittedBy).map((i) => i.submittedBy.name)]).size,
    };
    const first = await snapshot();
    expect(first).toMatchObject(expected);
    // Every account in the data has a full name (authors' and submitters' objects both carry one).
    expect(first.withFullname).toBe(first.accounts);
    await importPaths(store, [dir]);
    expect(await snapshot()).toEqual(first);
  });
});
