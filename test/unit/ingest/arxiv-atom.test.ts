import { describe, expect, it } from 'vitest';
import { normalizePaper } from '../../../src/domain/paper.ts';
import { parseAtomFeed } from '../../../src/ingest/formats/arxiv-atom.ts';
import { readFixture } from '../../helpers/fixtures.ts';

describe('parseAtomFeed', () => {
  it('reads paging and entries with arXiv extension elements', () => {
    const feed = parseAtomFeed(readFixture('atom-page.xml'));
    expect(feed).toMatchObject({ totalResults: 214881, startIndex: 10, itemsPerPage: 2, error: null });
    expect(feed.entries).toHaveLength(2);
    const [first, second] = feed.entries;
    expect(first.links.map((l) => l.title)).toEqual([null, 'pdf', 'doi']);
    expect(first.links[1]).toEqual({ href: 'https://arxiv.org/pdf/2104.12255v3', rel: 'related', type: 'application/pdf', title: 'pdf' });
    expect(normalizePaper(first)).toMatchObject({
      id: '2104.12255',
      version: 3,
      title: 'Testing <b> robustness of language models',
      authors: ['Ana Author', 'Bo Writer'],
      categories: ['cs.CL', 'cs.LG'],
      submittedAt: '2021-04-25T19:00:00.000Z',
      updatedAt: '2021-06-01T08:00:00.000Z',
      versions: [
        { version: 1, created: '2021-04-25T19:00:00.000Z' },
        { version: 3, created: '2021-06-01T08:00:00.000Z' },
      ],
      comments: '12 pages',
      journalRef: 'Proc. ACL 2021',
      doi: '10.1000/xyz',
      projectUrl: 'https://example.org/robust/',
    });
    expect(normalizePaper(second)).toMatchObject({ id: 'quant-ph/0201082', version: 1, categories: ['quant-ph'], comments: null });
  });

  it('turns the HTTP 400 error entry into an error, not a paper', () => {
    const recorded = JSON.parse(readFixture('atom-error.json'));
    const feed = parseAtomFeed(recorded.body);
    expect(feed.entries).toEqual([]);
    expect(feed.error).toEqual({ id: 'https://arxiv.org/api/errors#incorrect_id_format_for_abc', message: 'incorrect id format for abc' });
  });

  it('reads an empty result', () => {
    const feed = parseAtomFeed(
      `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"><opensearch:totalResults>0</opensearch:totalResults><opensearch:startIndex>0</opensearch:startIndex><opensearch:itemsPerPage>100</opensearch:itemsPerPage></feed>`,
    );
    expect(feed).toEqual({ entries: [], totalResults: 0, startIndex: 0, itemsPerPage: 100, error: null });
  });

  it('refuses XML with an undefined entity and non-Atom documents', () => {
    expect(() => parseAtomFeed(readFixture('atom-page.xml').replace('Quantum C', 'Quantum &eacute;'))).toThrow(/undefined entity "&eacute;"/);
    expect(() => parseAtomFeed('<rss><channel/></rss>')).toThrow(/not an Atom feed/);
    expect(() => parseAtomFeed('<feed><entry></feed>')).toThrow(/malformed XML/);
  });
});
