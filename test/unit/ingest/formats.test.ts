import { describe, expect, it } from 'vitest';
import { normalizePaper } from '../../../src/domain/paper.ts';
import { forenamesFirst, splitAuthorList, unglueAuthorNames } from '../../../src/ingest/formats/authors.ts';
import { decodeLatexAccents } from '../../../src/domain/tex.ts';
import { parseListingLine } from '../../../src/ingest/formats/daily-listing.ts';
import { parseHfDailyResponse } from '../../../src/ingest/formats/hf-daily.ts';
import { parseKaggleLine } from '../../../src/ingest/formats/kaggle-snapshot.ts';
import { readFixture } from '../../helpers/fixtures.ts';

const lines = (name: string) => readFixture(name).split('\n').filter(Boolean);

describe('Kaggle snapshot lines', () => {
  it('maps versions, authors_parsed, categories, doi, journal-ref and licence', () => {
    const [first, second] = lines('kaggle-snapshot.jsonl').map((l) => normalizePaper(parseKaggleLine(l)));
    expect(first).toMatchObject({
      id: '0704.0001',
      version: 2,
      title: 'Calculation of prompt diphoton production cross sections at Tevatron and LHC energies',
      authors: ['C. Balázs', 'E. L. Berger', 'P. M. Nadolsky', 'C. -P. Yuan'],
      categories: ['hep-ph'],
      submittedAt: '2007-04-02T19:18:42.000Z',
      updatedAt: '2007-07-24T20:10:27.000Z',
      journalRef: 'Phys.Rev.D76:013009,2007',
      doi: '10.1103/PhysRevD.76.013009',
      license: null,
      comments: '37 pages, 15 figures; published version',
    });
    expect(second).toMatchObject({ categories: ['math.CO', 'cs.CG'], license: 'http://arxiv.org/licenses/nonexclusive-distrib/1.0/', version: 1 });
  });

  it('splits the authors string when authors_parsed is absent, dropping affiliations; dates from update_date without versions', () => {
    const third = normalizePaper(parseKaggleLine(lines('kaggle-snapshot.jsonl')[2]));
    expect(third.authors).toEqual(['A. S. Mishchenko', 'N. Nagaosa']);
    expect(third.updatedAt).toBe('2007-05-23T00:00:00.000Z');
    expect(third.codeUrl).toBe('https://github.com/example/tame');
  });

  it('gives a reason for a broken line', () => {
    expect(() => parseKaggleLine('{"id": "0704.0001", "title": ')).toThrow(/invalid JSON/);
    expect(() => parseKaggleLine('[1, 2]')).toThrow(/expected a JSON object, got an array/);
    expect(() => parseKaggleLine('{"id": "0704.0001"}')).toThrow(/field "title" is missing/);
    expect(() => parseKaggleLine('{"id": 704, "title": "x"}')).toThrow(/field "id" is a number/);
  });
});

describe('daily listing lines', () => {
  it('uses the file day as the announcement day and maps summary/comment', () => {
    const [line] = lines('listings/2025-03-18.jsonl');
    const p = normalizePaper(parseListingLine(line, '2025-03-18'));
    expect(p).toMatchObject({
      id: '2503.11731',
      announcedOn: '2025-03-18',
      authors: ['Xianming Zeng', 'Sicong Du'],
      categories: ['cs.CV', 'cs.RO'],
      comments: null,
      codeUrl: 'https://github.com/zeng/gs-sim',
      submittedAt: null,
    });
    expect(p.abstract).toBe('Sensor simulation is pivotal for scalable validation of autonomous driving systems. Code: https://github.com/zeng/gs-sim');
  });
});

describe('author lists', () => {
  it('splits at commas and "and" outside parentheses', () => {
    expect(splitAuthorList('A. One, B. Two and C. Three')).toEqual(['A. One', 'B. Two', 'C. Three']);
    expect(splitAuthorList('A. One (MIT, USA), B. Band, and C. Anderson')).toEqual(['A. One', 'B. Band', 'C. Anderson']);
    expect(splitAuthorList('')).toEqual([]);
  });

  it('decodes TeX accents in names', () => {
    expect(splitAuthorList('C. Bal\\\'azs, M{\\"u}ller and \\v{S}koda')).toEqual(['C. Balázs', 'Müller', 'Škoda']);
    expect(['Erd\\H{o}s', 'Fran\\c{c}ois', 'Stra\\ss e', 'Ma\\l{}gorzata', '\\alpha-team'].map(decodeLatexAccents)).toEqual([
      'Erdős',
      'François',
      'Straße',
      'Małgorzata',
      '\\alpha-team',
    ]);
  });

  it('reorders Dublin Core names and unglues crawl-glued lists but not names ending in "and"', () => {
    expect(forenamesFirst('Baillie, Robert')).toBe('Robert Baillie');
    expect(forenamesFirst('Collaboration ATLAS')).toBe('Collaboration ATLAS');
    expect(unglueAuthorNames(['Roland Wiest', 'Anand Rao'])).toEqual(['Roland Wiest', 'Anand Rao']);
    expect(unglueAuthorNames(['Xiangyu Kongand Xiaoxia Xingand Fan Wangand Suejin Hanand'])).toEqual([
      'Xiangyu Kong',
      'Xiaoxia Xing',
      'Fan Wang',
      'Suejin Han',
    ]);
  });
});

describe('Hugging Face daily papers', () => {
  it('maps paper fields and feed signals across schema vintages', () => {
    const results = parseHfDailyResponse(readFixture('hf/2025-06-02.json'), '2025-06-02');
    expect(results).toHaveLength(3);
    const [modern, old, broken] = results;
    if (!('paper' in modern) || !('paper' in old)) throw new Error('expected items');
    expect(normalizePaper(modern.paper)).toMatchObject({
      id: '2505.24864',
      title: 'ProRL: Prolonged Reinforcement Learning Expands Reasoning Boundaries in Large Language Models',
      authors: ['Mingjie Liu', 'Shizhe Diao'],
      submittedAt: '2025-05-30T17:59:01.000Z',
    });
    expect(modern.entry).toEqual({
      paperId: '2505.24864',
      day: '2025-06-02',
      submittedAt: '2025-06-02T03:18:21.654Z',
      submittedBy: 'shizhediao',
      upvotes: 35,
      numComments: 2,
      githubRepo: 'https://github.com/NVlabs/ProRL',
      githubStars: 120,
      projectPage: 'https://nvlabs.github.io/prorl/',
      keywords: ['reinforcement learning', 'ProRL'],
      aiSummary: 'Prolonged RL uncovers novel reasoning strategies.',
      source: 'hf',
      people: {
        authors: [
          { position: 0, name: 'Mingjie Liu', hfId: 'a1', hidden: false, status: null, statusChangedAt: null, user: null },
          {
            position: 1,
            name: 'Shizhe Diao',
            hfId: 'a2',
            hidden: false,
            status: null,
            statusChangedAt: null,
            user: { username: 'shizhediao', hfId: null, fullname: null, avatarUrl: null, isPro: false },
          },
        ],
        organization: null,
        mediaUrls: [],
        isAuthorParticipating: false,
        submitter: { username: 'shizhediao', hfId: 'u1', fullname: 'Shizhe Diao', avatarUrl: null, isPro: false },
      },
    });
    // Before submittedOnDailyAt existed the day comes from the file name.
    expect(old.entry).toMatchObject({ day: '2025-06-02', submittedAt: null, submittedBy: null, upvotes: 4, githubStars: null, keywords: [] });
    expect(broken).toEqual({ error: 'paper has no id' });
  });

  it('refuses the malformed crawls as unusable files', () => {
    expect(() => parseHfDailyResponse(readFixture('hf/2024-12-11.json'), '2024-12-11')).toThrow(/list of strings/);
    expect(() => parseHfDailyResponse(readFixture('hf/2025-01-10.json'), '2025-01-10')).toThrow(/\{status, date, count, data\} wrapper/);
    expect(() => parseHfDailyResponse('{"error": "x"}', null)).toThrow(/expected a JSON array/);
    expect(() => parseHfDailyResponse('[{"paper"', null)).toThrow(/invalid JSON/);
  });

  it('needs a day from somewhere', () => {
    expect(parseHfDailyResponse('[{"paper": {"id": "2406.00001", "title": "t"}}]', null)).toEqual([
      { error: 'no day: neither submittedOnDailyAt nor a YYYY-MM-DD file name' },
    ]);
  });
});
