import { describe, expect, it } from 'vitest';
import { splitByDate } from '../../../src/recommend/evaluate.ts';
import { dayNumber, dayString } from '../../../src/recommend/rank.ts';

const paper = (doc: number, day: string, at = '') => ({ doc, day: dayNumber(day), at });

describe('splitByDate', () => {
  it('trains on the first ⌈70%⌉ by day, then time, and holds out the rest with its period', () => {
    const papers = [
      paper(9, '2025-03-02', '2025-03-02T09:00:00Z'),
      paper(1, '2025-03-01'),
      paper(4, '2025-03-02', '2025-03-02T08:00:00Z'),
      paper(7, '2025-03-05'),
      paper(3, '2025-03-09'),
      paper(2, '2025-03-03'),
      paper(8, '2025-03-04'),
      paper(5, '2025-03-06'),
      paper(6, '2025-03-07'),
      paper(0, '2025-03-08'),
    ];
    const split = splitByDate(papers, 0.7)!;
    expect(split.train.map((p) => p.doc)).toEqual([1, 4, 9, 2, 8, 7, 5]);
    expect(split.test.map((p) => p.doc)).toEqual([6, 0, 3]);
    expect([dayString(split.from), dayString(split.to)]).toEqual(['2025-03-07', '2025-03-09']);
    // 11 papers: ⌈7.7⌉ = 8 train.
    expect(splitByDate([...papers, paper(10, '2025-03-10')], 0.7)!.train).toHaveLength(8);
  });

  it('gives no split when one side would be empty', () => {
    expect(splitByDate([paper(1, '2025-01-01')], 0.7)).toBeNull();
    expect(splitByDate([], 0.7)).toBeNull();
  });

  it('days are whole UTC days; a malformed day is refused', () => {
    expect(dayString(dayNumber('2024-02-29'))).toBe('2024-02-29');
    expect(() => dayNumber('yesterday')).toThrow(/YYYY-MM-DD/);
  });
});
