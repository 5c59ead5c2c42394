import { describe, expect, it } from 'vitest';
import {
  AGE_OFFSET_HOURS,
  COMMENT_WEIGHT,
  compareTrending,
  GRAVITY,
  starVelocity,
  STAR_VELOCITY_WEIGHT,
  trendingScore,
  UPVOTE_WEIGHT,
} from '../../src/domain/trending.ts';

const base = { upvotes: 10, comments: 0, starsPerDay: null, stars: null, firstSeen: '2025-06-06' };

describe('trending score', () => {
  it('is attention over a power of age, with the parts it is made of', () => {
    const s = trendingScore({ ...base, comments: 2, starsPerDay: 7, stars: 999 }, '2025-06-08');
    expect(s.parts).toEqual({ upvotes: 10 * UPVOTE_WEIGHT, comments: 2 * COMMENT_WEIGHT, starVelocity: STAR_VELOCITY_WEIGHT * 3, stars: 3 });
    expect(s.ageHours).toBe(48);
    expect(s.score).toBeCloseTo(s.attention / Math.pow(48 + AGE_OFFSET_HOURS, GRAVITY), 12);
  });

  it('ranks fresh attention above old attention, and more attention above less', () => {
    const fresh = trendingScore(base, '2025-06-06');
    const old = trendingScore({ ...base, firstSeen: '2025-06-01' }, '2025-06-06');
    const more = trendingScore({ ...base, upvotes: 20 }, '2025-06-06');
    expect(fresh.score).toBeGreaterThan(old.score);
    expect(more.score).toBeGreaterThan(fresh.score);
  });

  it('never lets age go negative (a paper "from the future" counts as new)', () => {
    expect(trendingScore({ ...base, firstSeen: '2025-06-09' }, '2025-06-06').ageHours).toBe(0);
  });

  it('measures star velocity from snapshots, null without two of them', () => {
    expect(starVelocity([])).toBeNull();
    expect(starVelocity([{ observedAt: '2025-06-01T00:00:00Z', stars: 10 }])).toBeNull();
    expect(
      starVelocity([
        { observedAt: '2025-06-01T00:00:00Z', stars: 10 },
        { observedAt: '2025-06-03T00:00:00Z', stars: 50 },
      ]),
    ).toBe(20);
    // Stars can be withdrawn; velocity does not go below zero.
    expect(
      starVelocity([
        { observedAt: '2025-06-01T00:00:00Z', stars: 10 },
        { observedAt: '2025-06-02T00:00:00Z', stars: 5 },
      ]),
    ).toBe(0);
  });

  it('orders ties stably: newer first, then higher id', () => {
    const rows = [
      { id: '2506.1', firstSeen: '2025-06-01', score: 1 },
      { id: '2506.3', firstSeen: '2025-06-02', score: 1 },
      { id: '2506.2', firstSeen: '2025-06-02', score: 1 },
      { id: '2506.0', firstSeen: '2025-06-01', score: 2 },
    ];
    expect(rows.sort(compareTrending).map((r) => r.id)).toEqual(['2506.0', '2506.3', '2506.2', '2506.1']);
  });
});
