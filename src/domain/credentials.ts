// Secrets people hold (session cookies, sign-in links, access tokens) and password hashing.
// Tokens are 256 random bits; the store keeps only their SHA-256, so a leaked database opens no account.
// A fast hash is right for tokens (they are random, nothing to brute-force); passwords get scrypt.
import crypto from 'node:crypto';
import { promisify } from 'node:util';

const scrypt = promisify(crypto.scrypt) as (
  password: crypto.BinaryLike,
  salt: crypto.BinaryLike,
  keylen: number,
  options: crypto.ScryptOptions,
) => Promise<Buffer>;

/** A new random token, base64url, with an optional recognisable prefix (`pf_` for access tokens). */
export function newToken(prefix = ''): string {
  return prefix + crypto.randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export function newId(): string {
  return crypto.randomUUID();
}

// OWASP's recommended scrypt cost (N=2^17, r=8, p=1): 128 MiB and roughly a quarter second per hash here.
// The parameters are stored with each hash so they can be raised later without breaking old passwords.
const SCRYPT = { N: 2 ** 17, r: 8, p: 1, keylen: 32 };

export const PASSWORD_MIN_LENGTH = 10;
export const PASSWORD_MAX_LENGTH = 200;

export async function hashPassword(password: string): Promise<string> {
  const salt = crypto.randomBytes(16);
  const key = await derive(password, salt, SCRYPT.N, SCRYPT.r, SCRYPT.p, SCRYPT.keylen);
  return ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string | null): Promise<boolean> {
  // With no stored hash we still spend the same work, so timing does not tell which accounts exist.
  const parts = (stored ?? DUMMY_HASH).split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt') return false;
  const [, n, r, p, salt, expected] = parts;
  const want = Buffer.from(expected, 'base64url');
  const got = await derive(password, Buffer.from(salt, 'base64url'), Number(n), Number(r), Number(p), want.length);
  return stored !== null && crypto.timingSafeEqual(got, want);
}

const DUMMY_HASH = ['scrypt', SCRYPT.N, SCRYPT.r, SCRYPT.p, 'AAAAAAAAAAAAAAAAAAAAAA', 'A'.repeat(43)].join('$');

function derive(password: string, salt: Buffer, N: number, r: number, p: number, keylen: number): Promise<Buffer> {
  return scrypt(password.normalize('NFKC'), salt, keylen, { N, r, p, maxmem: 256 * N * r });
}
