// How a paper became someone's, and how "For you" says so next to a recommendation ("Because you saved X"), the
// same on the home page's tab and in the digest.

/** How a paper counts for a person: what they did with it. */
export type PositiveReason = 'saved' | 'upvoted' | 'claimed' | 'submitted';

/** The verb of "Because you … X". */
export const BECAUSE_VERB: Readonly<Record<PositiveReason, string>> = {
  saved: 'saved',
  upvoted: 'upvoted',
  claimed: 'are an author of',
  submitted: 'submitted',
};
