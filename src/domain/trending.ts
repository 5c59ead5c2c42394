// The trending score: what people are paying attention to now. One formula, in the spirit of Hacker News'
// and Lobsters' hotness — attention divided by a power of age — so a paper needs fresh attention to stay up:
//
//   attention = UPVOTE_WEIGHT · upvotes
//             + COMMENT_WEIGHT · comments
//             + STAR_VELOCITY_WEIGHT · log2(1 + GitHub stars gained per day over the window)
//             + STAR_TOTAL_WEIGHT · log10(1 + GitHub stars)
//   score     = attention / (age in hours + AGE_OFFSET_HOURS) ^ GRAVITY
//
// Only papers that entered the daily feed or were announced within WINDOW_DAYS are candidates, so the upvotes
// and comments counted are those of the window. Logarithms keep a famous repository (tens of thousands of
// stars) from burying papers the community voted up; velocity counts more than the total because trending is
// about the present. The parts are returned alongside the score so every listing can say why a paper is there.
import { daysBetween } from './periods.ts';

/** Candidates are papers first seen within this many days of the reference day. */
export const WINDOW_DAYS = 7;
/** One upvote is the unit of attention. */
export const UPVOTE_WEIGHT = 1;
/** A comment is a stronger signal than an upvote: someone cared enough to write. */
export const COMMENT_WEIGHT = 2;
/** Doubling the daily star gain adds this many upvotes' worth of attention. */
export const STAR_VELOCITY_WEIGHT = 3;
/** A tenfold larger repository adds this many upvotes' worth: a weak, static popularity signal. */
export const STAR_TOTAL_WEIGHT = 1;
/** Hours added to the age so a brand-new paper's score is finite and a few hours' head start matters little. */
export const AGE_OFFSET_HOURS = 24;
/** How fast age wins over attention. Hacker News uses 1.8 for an hourly rhythm; papers live for days, so age weighs less. */
export const GRAVITY = 1.5;

export interface TrendingSignals {
  upvotes: number;
  comments: number;
  /** Stars gained per day over the window; null when there is no star history for the repository. */
  starsPerDay: number | null;
  /** Current stars, or null without a repository. */
  stars: number | null;
  /** YYYY-MM-DD the paper first appeared (daily-feed day, else announcement). */
  firstSeen: string;
}

export interface TrendingScore {
  score: number;
  /** Contributions to attention, in upvote units, so a page can show "12 upvotes + 4 from comments …". */
  parts: { upvotes: number; comments: number; starVelocity: number; stars: number };
  attention: number;
  ageHours: number;
  /** The factor attention is divided by. */
  decay: number;
}

/**
 * Scores a paper as of a reference day. The reference is the latest day with activity rather than the clock,
 * so a store that stopped harvesting still ranks its last week instead of decaying every paper to zero.
 */
export function trendingScore(s: TrendingSignals, referenceDay: string): TrendingScore {
  const parts = {
    upvotes: UPVOTE_WEIGHT * Math.max(0, s.upvotes),
    comments: COMMENT_WEIGHT * Math.max(0, s.comments),
    starVelocity: s.starsPerDay === null ? 0 : STAR_VELOCITY_WEIGHT * Math.log2(1 + Math.max(0, s.starsPerDay)),
    stars: s.stars === null ? 0 : STAR_TOTAL_WEIGHT * Math.log10(1 + Math.max(0, s.stars)),
  };
  const attention = parts.upvotes + parts.comments + parts.starVelocity + parts.stars;
  // A paper counts as seen at the end of its day's announcement; age never goes negative.
  const ageHours = Math.max(0, daysBetween(s.firstSeen, referenceDay) * 24);
  const decay = (ageHours + AGE_OFFSET_HOURS) ** GRAVITY;
  return { score: attention / decay, parts, attention, ageHours, decay };
}

/** Stars gained per day between the first and last observation, or null with fewer than two observations. */
export function starVelocity(snapshots: { observedAt: string; stars: number }[]): number | null {
  if (snapshots.length < 2) return null;
  const first = snapshots[0];
  const last = snapshots[snapshots.length - 1];
  const days = (Date.parse(last.observedAt) - Date.parse(first.observedAt)) / 86_400_000;
  if (!(days > 0)) return null;
  return Math.max(0, (last.stars - first.stars) / days);
}

/** Orders by score, highest first; ties go to the newer paper, then the higher id, so the order is stable. */
export function compareTrending<T extends { score: number; firstSeen: string; id: string }>(a: T, b: T): number {
  return b.score - a.score || (a.firstSeen < b.firstSeen ? 1 : a.firstSeen > b.firstSeen ? -1 : 0) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
