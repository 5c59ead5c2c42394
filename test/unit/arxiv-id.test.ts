import { describe, expect, it } from 'vitest';
import { InvalidArxivIdError, parseArxivId, storedIdForms, tryParseArxivId } from '../../src/domain/arxiv-id.ts';

describe('parseArxivId', () => {
  it.each([
    ['2406.01234', '2406.01234', null, 'new'],
    ['2406.01234v3', '2406.01234', 3, 'new'],
    ['0704.0001', '0704.0001', null, 'new'],
    ['1412.6980v9', '1412.6980', 9, 'new'],
    ['hep-th/9901001', 'hep-th/9901001', null, 'old'],
    ['hep-th/9901001v2', 'hep-th/9901001', 2, 'old'],
    ['math.GT/0309136', 'math.GT/0309136', null, 'old'],
    ['astro-ph/0601001', 'astro-ph/0601001', null, 'old'],
    ['https://arxiv.org/abs/2406.01234v2', '2406.01234', 2, 'new'],
    ['https://arxiv.org/pdf/2406.01234.pdf', '2406.01234', null, 'new'],
    ['arXiv:2406.01234', '2406.01234', null, 'new'],
    ['oai:arXiv.org:2107.10460', '2107.10460', null, 'new'],
    ['  2406.01234  ', '2406.01234', null, 'new'],
    ['https://huggingface.co/papers/2406.01234', '2406.01234', null, 'new'],
    // Every form a researcher pastes into a search box (issue 13): bare, versioned, prefixed, URLs, DOIs.
    ['2506.00338v1', '2506.00338', 1, 'new'],
    ['math.AG/0101001v2', 'math.AG/0101001', 2, 'old'],
    ['ARXIV:2506.00338', '2506.00338', null, 'new'],
    ['arxiv:hep-th/9901001', 'hep-th/9901001', null, 'old'],
    ['arXiv: 2506.00338v2', '2506.00338', 2, 'new'],
    ['https://arxiv.org/abs/2506.00338v1', '2506.00338', 1, 'new'],
    ['http://export.arxiv.org/abs/hep-th/9901001v3', 'hep-th/9901001', 3, 'old'],
    ['https://www.arxiv.org/abs/2506.00338', '2506.00338', null, 'new'],
    ['arxiv.org/abs/2506.00338', '2506.00338', null, 'new'],
    ['https://arxiv.org/abs/2506.00338?context=cs.CL', '2506.00338', null, 'new'],
    ['https://arxiv.org/pdf/2506.00338', '2506.00338', null, 'new'],
    ['https://arxiv.org/pdf/2506.00338v2', '2506.00338', 2, 'new'],
    ['https://arxiv.org/pdf/2506.00338v2.pdf', '2506.00338', 2, 'new'],
    ['https://export.arxiv.org/pdf/math.AG/0101001v2.pdf', 'math.AG/0101001', 2, 'old'],
    ['https://arxiv.org/html/2506.00338v1', '2506.00338', 1, 'new'],
    ['https://arxiv.org/html/2506.00338v1/#S3', '2506.00338', 1, 'new'],
    ['https://arxiv.org/abs/2506.00338/', '2506.00338', null, 'new'],
    ['huggingface.co/papers/2506.00338', '2506.00338', null, 'new'],
    ['https://huggingface.co/papers/2506.00338#community', '2506.00338', null, 'new'],
    ['https://hf.co/papers/2506.00338', '2506.00338', null, 'new'],
    ['https://www.alphaxiv.org/abs/2506.00338', '2506.00338', null, 'new'],
    ['https://alphaxiv.org/abs/2506.00338v2', '2506.00338', 2, 'new'],
    ['https://www.alphaxiv.org/overview/2506.00338', '2506.00338', null, 'new'],
    ['10.48550/arXiv.2506.00338', '2506.00338', null, 'new'],
    ['10.48550/ARXIV.2506.00338', '2506.00338', null, 'new'],
    ['doi:10.48550/arXiv.2506.00338', '2506.00338', null, 'new'],
    ['DOI: 10.48550/arXiv.hep-th/9901001', 'hep-th/9901001', null, 'old'],
    ['https://doi.org/10.48550/arXiv.2506.00338', '2506.00338', null, 'new'],
    ['https://dx.doi.org/10.48550/arXiv.2506.00338', '2506.00338', null, 'new'],
    ['https://doi.org/10.48550%2FarXiv.2506.00338', '2506.00338', null, 'new'],
  ])('parses %s', (input, id, version, scheme) => {
    expect(parseArxivId(input)).toEqual({ id, version, scheme });
  });

  it.each([
    'abc',
    '',
    '2406.1234', // four digits after 2015
    '1412.12345', // five digits before 2015
    '2413.01234', // month 13
    '0612.0001', // new style before April 2007
    'hep-th/0801001', // old style after 2007
    'HEP-TH/9901001',
    '2406.01234v0',
    '2406.01234 extra',
    '../etc/passwd',
    'x'.repeat(500),
    'https://example.org/abs/2506.00338',
    'https://arxiv.org/list/cs.CL/new',
    '10.1000/arXiv.2506.00338', // another registrant's DOI
    'https://doi.org/10.48550/arXiv.250600338',
    'retrieval augmented generation',
    '2506.00338 attention',
    '%E0%A4%A',
  ])('rejects %j', (input) => {
    expect(() => parseArxivId(input)).toThrow(InvalidArxivIdError);
    expect(tryParseArxivId(input)).toBeNull();
  });

  it('names the bad input in the message', () => {
    expect(() => parseArxivId('abc')).toThrow('not an arXiv id: "abc"');
  });

  it('gives the archive form arXiv stores for an old-style id with a subject class', () => {
    expect(storedIdForms(parseArxivId('math.AG/0101001v2'))).toEqual(['math/0101001', 'math.AG/0101001']);
    expect(storedIdForms(parseArxivId('hep-th/9901001'))).toEqual(['hep-th/9901001']);
    expect(storedIdForms(parseArxivId('2506.00338'))).toEqual(['2506.00338']);
  });
});
