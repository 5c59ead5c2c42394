// Stored papers and their daily-feed signals in the JSON shapes of Hugging Face's papers API
// (GET /api/daily_papers items and GET /api/papers/{id}), so existing clients work unchanged. Field names,
// nesting and types follow the real responses in ../shared/data/hf-daily-papers-api. Identifiers Hugging Face
// minted are passed on as imported; the others (author and discussion _ids of papers Hugging Face never listed)
// are derived deterministically from the paper, so they are stable. Imported avatar URLs are passed on as given.
import crypto from 'node:crypto';
import type { ListedPaper } from '../../db/listings.ts';
import { publicationDate } from '../../domain/paper.ts';
import { NO_PEOPLE, type PaperPeople } from '../../db/people.ts';
import { LOCAL_CLAIM_STATUS, matchAuthorEntries, type HfUserRef } from '../../domain/people.ts';
import type { TrendingScore } from '../../domain/trending.ts';
import { avatarPath } from '../components/avatar.tsx';

export interface HfUser {
  _id: string;
  avatarUrl: string;
  isPro: boolean;
  fullname: string;
  user: string;
  type: 'user';
  name: string;
}

/** The account an author entry is linked to (`authors[].user`). */
export interface HfAuthorUser {
  _id: string;
  avatarUrl: string;
  isPro: boolean;
  fullname: string;
  user: string;
  type: 'user';
}

export interface HfAuthor {
  _id: string;
  name: string;
  hidden: boolean;
  /** claimed_verified, admin_assigned, extracted_pending, extracted_confirmed, extracted_infirmed (src/domain/people.ts). */
  status?: string;
  statusLastChangedAt?: string;
  user?: HfAuthorUser;
}

export interface HfOrganizationShape {
  _id: string;
  name: string;
  fullname: string;
  avatar?: string;
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
  organization?: HfOrganizationShape;
  mediaUrls?: string[];
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
  organization?: HfOrganizationShape;
  isAuthorParticipating: boolean;
  mediaUrls: string[];
}

/** What the shapes need besides the paper: its people, and the site's address for the avatars drawn here. */
export interface ShapeContext {
  people?: PaperPeople;
  baseUrl: string;
}

/** A 24-hex-digit id shaped like the MongoDB ObjectIds Hugging Face uses, stable for the same input. */
export function stableObjectId(...parts: string[]): string {
  return crypto.createHash('sha1').update(parts.join('\u0000')).digest('hex').slice(0, 24);
}

function isoWithMillis(iso: string | null, fallbackDay: string | null): string {
  if (iso) return new Date(iso).toISOString();
  return `${fallbackDay ?? '1970-01-01'}T00:00:00.000Z`;
}

/** An account as Hugging Face names it: the imported facts when there are any, else an account here. */
function account(username: string, hf: HfUserRef | null, baseUrl: string): HfAuthorUser {
  return {
    _id: hf?.hfId ?? stableObjectId('user', username),
    avatarUrl: hf?.avatarUrl ?? baseUrl + avatarPath(username),
    isPro: hf?.isPro ?? false,
    fullname: hf?.fullname ?? username,
    user: username,
    type: 'user',
  };
}

function submitterUser(name: string, hf: HfUserRef | null, baseUrl: string): HfUser {
  return { ...account(name, hf, baseUrl), name };
}

/**
 * The paper's authors with Hugging Face's fields: an approved claim here reports `claimed_verified` and the account
 * here; otherwise Hugging Face's status and account, as imported.
 */
function authorsOf(item: ListedPaper, people: PaperPeople, baseUrl: string): HfAuthor[] {
  const { paper } = item;
  return matchAuthorEntries(paper.authors, people.hfAuthors, people.claims).map((a) => {
    const out: HfAuthor = { _id: a.hf?.hfId ?? stableObjectId('author', paper.id, String(a.position)), name: a.name, hidden: a.hf?.hidden ?? false };
    if (a.claim) {
      out.status = LOCAL_CLAIM_STATUS;
      if (a.claim.approvedAt) out.statusLastChangedAt = a.claim.approvedAt;
      out.user = account(a.claim.username, null, baseUrl);
    } else if (a.hf) {
      if (a.hf.status) out.status = a.hf.status;
      if (a.hf.statusChangedAt) out.statusLastChangedAt = a.hf.statusChangedAt;
      if (a.hf.user) out.user = account(a.hf.user.username, a.hf.user, baseUrl);
    }
    return out;
  });
}

function organizationOf(people: PaperPeople): HfOrganizationShape | undefined {
  const o = people.organization;
  if (!o) return undefined;
  return { _id: o.hfId ?? stableObjectId('organization', o.name), name: o.name, fullname: o.fullname, ...(o.avatarUrl ? { avatar: o.avatarUrl } : {}) };
}

/** The submitter's account: Hugging Face's when the entry came from there, else the account here. */
function submitterOf(item: ListedPaper, people: PaperPeople): HfUserRef | null {
  return item.signals.source === 'hf' && people.submitter?.username === item.signals.submittedBy ? people.submitter : null;
}

export function hfPaper(item: ListedPaper & { trending?: TrendingScore }, context: ShapeContext): HfPaper {
  const { paper, signals } = item;
  const people = context.people ?? NO_PEOPLE;
  const out: HfPaper = {
    id: paper.id,
    authors: authorsOf(item, people, context.baseUrl),
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
  if (signals.submittedBy) out.submittedOnDailyBy = submitterUser(signals.submittedBy, submitterOf(item, people), context.baseUrl);
  const organization = organizationOf(people);
  if (organization) out.organization = organization;
  if (people.mediaUrls.length) out.mediaUrls = people.mediaUrls;
  if (item.trending) out.trending = { score: item.trending.score, parts: item.trending.parts };
  return out;
}

/**
 * The list item every list endpoint answers with (daily papers, search, similar papers): Hugging Face's daily-papers
 * item, so a client reads comments, submitter and thumbnail the same way from each.
 */
export function hfDailyItem(item: ListedPaper & { trending?: TrendingScore }, context: ShapeContext): HfDailyItem {
  const people = context.people ?? NO_PEOPLE;
  const paper = hfPaper(item, context);
  const out: HfDailyItem = {
    paper,
    publishedAt: paper.submittedOnDailyAt ?? paper.publishedAt,
    title: paper.title,
    summary: paper.summary,
    thumbnail: `${context.baseUrl}/papers/${item.paper.id}/thumbnail.png`,
    numComments: item.signals.comments,
    isAuthorParticipating: people.isAuthorParticipating,
    mediaUrls: people.mediaUrls,
  };
  if (item.signals.submittedBy) {
    const { user: _user, ...rest } = submitterUser(item.signals.submittedBy, submitterOf(item, people), context.baseUrl);
    out.submittedBy = { ...rest, isHf: false, isHfAdmin: false, isMod: false, isUserFollowing: false };
  }
  if (paper.organization) out.organization = paper.organization;
  return out;
}
