// Rules for accounts that hold wherever an account is created (web form, API, CLI).

export type Role = 'user' | 'moderator' | 'admin';
export const ROLES: readonly Role[] = ['user', 'moderator', 'admin'];

/** True when `role` may do what `needed` may: admins can do everything moderators can. */
export function roleAllows(role: Role, needed: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(needed);
}

// Letters, digits, '-' and '_', 2–30 characters, starting with a letter or digit: a username is part of
// profile URLs and is shown everywhere, so it carries no markup, spaces or look-alike punctuation.
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9_-]{1,29}$/;
const RESERVED = new Set(['admin', 'administrator', 'moderator', 'mod', 'paperfeed', 'api', 'settings', 'signin', 'signup', 'support']);

/** null when the username is acceptable, else a sentence saying why not. */
export function usernameProblem(username: string): string | null {
  if (!USERNAME.test(username)) {
    return 'a username is 2 to 30 letters, digits, "-" or "_", starting with a letter or digit';
  }
  if (RESERVED.has(username.toLowerCase())) return `the username "${username}" is reserved`;
  return null;
}

/** Sign-in links are single use and expire after this long. */
export const SIGN_IN_LINK_TTL_MS = 15 * 60_000;

/** The link a sign-in mail (or `paperfeed user create-admin`) hands out; it opens a confirmation page. */
export function signInLinkUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/signin/link?token=${encodeURIComponent(token)}`;
}

/**
 * The form an account's email is stored and looked up in: lower case throughout. Mail systems treat the
 * local part case-insensitively in practice, and "Ada@x.org" and "ada@x.org" must not be two accounts.
 * Takes the result of the mail layer's normalizeAddress (which validates the address).
 */
export function accountEmail(validated: string | null): string | null {
  return validated === null ? null : validated.toLowerCase();
}
