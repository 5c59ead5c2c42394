// Incremental harvest of arXiv's OAI-PMH interface: ListRecords from a `from` day per set, following
// resumptionToken pages. Each page's papers and the cursor that points past it are committed together,
// so a harvest killed at any moment resumes at the first page it had not stored.
import { commitHarvestPage, getCursor } from '../db/harvest.ts';
import { normalizePaper, type Paper } from '../domain/paper.ts';
import { UnusableInputError } from './formats/errors.ts';
import { parseOaiPmhResponse, type OaiPmhResponse } from './formats/oai-pmh.ts';
import { describeResponse, SourceError, type HttpResponse, type SourceContext } from './http.ts';

/** Where one set's harvest stands. `token` is set while a token chain is in progress. */
export interface OaiCursor {
  set: string;
  /** The `from` day of the chain in progress, or of the next harvest when no chain is open. */
  from: string;
  token: string | null;
  /** The responseDate day of the chain's first page: the next harvest starts there. */
  chainStartedOn: string | null;
  pagesInChain: number;
  lastCompletedAt: string | null;
}

export interface OaiHarvestCounts {
  [key: string]: number;
  pages: number;
  records: number;
  inserted: number;
  updated: number;
  unchanged: number;
  deleted: number;
  skipped: number;
}

const PHYSICS_ARCHIVES = new Set([
  'astro-ph',
  'cond-mat',
  'gr-qc',
  'hep-ex',
  'hep-lat',
  'hep-ph',
  'hep-th',
  'math-ph',
  'nlin',
  'nucl-ex',
  'nucl-th',
  'physics',
  'quant-ph',
]);

/** OAI sets covering the configured categories: cs.AI and cs.CL → "cs"; stat.ML → "stat"; astro-ph.GA → "physics:astro-ph". */
export function oaiSetsFor(categories: string[]): string[] {
  const sets = categories.map((c) => {
    const archive = c.split('.')[0];
    return PHYSICS_ARCHIVES.has(archive) ? `physics:${archive}` : archive;
  });
  return [...new Set(sets)];
}

export const oaiCursorKey = (set: string) => `arxiv-oai:${set}`;

export interface OaiHarvestOptions {
  /** Start a fresh chain from this day (YYYY-MM-DD) instead of resuming. */
  from?: string;
  sets?: string[];
}

export async function harvestOai(ctx: SourceContext, options: OaiHarvestOptions = {}): Promise<OaiHarvestCounts> {
  const counts: OaiHarvestCounts = { pages: 0, records: 0, inserted: 0, updated: 0, unchanged: 0, deleted: 0, skipped: 0 };
  for (const set of options.sets ?? oaiSetsFor(ctx.config.ARXIV_CATEGORIES)) {
    await harvestSet(ctx, set, options.from, counts);
  }
  return counts;
}

async function harvestSet(ctx: SourceContext, set: string, fromOverride: string | undefined, counts: OaiHarvestCounts): Promise<void> {
  const key = oaiCursorKey(set);
  const stored = await getCursor<OaiCursor>(ctx.database, key);
  let cursor: OaiCursor =
    fromOverride || !stored
      ? {
          set,
          from: fromOverride ?? daysAgo(ctx.config.HARVEST_DAYS),
          token: null,
          chainStartedOn: null,
          pagesInChain: 0,
          lastCompletedAt: stored?.lastCompletedAt ?? null,
        }
      : stored;
  ctx.logger.info(
    { set, from: cursor.from, resuming: Boolean(cursor.token), page: cursor.pagesInChain + 1 },
    cursor.token ? 'OAI-PMH harvest resuming' : 'OAI-PMH harvest starting',
  );
  let restartedAfterBadToken = false;
  for (;;) {
    const url = listRecordsUrl(ctx, cursor);
    const res = await ctx.http.get('arxiv', url, { signal: ctx.signal });
    const page = parsePage(res);
    if (page.error?.code === 'badResumptionToken' && cursor.token && !restartedAfterBadToken) {
      // Tokens expire (arXiv keeps them for hours): restart the same window; upserts make the overlap harmless.
      ctx.logger.warn({ set, token: cursor.token }, 'resumption token expired: restarting the window from its first page');
      cursor = { ...cursor, token: null, chainStartedOn: null, pagesInChain: 0 };
      restartedAfterBadToken = true;
      continue;
    }
    if (page.error && page.error.code !== 'noRecordsMatch') {
      throw new SourceError(`OAI-PMH error ${page.error.code} for set ${set}: ${page.error.message}`);
    }
    const papers: Paper[] = [];
    for (const record of page.records) {
      if (record.deleted) counts.deleted++;
      else if (!record.paper) counts.skipped++;
      else {
        try {
          papers.push(normalizePaper(record.paper));
        } catch (e) {
          counts.skipped++;
          ctx.logger.debug({ identifier: record.identifier, error: (e as Error).message }, 'skipping an unusable OAI record');
        }
      }
    }
    const chainStartedOn = cursor.chainStartedOn ?? dayOf(page.responseDate) ?? today();
    const next: OaiCursor = page.resumptionToken
      ? { ...cursor, token: page.resumptionToken, chainStartedOn, pagesInChain: cursor.pagesInChain + 1 }
      : { set, from: chainStartedOn, token: null, chainStartedOn: null, pagesInChain: 0, lastCompletedAt: new Date().toISOString() };
    const stored = await commitHarvestPage(ctx.database, oaiCursorKey(set), papers, next);
    counts.pages++;
    counts.records += papers.length;
    counts.inserted += stored.inserted;
    counts.updated += stored.updated;
    counts.unchanged += stored.unchanged;
    ctx.progress?.({ ...counts });
    ctx.logger.info(
      { set, page: cursor.pagesInChain + 1, records: papers.length, of: page.completeListSize, inserted: stored.inserted, more: Boolean(page.resumptionToken) },
      'OAI-PMH page stored',
    );
    cursor = next;
    if (!page.resumptionToken) return;
  }
}

function listRecordsUrl(ctx: SourceContext, cursor: OaiCursor): string {
  const url = new URL(ctx.config.ARXIV_OAI_URL);
  url.searchParams.set('verb', 'ListRecords');
  if (cursor.token) {
    url.searchParams.set('resumptionToken', cursor.token);
  } else {
    url.searchParams.set('metadataPrefix', ctx.config.ARXIV_OAI_METADATA_PREFIX);
    url.searchParams.set('from', cursor.from);
    url.searchParams.set('set', cursor.set);
  }
  return url.toString();
}

function parsePage(res: HttpResponse): OaiPmhResponse {
  if (res.status !== 200) throw new SourceError(`OAI-PMH request failed: ${describeResponse(res)}`);
  try {
    return parseOaiPmhResponse(res.body);
  } catch (e) {
    if (e instanceof UnusableInputError) throw new SourceError(`OAI-PMH sent ${describeResponse(res)} instead of OAI-PMH XML: ${e.message}`);
    throw e;
  }
}

function dayOf(iso: string | null): string | null {
  return iso && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10) : null;
}

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function daysAgo(n: number): string {
  return new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
}
