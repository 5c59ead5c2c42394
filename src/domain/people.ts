// What is known about the people behind a paper, beyond its list of author names: Hugging Face's record of each
// author entry (its id, whether it is hidden, and the Hugging Face account it is linked to, with the status of
// that link), the organisation that published it, its media, and the accounts on this site whose claim of an
// author entry a moderator approved. Pure: the shapes and the rule that lines them up with the paper's authors.
import { authorKey } from './author-name.ts';

/**
 * How Hugging Face linked an author entry to an account, as its API reports it (`authors[].status`):
 * `claimed_verified` the person claimed it and Hugging Face verified the claim; `admin_assigned` Hugging Face's staff
 * linked it; `extracted_pending` Hugging Face matched it to an account automatically (by email) and the person has
 * not confirmed yet; `extracted_confirmed` the person confirmed that match; `extracted_infirmed` the person turned
 * the match down (the entry then has no account). Other values are kept as given and treated as unconfirmed.
 */
export const HF_CONFIRMED_STATUSES = ['claimed_verified', 'admin_assigned', 'extracted_confirmed'] as const;
export const HF_PENDING_STATUS = 'extracted_pending';
/** The status this site reports for an author entry whose claim a moderator approved: Hugging Face's word for the same thing. */
export const LOCAL_CLAIM_STATUS = 'claimed_verified';

export function isConfirmedHfStatus(status: string | null): boolean {
  return (HF_CONFIRMED_STATUSES as readonly string[]).includes(status ?? '');
}

/** A Hugging Face account as the imported data names it. Avatar URLs are kept as given (relative ones too). */
export interface HfUserRef {
  username: string;
  hfId: string | null;
  fullname: string | null;
  avatarUrl: string | null;
  isPro: boolean;
}

/** One author entry of a paper as Hugging Face lists it. */
export interface HfAuthorEntry {
  position: number;
  name: string;
  hfId: string | null;
  hidden: boolean;
  status: string | null;
  statusChangedAt: string | null;
  user: HfUserRef | null;
}

export interface HfOrganization {
  name: string;
  hfId: string | null;
  fullname: string;
  avatarUrl: string | null;
}

/** The people-related parts of one Hugging Face daily-papers entry. */
export interface HfPeople {
  authors: HfAuthorEntry[];
  organization: HfOrganization | null;
  mediaUrls: string[];
  isAuthorParticipating: boolean | null;
  submitter: HfUserRef | null;
}

/** An approved claim of an author entry by an account here. */
export interface ApprovedClaim {
  claimId: string;
  position: number;
  authorKey: string;
  userId: string;
  username: string;
  approvedAt: string;
}

/** One author of a paper with what is known about the person. */
export interface AuthorEntryView {
  position: number;
  name: string;
  key: string;
  hf: HfAuthorEntry | null;
  claim: ApprovedClaim | null;
}

/**
 * Lines up the paper's authors (the arXiv list) with Hugging Face's entries and the approved claims. An entry
 * belongs to the author at its own position when their names share a key; otherwise to the first author with that
 * key not yet taken, so a version that inserts or reorders authors keeps each link on the right name. Entries
 * whose name matches no author are dropped.
 */
export function matchAuthorEntries(names: string[], hfEntries: HfAuthorEntry[], claims: ApprovedClaim[]): AuthorEntryView[] {
  const keys = names.map(authorKey);
  const hfByPosition = assign(
    keys,
    hfEntries.map((e) => ({ item: e, position: e.position, key: authorKey(e.name) })),
  );
  const claimByPosition = assign(
    keys,
    claims.map((c) => ({ item: c, position: c.position, key: c.authorKey })),
  );
  return names.map((name, position) => ({
    position,
    name,
    key: keys[position],
    hf: hfByPosition.get(position) ?? null,
    claim: claimByPosition.get(position) ?? null,
  }));
}

function assign<T>(keys: string[], items: { item: T; position: number; key: string }[]): Map<number, T> {
  const out = new Map<number, T>();
  const rest: typeof items = [];
  for (const x of items) {
    if (x.key && keys[x.position] === x.key && !out.has(x.position)) out.set(x.position, x.item);
    else rest.push(x);
  }
  for (const x of rest) {
    if (!x.key) continue;
    const at = keys.findIndex((k, i) => k === x.key && !out.has(i));
    if (at >= 0) out.set(at, x.item);
  }
  return out;
}
