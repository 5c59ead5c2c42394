import { describe, expect, it } from 'vitest';
import { normalizePaper } from '../../../src/domain/paper.ts';
import { parseOaiPmhResponse } from '../../../src/ingest/formats/oai-pmh.ts';
import { readFixture } from '../../helpers/fixtures.ts';

describe('parseOaiPmhResponse', () => {
  it('reads an oai_dc page: fields, deleted records and the resumption token', () => {
    const page = parseOaiPmhResponse(readFixture('oai-dc-page.xml'));
    expect(page).toMatchObject({ verb: 'ListRecords', resumptionToken: '6511260|1001', completeListSize: 2265, cursor: 0, error: null });
    expect(page.records).toHaveLength(2);
    const [live, deleted] = page.records;
    expect(live).toMatchObject({
      identifier: 'oai:arXiv.org:1401.4788',
      datestamp: '2023-03-07',
      setSpecs: ['cs', 'physics:cond-mat'],
      deleted: false,
      metadataFormat: 'oai_dc',
    });
    const paper = normalizePaper(live.paper!);
    expect(paper).toMatchObject({
      id: '1401.4788',
      title: 'Sums of $1/n$ over integers & their digits',
      authors: ['Robert Baillie', 'Thomas Schmelzer'],
      categories: ['cs', 'cond-mat'],
      comments: '29 pages, 2 figures',
      doi: '10.1016/j.aim.2018.01.001',
      journalRef: 'Adv. Math. 335 (2018), 60--110',
      submittedAt: '2014-01-20T00:00:00.000Z',
      updatedAt: '2023-03-04T00:00:00.000Z',
      codeUrl: 'https://github.com/rb/kempner',
    });
    expect(paper.abstract).toBe('We compute $\\sum 1/n$ for $n < 10^6$. Code: https://github.com/rb/kempner.');
    expect(deleted).toMatchObject({ identifier: 'oai:arXiv.org:nlin/0202021', deleted: true, paper: null, problem: null });
  });

  it('reads arXivRaw version history and arXiv structured authors; an empty token ends the list', () => {
    const page = parseOaiPmhResponse(readFixture('oai-arxiv-formats.xml'));
    expect(page.resumptionToken).toBeNull();
    expect(page).toMatchObject({ cursor: 2000, completeListSize: 2003 });
    const [raw, structured, unknown] = page.records;
    expect(raw.metadataFormat).toBe('arXivRaw');
    expect(normalizePaper(raw.paper!)).toMatchObject({
      id: '0704.0001',
      version: 2,
      authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C.-P. Yuan'],
      categories: ['hep-ph', 'cs.LG'],
      submittedAt: '2007-04-02T19:18:42.000Z',
      updatedAt: '2007-07-24T20:10:27.000Z',
      versions: [
        { version: 1, created: '2007-04-02T19:18:42.000Z' },
        { version: 2, created: '2007-07-24T20:10:27.000Z' },
      ],
      journalRef: 'Phys.Rev.D76:013009,2007',
      doi: '10.1103/PhysRevD.76.013009',
      license: 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/',
    });
    expect(structured.metadataFormat).toBe('arXiv');
    expect(normalizePaper(structured.paper!)).toMatchObject({
      id: 'hep-th/9901001',
      authors: ['Juan Maldacena', 'John Smith Jr'],
      submittedAt: '1998-12-31T00:00:00.000Z',
      updatedAt: '1999-02-10T00:00:00.000Z',
    });
    expect(unknown.paper).toBeNull();
    expect(unknown.problem).toMatch(/unsupported metadata format \(found marc\)/);
  });

  it('reports a protocol error such as noRecordsMatch', () => {
    const page = parseOaiPmhResponse(readFixture('oai-error.xml'));
    expect(page.records).toEqual([]);
    expect(page.error?.code).toBe('noRecordsMatch');
    expect(page.error?.message).toMatch(/empty list/);
    expect(page.resumptionToken).toBeNull();
  });

  it('reads ListIdentifiers headers as records without metadata', () => {
    const xml = `<OAI-PMH><ListIdentifiers><header><identifier>oai:arXiv.org:0806.4410</identifier><datestamp>2023-03-07</datestamp><setSpec>math</setSpec></header></ListIdentifiers></OAI-PMH>`;
    const page = parseOaiPmhResponse(xml);
    expect(page.records).toEqual([
      { identifier: 'oai:arXiv.org:0806.4410', datestamp: '2023-03-07', setSpecs: ['math'], deleted: false, metadataFormat: null, paper: null, problem: null },
    ]);
  });

  it('refuses undefined entities, DOCTYPEs, malformed XML and other documents with a reason', () => {
    const page = readFixture('oai-dc-page.xml');
    expect(() => parseOaiPmhResponse(page.replace('&amp; their', '&nbsp; their'))).toThrow(/undefined entity "&nbsp;"/);
    expect(() => parseOaiPmhResponse(page.replace('&amp; their', '& their'))).toThrow(/unescaped "&"/);
    expect(() => parseOaiPmhResponse('<!DOCTYPE x [<!ENTITY a "aaaa">]>' + page.replace(/<\?xml[^>]*>/, ''))).toThrow(/DOCTYPE/);
    expect(() => parseOaiPmhResponse(page.replace('</ListRecords>', ''))).toThrow(/malformed XML: .*line \d+/);
    expect(() => parseOaiPmhResponse('<html><body>Retry after 10</body></html>')).toThrow(/not an OAI-PMH response/);
    expect(() => parseOaiPmhResponse('')).toThrow(/empty document/);
  });
});
