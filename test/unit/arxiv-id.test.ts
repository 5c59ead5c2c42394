import { describe, expect, it } from 'vitest';
import { InvalidArxivIdError, parseArxivId, tryParseArxivId } from '../../src/domain/arxiv-id.ts';

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
  ])('rejects %j', (input) => {
    expect(() => parseArxivId(input)).toThrow(InvalidArxivIdError);
    expect(tryParseArxivId(input)).toBeNull();
  });

  it('names the bad input in the message', () => {
    expect(() => parseArxivId('abc')).toThrow('not an arXiv id: "abc"');
  });
});
