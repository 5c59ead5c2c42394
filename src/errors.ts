// The one error type that carries an HTTP status. Thrown anywhere below the edges, mapped centrally to an
// HTML error page, a JSON body `{ error: { code, message } }`, or a CLI message with an exit code.

/**
 * Every error code, with what it means: the one vocabulary of the API's `error.code`, the OpenAPI document's enum
 * and docs/api.md's table. A code names the kind of failure; the message says what exactly, for people.
 */
export const ERROR_CODES = {
  bad_request: 'A path parameter or form field is invalid.',
  bad_query: "A query parameter is invalid, or a required one (search's q) is missing; the message names it.",
  bad_json: 'The request body is not valid JSON.',
  bad_body: 'The JSON body has the wrong fields or types; the message names them.',
  bad_arxiv_id: 'What was given is not an arXiv id or arxiv.org / huggingface.co paper URL.',
  bad_parent: 'The comment replied to is not on this paper, or was removed.',
  empty_comment: 'A comment needs some text.',
  comment_too_long: 'A comment is over the length limit.',
  too_old: 'The paper is too old to submit to the Daily Papers.',
  invalid_link: 'A signed link (unsubscribe, digest) is not valid.',
  unauthorized: 'The request needs a signed-in user or an access token.',
  invalid_token: 'The access token is unknown or revoked.',
  sign_in_required: 'A page that needs a signed-in user (a redirect to the sign-in page).',
  forbidden: "The user is signed in but not allowed to do this (role, or someone else's content).",
  csrf: 'A write without a valid CSRF token: the form expired, or the request came from another site.',
  banned: 'The account is banned.',
  edit_window_closed: 'The comment can no longer be edited.',
  not_found: 'No such paper, page or thing (hidden papers included).',
  unknown_paper: 'arXiv has no paper with this id.',
  conflict: 'The change conflicts with what is stored.',
  username_taken: 'The username is taken.',
  email_taken: 'An account with the email address exists.',
  duplicate_submission: 'The paper is already in the Daily Papers.',
  already_claimed: 'This person already claimed (or asked to claim) this author entry.',
  entry_claimed: 'Someone else holds an approved claim on this author entry.',
  claim_closed: 'The claim was already decided or withdrawn.',
  too_many_claims: 'Past the number of pending authorship claims a person may have.',
  bad_form: 'A form field is missing or invalid; the message names it.',
  collection_exists: 'This person already has a collection with this title (the answer carries its slug).',
  item_exists: 'The paper is already in this collection.',
  too_many_collections: 'Past the number of collections a person may have.',
  collection_full: 'The collection holds as many papers as it may.',
  too_large: 'The request body is over the size limit.',
  rate_limited: 'Past the rate limit; Retry-After says when to come back.',
  internal: 'An unexpected failure; details are only in the server log.',
  arxiv_bad_response: 'arXiv answered with something unusable.',
  arxiv_unreachable: 'arXiv could not be reached.',
  arxiv_paused: 'Requests to arXiv are paused after repeated failures.',
  mail_unavailable: 'Mail cannot be sent now.',
  missing_file: 'A file given to a command does not exist (CLI).',
  bad_jsonl: 'A line of a JSON Lines file is not a JSON object (CLI).',
  unusable_input: 'An import file cannot be read as any supported format (CLI).',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export class AppError extends Error {
  override name = 'AppError';
  /** Fields a JSON error body carries beside `error` (a 409 names the existing thing, as Hugging Face's API does). */
  fields: Record<string, unknown> = {};
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code: ErrorCode = 'bad_request') => new AppError(400, code, message);
export const notFound = (message: string, code: ErrorCode = 'not_found') => new AppError(404, code, message);
export const forbidden = (message: string, code: ErrorCode = 'forbidden') => new AppError(403, code, message);
export const unauthorized = (message: string, code: ErrorCode = 'unauthorized') => new AppError(401, code, message);
export const conflict = (message: string, code: ErrorCode = 'conflict') => new AppError(409, code, message);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError(429, 'rate_limited', message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
