// One line of a daily arXiv "new submissions" listing (../shared/data/arxiv-daily-listings/days/YYYY-MM-DD.jsonl.gz):
// {id, categories[], pdf, abs, authors[], title, comment, summary}. The file's day is the day the paper was
// announced; the same paper appears again on later days (cross-lists, weekend repeats) and the store keeps the
// earliest day.
import type { PaperInput } from '../../domain/paper.ts';
import { unglueAuthorNames } from './authors.ts';
import { parseJsonObject, requiredString, str, strings } from './json-record.ts';

export function parseListingLine(line: string, announcedOn: string | null): PaperInput {
  const o = parseJsonObject(line);
  return {
    id: requiredString(o, 'id'),
    title: requiredString(o, 'title'),
    abstract: str(o.summary) ?? '',
    authors: unglueAuthorNames(strings(o.authors)),
    categories: strings(o.categories),
    comments: str(o.comment),
    announcedOn,
  };
}
