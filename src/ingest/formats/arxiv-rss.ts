// The daily announcement feed of rss.arxiv.org (RSS 2.0, one feed for one or several categories joined by
// "+"). Each item is one announcement: `arxiv:announce_type` says whether the paper is new, cross-listed
// or a replacement; the description reads "arXiv:ID Announce Type: new Abstract: …". Pure: XML in, items out.
import type { PaperInput } from '../../domain/paper.ts';
import { splitAuthorList } from './authors.ts';
import { UnusableInputError } from './errors.ts';
import { child, list, parseXmlDocument, text } from './xml.ts';

export type AnnounceType = 'new' | 'cross' | 'replace' | 'replace-cross' | 'other';

export interface ArxivRssItem {
  announceType: AnnounceType;
  /** YYYY-MM-DD as the feed dates it (arXiv's own time zone): the announcement day. */
  announcedOn: string | null;
  paper: PaperInput;
}

export interface ArxivRssFeed {
  title: string;
  /** The feed's own date, YYYY-MM-DD, or null. */
  publishedOn: string | null;
  items: ArxivRssItem[];
  /** Items that could not be read, with the reason. */
  problems: string[];
}

const ID_IN_DESCRIPTION = /^\s*arXiv:(\S+)\s+Announce Type:\s*(\S+)\s*(?:Abstract:\s*)?/i;
const MONTHS: Record<string, string> = {
  jan: '01',
  feb: '02',
  mar: '03',
  apr: '04',
  may: '05',
  jun: '06',
  jul: '07',
  aug: '08',
  sep: '09',
  oct: '10',
  nov: '11',
  dec: '12',
};

export function parseArxivRss(xml: string): ArxivRssFeed {
  const channel = child(child(parseXmlDocument(xml), 'rss'), 'channel');
  if (!channel || typeof channel !== 'object') throw new UnusableInputError('not an RSS 2.0 feed (no <rss><channel>)');
  const problems: string[] = [];
  const items: ArxivRssItem[] = [];
  for (const node of list(child(channel, 'item'))) {
    try {
      items.push(parseItem(node));
    } catch (e) {
      problems.push((e as Error).message);
    }
  }
  return { title: text(child(channel, 'title')).trim(), publishedOn: rfc822Day(text(child(channel, 'pubDate'))), items, problems };
}

function parseItem(node: unknown): ArxivRssItem {
  const description = text(child(node, 'description'));
  const m = ID_IN_DESCRIPTION.exec(description);
  const guid = text(child(node, 'guid'))
    .trim()
    .replace(/^oai:arXiv\.org:/i, '');
  const id = m?.[1] ?? guid;
  if (!id) throw new Error('item without an arXiv id');
  const type = (text(child(node, 'announce_type')).trim() || m?.[2] || '').toLowerCase();
  const announceType: AnnounceType = type === 'new' || type === 'cross' || type === 'replace' || type === 'replace-cross' ? type : 'other';
  return {
    announceType,
    announcedOn: rfc822Day(text(child(node, 'pubDate'))),
    paper: {
      id,
      title: text(child(node, 'title')),
      abstract: m ? description.slice(m[0].length) : description,
      authors: splitAuthorList(text(child(node, 'creator'))),
      categories: list(child(node, 'category'))
        .map((c) => text(c).trim())
        .filter(Boolean),
      license: text(child(node, 'rights')).trim() || null,
    },
  };
}

/** "Tue, 26 Mar 2024 00:00:00 -0400" → "2024-03-26": the calendar day as written, in the feed's zone. */
function rfc822Day(value: string): string | null {
  const m = /(\d{1,2})\s+([A-Za-z]{3})\s+(\d{4})/.exec(value);
  const month = m && MONTHS[m[2].toLowerCase()];
  return m && month ? `${m[3]}-${month}-${m[1].padStart(2, '0')}` : null;
}
