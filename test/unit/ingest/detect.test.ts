import { describe, expect, it } from 'vitest';
import { dayFromFileName, detectFormat } from '../../../src/ingest/detect.ts';
import { readFixture } from '../../helpers/fixtures.ts';

describe('detectFormat', () => {
  it('recognises every fixture by content', () => {
    expect(detectFormat(readFixture('kaggle-snapshot.jsonl'))).toBe('kaggle');
    expect(detectFormat(readFixture('listings/2025-03-18.jsonl'))).toBe('listing');
    expect(detectFormat(readFixture('oai-dc-page.xml'))).toBe('oai');
    expect(detectFormat(readFixture('atom-page.xml'))).toBe('atom');
    expect(detectFormat(readFixture('atom-error.json'))).toBe('atom');
    expect(detectFormat(readFixture('hf/2025-06-02.json'))).toBe('hf-daily');
    expect(detectFormat(readFixture('hf/2025-01-10.json'))).toBe('hf-daily');
  });

  it('goes by leading keys when the first line is cut off by the sample', () => {
    expect(detectFormat('{"id": "0704.0001", "submitter": "P", "title": "' + 'x'.repeat(100))).toBe('kaggle');
    expect(detectFormat('{"id": "2503.11731", "pdf": "https://arxiv.org/pdf/2503.11731", "title": "' + 'x'.repeat(100))).toBe('listing');
  });

  it('returns null for anything else', () => {
    expect(detectFormat('# README\n')).toBeNull();
    expect(detectFormat('<html><body/></html>')).toBeNull();
    expect(detectFormat('{"_id": "1", "text": "a BEIR corpus line"}\n')).toBeNull();
    expect(detectFormat('')).toBeNull();
  });
});

describe('dayFromFileName', () => {
  it('reads real calendar days only', () => {
    expect(dayFromFileName('/data/days/2025-03-18.jsonl.gz')).toBe('2025-03-18');
    expect(dayFromFileName('2024-12-11.json')).toBe('2024-12-11');
    expect(dayFromFileName('2025-02-30.json')).toBeNull();
    expect(dayFromFileName('snapshot.json')).toBeNull();
  });
});
