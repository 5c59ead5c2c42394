// Atom feeds from the arXiv API (export.arxiv.org/api/query). Pure: XML text in, entries and paging out.
// A rejected query (HTTP 400, e.g. a malformed id) still comes back as a feed whose single entry is the error.
import type { PaperInput, PaperVersion } from '../../domain/paper.ts';
import { UnusableInputError } from './errors.ts';
import { attr, child, list, parseXmlDocument, text } from './xml.ts';

export interface AtomLink {
  href: string;
  rel: string | null;
  type: string | null;
  title: string | null;
}

export type AtomEntry = PaperInput & { links: AtomLink[] };

export interface AtomFeed {
  entries: AtomEntry[];
  totalResults: number | null;
  startIndex: number | null;
  itemsPerPage: number | null;
  /** The API's error entry (its summary is the message), e.g. "incorrect id format for abc". */
  error: { id: string; message: string } | null;
}

const ERROR_ENTRY_ID = /^https?:\/\/(export\.)?arxiv\.org\/api\/errors/i;
const ABS_URL_PREFIX = /^https?:\/\/(www\.|export\.)?arxiv\.org\/abs\//i;

/** Parses one API response body; throws UnusableInputError when it is not a well-formed Atom feed. */
export function parseAtomFeed(xml: string): AtomFeed {
  const feed = child(parseXmlDocument(xml), 'feed');
  if (!feed || typeof feed !== 'object') throw new UnusableInputError('not an Atom feed (no <feed> root element)');
  const entryNodes = list(child(feed, 'entry'));
  const errorNode = entryNodes.find((e) => ERROR_ENTRY_ID.test(text(child(e, 'id')).trim()));
  return {
    entries: errorNode ? [] : entryNodes.map(parseEntry),
    totalResults: integerOrNull(child(feed, 'totalResults')),
    startIndex: integerOrNull(child(feed, 'startIndex')),
    itemsPerPage: integerOrNull(child(feed, 'itemsPerPage')),
    error: errorNode ? { id: text(child(errorNode, 'id')).trim(), message: text(child(errorNode, 'summary')).trim() } : null,
  };
}

function integerOrNull(node: unknown): number | null {
  const s = text(node).trim();
  return /^\d+$/.test(s) ? Number(s) : null;
}

function parseEntry(e: unknown): AtomEntry {
  const id = text(child(e, 'id')).trim().replace(ABS_URL_PREFIX, '');
  const published = text(child(e, 'published')).trim() || null;
  const updated = text(child(e, 'updated')).trim() || null;
  const version = Number(/v(\d+)$/.exec(id)?.[1] ?? 1);
  const primary = attr(list(child(e, 'primary_category'))[0], 'term');
  const categories = list(child(e, 'category'))
    .map((c) => attr(c, 'term') ?? '')
    .filter(Boolean);
  const field = (name: string) => text(list(child(e, name))[0]).trim() || null;
  return {
    id,
    title: text(child(e, 'title')),
    abstract: text(child(e, 'summary')),
    // One <author> per person; some recorded responses carry several <name>s in one <author>.
    authors: list(child(e, 'author')).flatMap((a) => list(child(a, 'name')).map(text)),
    categories: primary ? [primary, ...categories.filter((c) => c !== primary)] : categories,
    submittedAt: published,
    updatedAt: updated,
    version,
    versions: knownVersions(version, published, updated),
    comments: field('comment'),
    journalRef: field('journal_ref'),
    doi: field('doi'),
    links: list(child(e, 'link')).map((l) => ({
      href: attr(l, 'href') ?? '',
      rel: attr(l, 'rel'),
      type: attr(l, 'type'),
      title: attr(l, 'title'),
    })),
  };
}

/** The feed dates version 1 (`published`) and the version it returns (`updated`); versions in between are unknown. */
function knownVersions(version: number, published: string | null, updated: string | null): PaperVersion[] {
  const out: PaperVersion[] = [];
  if (published) out.push({ version: 1, created: published });
  if (version > 1 && updated) out.push({ version, created: updated });
  return out;
}
