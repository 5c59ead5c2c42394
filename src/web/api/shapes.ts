// Stored papers and their daily-feed signals in the JSON shapes of Hugging Face's papers API
// (GET /api/daily_papers items and GET /api/papers/{id}), so existing clients work unchanged. Field names,
// nesting and types follow the real responses in ../shared/data/hf-daily-papers-api. Identifiers Hugging Face
// mints (author and discussion _ids) are derived deterministically from the paper, so they are stable.
import crypto from 'node:crypto';
import type { ListedPaper } from '../../db/listings.ts';
import { publicationDate } from '../../domain/paper.ts';
import type { TrendingScore } from '../../domain/trending.ts';

export interface HfUser {
  _id: string;
  avatarUrl: string;
  isPro: boolean;
  fullname: string;
  user: string;
  type: 'user';
  name: string;
}

export interface HfAuthor {
  _id: string;
  name: string;
  hidden: boolean;
}

export interface HfPaper {
  id: string;
  authors: HfAuthor[];
  publishedAt: string;
  title: string;
  summary: string;
  upvotes: number;
  discussionId: string;
  ai_summary?: string;
  ai_keywords?: string[];
  githubRepo?: string;
  githubStars?: number;
  projectPage?: string;
  submittedOnDailyAt?: string;
  submittedOnDailyBy?: HfUser;
  /** Paperfeed additions (clients of Hugging Face's API ignore unknown fields). */
  numComments: number;
  categories: string[];
  arxivVersion: number;
  trending?: { score: number; parts: TrendingScore['parts'] };
}

export interface HfSubmitter extends Omit<HfUser, 'user'> {
  isHf: boolean;
  isHfAdmin: boolean;
  isMod: boolean;
  isUserFollowing: boolean;
}

export interface HfDailyItem {
  paper: HfPaper;
  publishedAt: string;
  title: string;
  summary: string;
  thumbnail: string;
  numComments: number;
  submittedBy?: HfSubmitter;
  isAuthorParticipating: boolean;
  mediaUrls: string[];
}

/** A 24-hex-digit id shaped like the MongoDB ObjectIds Hugging Face uses, stable for the same input. */
export function stableObjectId(...parts: string[]): string {
  return crypto.createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}

function isoWithMillis(iso: string | null, fallbackDay: string | null): string {
  if (iso) return new Date(iso).toISOString();
  return `${fallbackDay ?? '1970-01-01'}T00:00:00.000Z`;
}

function submitterUser(name: string): HfUser {
  return {
    _id: stableObjectId('user', name),
    avatarUrl: `/avatars/${encodeURIComponent(name)}.svg`,
    isPro: false,
    fullname: name,
    user: name,
    type: 'user',
    name,
  };
}

export function hfPaper(item: ListedPaper & { trending?: TrendingScore }): HfPaper {
  const { paper, signals } = item;
  const out: HfPaper = {
    id: paper.id,
    authors: paper.authors.map((name, i) => ({ _id: stableObjectId('author', paper.id, String(i)), name, hidden: false })),
    publishedAt: isoWithMillis(publicationDate(paper), paper.announcedOn),
    title: paper.title,
    summary: paper.abstract,
    upvotes: signals.upvotes,
    discussionId: stableObjectId('discussion', paper.id),
    numComments: signals.comments,
    categories: paper.categories,
    arxivVersion: paper.version,
  };
  if (paper.aiSummary) out.ai_summary = paper.aiSummary;
  if (paper.keywords.length) out.ai_keywords = paper.keywords;
  if (paper.codeUrl) out.githubRepo = paper.codeUrl;
  if (paper.githubStars !== null) out.githubStars = paper.githubStars;
  if (paper.projectUrl) out.projectPage = paper.projectUrl;
  if (signals.day) out.submittedOnDailyAt = isoWithMillis(signals.submittedAt, signals.day);
  if (signals.submittedBy) out.submittedOnDailyBy = submitterUser(signals.submittedBy);
  if (item.trending) out.trending = { score: item.trending.score, parts: item.trending.parts };
  return out;
}

export function hfDailyItem(item: ListedPaper & { trending?: TrendingScore }, baseUrl: string): HfDailyItem {
  const paper = hfPaper(item);
  const out: HfDailyItem = {
    paper,
    publishedAt: paper.submittedOnDailyAt ?? paper.publishedAt,
    title: paper.title,
    summary: paper.summary,
    thumbnail: `${baseUrl}/papers/${item.paper.id}/thumbnail.svg`,
    numComments: item.signals.comments,
    isAuthorParticipating: false,
    mediaUrls: [],
  };
  if (item.signals.submittedBy) {
    const { user: _user, ...rest } = submitterUser(item.signals.submittedBy);
    out.submittedBy = { ...rest, isHf: false, isHfAdmin: false, isMod: false, isUserFollowing: false };
  }
  return out;
}
