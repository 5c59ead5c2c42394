// Signed links in mails: confirm a sign-up, unsubscribe, manage preferences. HMAC-SHA256 with a key derived
// from the app secret for this one purpose, so a mail token can never pass for a session or CSRF token.
//
//   confirm:      <subscription id>.<nonce>.<mac>   single use: the nonce is cleared in the database on use
//   unsubscribe:  <subscription id>.<mac>           valid as long as the subscription's server-side link key
//   manage:       <subscription id>.<mac>           (rotating that key revokes every old link at once)
import crypto from 'node:crypto';
import type { Config } from '../config.ts';
import type { Database } from '../db/connect.ts';
import { loadOrCreateSecret } from '../db/sessions.ts';

export type LinkPurpose = 'confirm' | 'unsubscribe' | 'manage';

const ID = /^[0-9a-f]{16}$/;
const NONCE = /^[0-9a-f]{32}$/;
const MAC = /^[A-Za-z0-9_-]{43}$/;

export interface ParsedToken {
  id: string;
  /** Present for confirm tokens. */
  nonce: string | null;
  mac: string;
}

export class LinkSigner {
  private readonly key: Buffer;

  constructor(secret: string) {
    this.key = crypto.createHmac('sha256', secret).update('paperfeed/mail-links/v1').digest();
  }

  private mac(purpose: LinkPurpose, id: string, binding: string): string {
    return crypto.createHmac('sha256', this.key).update(`${purpose}\n${id}\n${binding}`).digest('base64url');
  }

  confirmToken(id: string, nonce: string): string {
    return `${id}.${nonce}.${this.mac('confirm', id, nonce)}`;
  }

  /** `linkKey` is the subscription's server-side key; it is bound into the MAC, never put into the link. */
  subscriptionToken(purpose: 'unsubscribe' | 'manage', id: string, linkKey: string): string {
    return `${id}.${this.mac(purpose, id, linkKey)}`;
  }

  /** Shape check only; say nothing about validity until verify*() with the stored row. */
  static parse(token: unknown): ParsedToken | null {
    if (typeof token !== 'string' || token.length > 200) return null;
    const parts = token.split('.');
    if (parts.length === 3 && ID.test(parts[0]) && NONCE.test(parts[1]) && MAC.test(parts[2])) return { id: parts[0], nonce: parts[1], mac: parts[2] };
    if (parts.length === 2 && ID.test(parts[0]) && MAC.test(parts[1])) return { id: parts[0], nonce: null, mac: parts[1] };
    return null;
  }

  verifyConfirm(token: ParsedToken): boolean {
    return token.nonce !== null && safeEqual(token.mac, this.mac('confirm', token.id, token.nonce));
  }

  verifySubscription(purpose: 'unsubscribe' | 'manage', token: ParsedToken, linkKey: string): boolean {
    return token.nonce === null && safeEqual(token.mac, this.mac(purpose, token.id, linkKey));
  }
}

function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && crypto.timingSafeEqual(x, y);
}

/** The secret mail links are signed with: SECRET_KEY when configured, else one generated once and kept in the database. */
export async function mailLinkSigner(config: Pick<Config, 'SECRET_KEY'>, database: Database): Promise<LinkSigner> {
  return new LinkSigner(config.SECRET_KEY ?? (await loadOrCreateSecret(database, 'mail-links')));
}

export interface MailLinks {
  confirm(id: string, nonce: string): string;
  unsubscribe(id: string, linkKey: string): string;
  manage(id: string, linkKey: string): string;
}

/** Absolute URLs for the pages the tokens open. */
export function mailLinks(baseUrl: string, signer: LinkSigner): MailLinks {
  const url = (path: string, token: string) => `${baseUrl}${path}?token=${encodeURIComponent(token)}`;
  return {
    confirm: (id, nonce) => url('/subscribe/confirm', signer.confirmToken(id, nonce)),
    unsubscribe: (id, linkKey) => url('/unsubscribe', signer.subscriptionToken('unsubscribe', id, linkKey)),
    manage: (id, linkKey) => url('/subscription', signer.subscriptionToken('manage', id, linkKey)),
  };
}
