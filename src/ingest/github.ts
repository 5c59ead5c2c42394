// GitHub star counts for papers that link a repository. Conditional requests (If-None-Match with the last
// ETag) make an unchanged repository cost nothing against the rate limit, which the shared client honours
// (X-RateLimit-Remaining/Reset pause the service). Every observation adds a point to the star time series.
import { recordStarObservation, reposToRefresh } from '../db/harvest.ts';
import { HttpError, ServicePausedError, type HttpResponse, type SourceContext } from './http.ts';

export async function refreshGithubStars(ctx: SourceContext, limit = ctx.config.GITHUB_STARS_PER_RUN): Promise<Record<string, number>> {
  const counts = { repos: 0, changed: 0, notModified: 0, missing: 0, errors: 0 };
  const repos = await reposToRefresh(ctx.database, limit);
  for (const { repo, etag, stars: known } of repos) {
    const headers: Record<string, string> = { accept: 'application/vnd.github+json', 'x-github-api-version': '2022-11-28' };
    if (ctx.config.GITHUB_TOKEN) headers.authorization = `Bearer ${ctx.config.GITHUB_TOKEN}`;
    if (etag && known !== null) headers['if-none-match'] = etag;
    let res: HttpResponse;
    try {
      res = await ctx.http.get('github', `${ctx.config.GITHUB_API_URL.replace(/\/+$/, '')}/repos/${repo}`, { headers, signal: ctx.signal });
    } catch (e) {
      // A pause or an unreachable GitHub ends the run (the next slot resumes with the stalest repositories);
      // a server error on one repository does not.
      if (e instanceof ServicePausedError || !(e instanceof HttpError) || e.kind !== 'status') throw e;
      counts.errors++;
      continue;
    }
    counts.repos++;
    const observedAt = new Date().toISOString();
    if (res.status === 304 && known !== null) {
      counts.notModified++;
      await recordStarObservation(ctx.database, { repo, observedAt, stars: known, etag, status: 'ok' });
    } else if (res.status === 200) {
      const stars = starsFrom(res.body);
      if (stars === null) {
        counts.errors++;
        ctx.logger.warn({ repo }, 'GitHub answered without stargazers_count');
        continue;
      }
      if (stars !== known) counts.changed++;
      await recordStarObservation(ctx.database, { repo, observedAt, stars, etag: res.headers.etag ?? null, status: 'ok' });
    } else if (res.status === 404 || res.status === 410 || res.status === 451) {
      counts.missing++;
      await recordStarObservation(ctx.database, { repo, observedAt, stars: null, etag: null, status: 'missing' });
    } else {
      counts.errors++;
      ctx.logger.warn({ repo, status: res.status }, 'unexpected GitHub response');
    }
    ctx.progress?.({ ...counts });
  }
  ctx.logger.info(counts, 'GitHub stars refreshed');
  return counts;
}

function starsFrom(body: string): number | null {
  try {
    const value = (JSON.parse(body) as { stargazers_count?: unknown }).stargazers_count;
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : null;
  } catch {
    return null;
  }
}
