// Security headers on every response. The CSP allows scripts and styles only from our own origin (the hashed
// files under /assets): no inline script, no inline style, no eval. JSON-LD blocks are data, not script, so the
// policy does not need to admit them. Images come from our own origin only (thumbnails, the avatars drawn at
// /avatars/…): pages never hot-link imported pictures, so no third party learns who reads what.
import type { MiddlewareHandler } from 'hono';

export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "manifest-src 'self'",
].join('; ');

// Deliberately few: each header costs on every response. X-Frame-Options is left out because the CSP's
// frame-ancestors supersedes it in every browser that supports CSP 2; Permissions-Policy because no page uses a
// powerful feature and the CSP already forbids the scripts that could.
const HEADERS: Record<string, string> = {
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'strict-origin-when-cross-origin',
  'Cross-Origin-Opener-Policy': 'same-origin',
};

/** The headers every response carries; HSTS only over HTTPS (a plain-HTTP dev server's would be ignored anyway). */
export function securityHeaderSet(options: { https: boolean }): Record<string, string> {
  return options.https ? { ...HEADERS, 'Strict-Transport-Security': 'max-age=31536000; includeSubDomains' } : { ...HEADERS };
}

/** Adds the security headers a response does not set itself (the digest preview sets its own CSP). */
export function securityHeaders(options: { https: boolean }): MiddlewareHandler {
  const entries = Object.entries(securityHeaderSet(options));
  return async (c, next) => {
    await next();
    for (const [name, value] of entries) if (!c.res.headers.has(name)) c.res.headers.set(name, value);
  };
}
