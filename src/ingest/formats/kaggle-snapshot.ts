// One line of Kaggle's arxiv-metadata-oai-snapshot.json (Cornell-University/arxiv): JSON lines, one paper
// each, with the full version history (RFC 2822 dates) and authors both as a string and pre-split.
import type { PaperInput, PaperVersion } from '../../domain/paper.ts';
import { splitAuthorList } from './authors.ts';
import { isObject, parseJsonObject, requiredString, str, type JsonObject } from './json-record.ts';

export function parseKaggleLine(line: string): PaperInput {
  const o = parseJsonObject(line);
  const versions: PaperVersion[] = (Array.isArray(o.versions) ? o.versions : []).flatMap((v) => {
    const n = isObject(v) ? Number(/^v(\d+)$/.exec(str(v.version) ?? '')?.[1]) : NaN;
    return Number.isInteger(n) && n > 0 ? [{ version: n, created: str((v as JsonObject).created) ?? '' }] : [];
  });
  return {
    id: requiredString(o, 'id'),
    title: requiredString(o, 'title'),
    abstract: str(o.abstract) ?? '',
    authors: parsedAuthors(o.authors_parsed) ?? splitAuthorList(str(o.authors) ?? ''),
    categories: (str(o.categories) ?? '').split(/\s+/).filter(Boolean),
    versions,
    // update_date is when the metadata last changed; it dates the record only when there is no version history.
    updatedAt: versions.length ? null : str(o.update_date),
    comments: str(o.comments),
    journalRef: str(o['journal-ref']),
    doi: str(o.doi),
    license: str(o.license),
  };
}

/** authors_parsed is [[keyname, forenames, suffix, …affiliation marks]]; it has LaTeX accents already decoded. */
function parsedAuthors(v: unknown): string[] | null {
  if (!Array.isArray(v) || !v.length) return null;
  const names: string[] = [];
  for (const a of v) {
    if (!Array.isArray(a) || typeof a[0] !== 'string') return null;
    const [keyname, forenames, suffix] = a as unknown[];
    names.push([forenames, keyname, suffix].filter((s): s is string => typeof s === 'string' && s.trim() !== '').join(' '));
  }
  return names;
}
