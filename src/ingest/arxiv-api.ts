// Lookups by id through the arXiv API (export.arxiv.org/api/query?id_list=…): used when someone submits a
// paper that is not stored yet. Paced with every other arXiv request through the shared client.
import { parseArxivId, InvalidArxivIdError } from '../domain/arxiv-id.ts';
import { normalizePaper, type Paper } from '../domain/paper.ts';
import { AppError, badRequest } from '../errors.ts';
import { parseAtomFeed, type AtomFeed } from './formats/arxiv-atom.ts';
import { UnusableInputError } from './formats/errors.ts';
import { describeResponse, HttpError, ServicePausedError, type HttpResponse, type SourceContext } from './http.ts';

/** Ids per request: keeps the URL short and one response small. */
const IDS_PER_REQUEST = 50;

/**
 * Fetches the current metadata of the given papers (ids with or without version). Returns the papers
 * arXiv knows, in no particular order; unknown ids are simply absent. Throws AppError: 400 for a malformed
 * id, 503 when arXiv cannot be reached or asked us to wait, 502 when it answered something unusable.
 */
export async function fetchArxivPapers(ctx: Pick<SourceContext, 'config' | 'database' | 'logger' | 'http' | 'signal'>, ids: string[]): Promise<Paper[]> {
  const wanted = [...new Set(ids.map(validId))];
  const papers: Paper[] = [];
  for (let i = 0; i < wanted.length; i += IDS_PER_REQUEST) {
    const batch = wanted.slice(i, i + IDS_PER_REQUEST);
    const url = new URL(ctx.config.ARXIV_API_URL);
    url.searchParams.set('id_list', batch.join(','));
    url.searchParams.set('max_results', String(batch.length));
    papers.push(...(await fetchBatch(ctx, url.toString())));
  }
  return papers;
}

function validId(id: string): string {
  try {
    return parseArxivId(id).id;
  } catch (e) {
    if (e instanceof InvalidArxivIdError) throw badRequest(`not an arXiv id: ${JSON.stringify(String(id).slice(0, 60))}`, 'bad_arxiv_id');
    throw e;
  }
}

async function fetchBatch(ctx: Pick<SourceContext, 'config' | 'database' | 'logger' | 'http' | 'signal'>, url: string): Promise<Paper[]> {
  let res: HttpResponse;
  try {
    res = await ctx.http.get('arxiv', url, { signal: ctx.signal, headers: { accept: 'application/atom+xml' } });
  } catch (e) {
    if (e instanceof ServicePausedError)
      throw new AppError(503, 'arxiv_paused', `arXiv asked us to slow down; try again after ${new Date(e.until).toISOString()}`);
    if (e instanceof HttpError) throw new AppError(503, 'arxiv_unreachable', `arXiv could not be reached: ${e.message}`);
    throw e;
  }
  let feed: AtomFeed;
  try {
    feed = parseAtomFeed(res.body);
  } catch (e) {
    if (e instanceof UnusableInputError) throw new AppError(502, 'arxiv_bad_response', `arXiv sent ${describeResponse(res)}: ${e.message}`);
    throw e;
  }
  if (res.status === 400 || feed.error) throw badRequest(`arXiv rejected the lookup: ${feed.error?.message ?? `HTTP ${res.status}`}`, 'bad_arxiv_id');
  if (res.status !== 200) throw new AppError(502, 'arxiv_bad_response', `arXiv answered HTTP ${res.status}`);
  const papers: Paper[] = [];
  for (const entry of feed.entries) {
    try {
      papers.push(normalizePaper(entry));
    } catch (e) {
      ctx.logger.warn({ id: entry.id, error: (e as Error).message }, 'skipping an unusable arXiv API entry');
    }
  }
  return papers;
}
