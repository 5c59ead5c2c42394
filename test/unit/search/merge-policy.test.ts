// Which stored segments a compaction joins (service.ts, segmentsToJoin): the lowest level that holds four
// segments, when they are at most a tenth of the stored papers; never a full build's segment.
import { describe, expect, it } from 'vitest';
import { JOIN_COUNT, segmentsToJoin } from '../../../src/search/service.ts';

const base = { id: 'base', docs: 1_000_000 };
const flushed = (n: number, level = 0, docs = 10_000) => Array.from({ length: n }, (_, i) => ({ id: `l${level}-${i}`, level, docs }));

describe('segments a compaction joins', () => {
  it('waits for four segments of one level', () => {
    expect(JOIN_COUNT).toBe(4);
    expect(segmentsToJoin([base, ...flushed(3)])).toBeNull();
    expect(segmentsToJoin([base, ...flushed(4)])).toEqual(['l0-0', 'l0-1', 'l0-2', 'l0-3']);
    // Levels are not mixed: three of level 0 and one of level 1 are not four of a level.
    expect(segmentsToJoin([base, ...flushed(3), ...flushed(1, 1, 40_000)])).toBeNull();
  });

  it('joins the lowest level first, all of it', () => {
    expect(segmentsToJoin([base, ...flushed(4, 1, 40_000), ...flushed(5)])).toEqual(['l0-0', 'l0-1', 'l0-2', 'l0-3', 'l0-4']);
    expect(segmentsToJoin([base, ...flushed(4, 1, 20_000), ...flushed(2)])).toEqual(['l1-0', 'l1-1', 'l1-2', 'l1-3']);
  });

  it('never joins more than a tenth of the stored papers, nor a full build', () => {
    // 4 × 40,000 = 160,000 of 1,160,000: over a tenth.
    expect(segmentsToJoin([base, ...flushed(4, 1, 40_000)])).toBeNull();
    expect(segmentsToJoin([base, ...flushed(4, 1, 40_000)], 0.2)).toHaveLength(4);
    expect(segmentsToJoin(Array.from({ length: 6 }, (_, i) => ({ id: `b${i}`, docs: 10 })))).toBeNull();
  });
});
