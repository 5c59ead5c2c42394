// Hugging Face daily papers (off unless HF_SYNC=true): upvotes, comment counts, submitters and repository
// links for the last few days, from /api/daily_papers?date=YYYY-MM-DD.
import { storeImportBatch } from '../db/papers.ts';
import { normalizePaper, type DailyEntry, type Paper } from '../domain/paper.ts';
import { UnusableInputError } from './formats/errors.ts';
import { parseHfDailyResponse, type HfDailyResult } from './formats/hf-daily.ts';
import { describeResponse, SourceError, type SourceContext } from './http.ts';

export async function syncHfDailyPapers(ctx: SourceContext, days = ctx.config.HF_SYNC_DAYS): Promise<Record<string, number>> {
  const counts = { days: 0, entries: 0, inserted: 0, skipped: 0, unusableDays: 0 };
  for (let back = 0; back < days; back++) {
    const day = new Date(Date.now() - back * 86_400_000).toISOString().slice(0, 10);
    const url = `${ctx.config.HF_API_URL.replace(/\/+$/, '')}/api/daily_papers?date=${day}`;
    const res = await ctx.http.get('hf', url, { signal: ctx.signal, headers: { accept: 'application/json' } });
    if (res.status !== 200) throw new SourceError(`Hugging Face daily papers for ${day}: ${describeResponse(res)}`);
    let items: HfDailyResult[];
    try {
      items = parseHfDailyResponse(res.body, day);
    } catch (e) {
      if (!(e instanceof UnusableInputError)) throw e;
      // One bad day (the API has served odd documents before) must not block the others.
      counts.unusableDays++;
      ctx.logger.warn({ day, error: e.message }, `Hugging Face sent ${describeResponse(res)} that is not a daily papers list; skipping the day`);
      continue;
    }
    const papers: Paper[] = [];
    const entries: DailyEntry[] = [];
    for (const item of items) {
      if ('error' in item) {
        counts.skipped++;
        continue;
      }
      try {
        const paper = normalizePaper(item.paper);
        papers.push(paper);
        entries.push({ ...item.entry, paperId: paper.id });
      } catch {
        counts.skipped++;
      }
    }
    // A day's papers and their feed entries are stored together or not at all.
    const stored = await storeImportBatch(ctx.database, papers, entries);
    counts.days++;
    counts.entries += entries.length;
    counts.inserted += stored.inserted;
    ctx.progress?.({ ...counts });
  }
  ctx.logger.info(counts, 'Hugging Face daily papers synced');
  return counts;
}
