// The one way mail leaves Paperfeed. With SMTP_URL it goes to that server over a pool of SMTP connections
// (src/mail/smtp-pool.ts); without it, each message is written as an .eml file into <data dir>/outbox, so a
// fresh install can confirm subscriptions and sign in by reading files. Both paths build the same bytes
// (src/mail/mime.ts) under the same header rules.
import crypto from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';
import { ConfigError, type Config } from '../config.ts';
import { headerText, isHeaderName, normalizeAddress, parseMailbox, type Mailbox } from './headers.ts';
import { buildMime, type MimeMessage } from './mime.ts';
import { SmtpPool } from './smtp-pool.ts';

export interface OutgoingMail {
  /** A bare address, or a mailbox whose display name may come from a user (it is neutralised). */
  to: string | Mailbox;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers such as List-Unsubscribe. Names must be plain field names; values are made one-line. */
  headers?: Record<string, string>;
  /** `<unique@host>`; a deterministic id lets a retried send be recognised downstream. Generated when absent. */
  messageId?: string;
  date?: Date;
}

export interface SentMail {
  messageId: string;
  /** The server's acceptance reply ("250 OK: queued as …"), or where the outbox put the file. */
  response: string;
}

export interface SendOptions {
  /**
   * Called once the whole message is on the connection, immediately before the end-of-data marker that makes
   * the server accept it (for the outbox: right after the file is in place). Synchronous, so the marker follows
   * in the same tick; record the hand-off here. If it throws, the message is abandoned unaccepted.
   */
  onHandOff?: () => void;
}

export interface MailTransport {
  /** 'smtp' or 'outbox', for logs and the dry-run summary. */
  readonly kind: 'smtp' | 'outbox';
  /** Resolves once the SMTP server accepted the message (or the .eml file is durably in the outbox). */
  send(message: OutgoingMail, options?: SendOptions): Promise<SentMail>;
  close(): Promise<void>;
}

/**
 * A delivery that did not happen. `temporary` failures (4xx replies, refused or dropped connections,
 * timeouts, a full disk) are worth retrying later; permanent ones (5xx) are not. `bounce` marks a
 * permanent refusal of this recipient or message, as opposed to a server-side misconfiguration such
 * as failed authentication, which must not be blamed on the subscriber.
 */
export class MailDeliveryError extends Error {
  override name = 'MailDeliveryError';
  constructor(
    message: string,
    readonly temporary: boolean,
    readonly bounce: boolean,
    readonly responseCode: number | null,
    readonly code: string | null,
    /** True when the failure came after the hand-off: the server may hold the message although no reply said so. */
    readonly handedOff = false,
  ) {
    super(message);
  }
}

export type MailTransportConfig = Pick<Config, 'SMTP_URL' | 'MAIL_FROM' | 'dataDir' | 'baseUrl'> & Partial<Pick<Config, 'SMTP_MAX_CONNECTIONS'>>;

export interface MailTransportOptions {
  /** Parallel SMTP connections in the pool; defaults to SMTP_MAX_CONNECTIONS, else 5. */
  maxConnections?: number;
  /** Outbox folder; defaults to <data dir>/outbox. */
  outboxDir?: string;
}

export function createMailTransport(config: MailTransportConfig, options: MailTransportOptions = {}): MailTransport {
  const from = parseMailbox(config.MAIL_FROM);
  if (!from) throw new ConfigError(`MAIL_FROM: expected an address such as "Paperfeed <digest@example.org>", got "${config.MAIL_FROM}"`);
  const idHost = messageIdHost(config.baseUrl);
  const compose: Composer = (message) => composeMail(message, from, idHost);
  if (config.SMTP_URL) return smtpTransport(config.SMTP_URL, compose, { maxConnections: config.SMTP_MAX_CONNECTIONS, ...options });
  return outboxTransport(options.outboxDir ?? path.join(config.dataDir, 'outbox'), compose);
}

function smtpTransport(url: string, compose: Composer, options: MailTransportOptions): MailTransport {
  const pool = new SmtpPool(
    { ...parseConnectionUrl(url), connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 30_000 },
    options.maxConnections ?? 5,
  );
  return {
    kind: 'smtp',
    async send(message, sendOptions = {}) {
      const mail = compose(message);
      const raw = buildMime(mail);
      try {
        const result = await pool.send({ from: mail.envelope.from, to: mail.envelope.to, raw, onHandOff: sendOptions.onHandOff });
        return { messageId: mail.messageId, response: result.response };
      } catch (e) {
        throw classifyFailure(e);
      }
    },
    close: () => pool.close(),
  };
}

function outboxTransport(dir: string, compose: Composer): MailTransport {
  const tmpDir = path.join(dir, '.tmp');
  let ready: Promise<unknown> | null = null;
  return {
    kind: 'outbox',
    async send(message, sendOptions = {}) {
      const mail = compose(message);
      // Named after the Message-ID: sending the same message again replaces its file instead of adding one,
      // which is what makes a resend after a crash harmless here.
      const name = `${crypto.createHash('sha256').update(mail.messageId).digest('hex').slice(0, 32)}.eml`;
      try {
        ready ??= fs.mkdir(tmpDir, { recursive: true });
        await ready;
        const raw = buildMime(mail);
        const tmp = path.join(tmpDir, `${name}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`);
        const handle = await fs.open(tmp, 'w', 0o600);
        try {
          await handle.writeFile(raw);
          await handle.sync();
        } finally {
          await handle.close();
        }
        // rename() is atomic within one filesystem: a reader sees no file or the whole file, never half of one.
        await fs.rename(tmp, path.join(dir, name));
      } catch (e) {
        ready = null;
        throw classifyFailure(e);
      }
      sendOptions.onHandOff?.();
      return { messageId: mail.messageId, response: `written to outbox as ${name}` };
    },
    async close() {},
  };
}

type ComposedMail = MimeMessage & { envelope: { from: string; to: string } };
type Composer = (message: OutgoingMail) => ComposedMail;

// Set by the transport itself; a caller adding one of these (Bcc above all) could change who gets the mail or how it parses.
const RESERVED_HEADERS = new Set([
  'from',
  'to',
  'cc',
  'bcc',
  'reply-to',
  'sender',
  'subject',
  'message-id',
  'date',
  'mime-version',
  'content-type',
  'content-transfer-encoding',
  'return-path',
]);

function composeMail(message: OutgoingMail, from: Mailbox, idHost: string): ComposedMail {
  const to = typeof message.to === 'string' ? { name: '', address: message.to } : message.to;
  const address = normalizeAddress(to.address);
  if (!address) throw new MailDeliveryError(`not a deliverable address: ${JSON.stringify(headerText(to.address, 80))}`, false, true, null, 'EADDRESS');
  const messageId = message.messageId ?? `<${crypto.randomUUID()}@${idHost}>`;
  if (!/^<[^<>\s@]+@[^<>\s@]+>$/.test(messageId)) throw new Error(`bad Message-ID ${JSON.stringify(messageId)}`);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (!isHeaderName(name) || RESERVED_HEADERS.has(name.toLowerCase())) throw new Error(`header ${JSON.stringify(name)} cannot be set by a caller`);
    // Long enough for any list header, short enough that no header line can pass SMTP's 998-character limit.
    headers[name] = headerText(value, 900);
  }
  return {
    from,
    to: { name: headerText(to.name, 120), address },
    subject: headerText(message.subject, 250),
    text: message.text,
    ...(message.html !== undefined ? { html: message.html } : {}),
    headers,
    messageId,
    envelope: { from: from.address, to: address },
    date: message.date ?? new Date(),
  };
}

/** The host part of our Message-IDs and List-Ids: the public host name, or a reserved .invalid name for localhost. */
export function messageIdHost(baseUrl: string): string {
  try {
    const host = new URL(baseUrl).hostname;
    if (/^[A-Za-z0-9.-]+$/.test(host) && host.includes('.')) return host;
    return `${host || 'paperfeed'}.paperfeed.invalid`.replace(/[^A-Za-z0-9.-]/g, '');
  } catch {
    return 'paperfeed.invalid';
  }
}

// Error codes nodemailer (and Node's net layer) report when no SMTP reply could be had at all.
const CONNECTION_CODES = new Set([
  'ECONNECTION',
  'ETIMEDOUT',
  'ESOCKET',
  'EDNS',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOSPC',
  'EMFILE',
]);

/** Turns whatever nodemailer or the filesystem threw into a MailDeliveryError that says whether to retry. */
export function classifyFailure(e: unknown): MailDeliveryError {
  if (e instanceof MailDeliveryError) return e;
  const err = e as Error & { responseCode?: number; code?: string; handedOff?: boolean };
  const handedOff = err?.handedOff === true;
  const responseCode = typeof err?.responseCode === 'number' ? err.responseCode : null;
  const code = (typeof err?.code === 'string' && err.code) || null;
  const message = headerText(String(err?.message ?? e), 500);
  if (responseCode !== null && responseCode >= 500) {
    // Authentication and TLS failures are about our server settings, not the recipient.
    const bounce = code !== 'EAUTH' && code !== 'ETLS' && code !== 'ECONFIG';
    return new MailDeliveryError(message, false, bounce, responseCode, code, handedOff);
  }
  if (responseCode !== null && responseCode >= 400) return new MailDeliveryError(message, true, false, responseCode, code, handedOff);
  if (code && CONNECTION_CODES.has(code)) return new MailDeliveryError(message, true, false, null, code, handedOff);
  // Unknown failures are retried rather than counted against a subscriber's address.
  return new MailDeliveryError(message, true, false, responseCode, code, handedOff);
}
