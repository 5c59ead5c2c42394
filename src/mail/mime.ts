// Builds the bytes of a mail: RFC 5322 headers (RFC 2047 encoded words for non-ASCII text) and a
// multipart/alternative body with a text and an HTML part, both UTF-8 in base64. Written here instead of
// nodemailer's MailComposer because the digest sends one unique message per subscriber and MailComposer's
// stream pipeline and encoding detection cost about 1.5–3.5 ms per 30 KB message, more than the SMTP
// exchange itself (bench/digest.ts). Callers pass values already made one-line by headers.ts.
import crypto from 'node:crypto';
import type { Mailbox } from './headers.ts';

export interface MimeMessage {
  from: Mailbox;
  to: Mailbox;
  subject: string;
  messageId: string;
  date: Date;
  /** Extra headers, names already checked, values one-line. */
  headers: Record<string, string>;
  text: string;
  html?: string;
}

const CRLF = '\r\n';
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
// Characters that force a display name into a quoted string (RFC 5322 "specials").
const SPECIALS = /[()<>[\]:;@\\,."]/;

/** Base64 in lines of 76 characters, as MIME requires. */
function base64Lines(content: string): string {
  const b64 = Buffer.from(content, 'utf8').toString('base64');
  const lines: string[] = [];
  for (let i = 0; i < b64.length; i += 76) lines.push(b64.slice(i, i + 76));
  return lines.join(CRLF);
}

/**
 * RFC 2047 encoded words of at most 45 UTF-8 bytes each (60 base64 characters), never splitting a character, one
 * per folded line; or separated by spaces for a caller that folds the line itself (fold() would otherwise fold
 * an already folded line again and leave an empty line, which ends the header section).
 */
function encodedWords(value: string, separator = `${CRLF} `): string {
  const words: string[] = [];
  let chunk = '';
  let bytes = 0;
  for (const ch of value) {
    const size = Buffer.byteLength(ch, 'utf8');
    if (bytes + size > 45) {
      words.push(chunk);
      chunk = '';
      bytes = 0;
    }
    chunk += ch;
    bytes += size;
  }
  if (chunk) words.push(chunk);
  return words.map((w) => `=?UTF-8?B?${Buffer.from(w, 'utf8').toString('base64')}?=`).join(separator);
}

/** Folds a printable ASCII header at spaces so lines stay near 78 characters (a single long word stays whole). */
function fold(name: string, value: string): string {
  const line = `${name}: ${value}`;
  if (line.length <= 78) return line;
  const out: string[] = [];
  let current = `${name}:`;
  for (const word of value.split(' ')) {
    if (current.length + 1 + word.length > 78 && current.length > name.length + 1) {
      out.push(current);
      current = ` ${word}`;
    } else {
      current += ` ${word}`;
    }
  }
  out.push(current);
  return out.join(CRLF);
}

/** Text that can go out as is: printable ASCII that a reader would not decode as an encoded word ("=?…?="). */
function plain(value: string): boolean {
  return PRINTABLE_ASCII.test(value) && !value.includes('=?');
}

function unstructured(name: string, value: string): string {
  return plain(value) ? fold(name, value) : `${name}: ${encodedWords(value)}`;
}

function mailbox(m: Mailbox): string {
  if (!m.name) return m.address;
  // buildMime folds address headers itself.
  if (!plain(m.name)) return `${encodedWords(m.name, ' ')} <${m.address}>`;
  const phrase = SPECIALS.test(m.name) ? `"${m.name.replace(/[\\"]/g, '\\$&')}"` : m.name;
  return `${phrase} <${m.address}>`;
}

/** RFC 5322 date-time in UTC, e.g. "Sat, 28 Nov 2026 19:50:53 +0000". */
function rfc5322Date(d: Date): string {
  return d.toUTCString().replace(/GMT$/, '+0000');
}

export function buildMime(m: MimeMessage): Buffer {
  const head = [
    ...Object.entries(m.headers).map(([name, value]) => unstructured(name, value)),
    fold('From', mailbox(m.from)),
    fold('To', mailbox(m.to)),
    unstructured('Subject', m.subject),
    `Message-ID: ${m.messageId}`,
    `Date: ${rfc5322Date(m.date)}`,
    'MIME-Version: 1.0',
  ];
  const part = (type: string, content: string) =>
    `Content-Type: ${type}; charset=utf-8${CRLF}Content-Transfer-Encoding: base64${CRLF}${CRLF}${base64Lines(content)}`;
  if (m.html === undefined) {
    return Buffer.from(`${head.join(CRLF)}${CRLF}${part('text/plain', m.text)}${CRLF}`, 'utf8');
  }
  // base64 bodies never contain "--", so a boundary of hex digits cannot occur inside a part.
  const boundary = `--_pf_${crypto.randomBytes(12).toString('hex')}`;
  const body = [`--${boundary}${CRLF}${part('text/plain', m.text)}`, `--${boundary}${CRLF}${part('text/html', m.html)}`, `--${boundary}--${CRLF}`].join(CRLF);
  return Buffer.from(`${head.join(CRLF)}${CRLF}Content-Type: multipart/alternative; boundary="${boundary}"${CRLF}${CRLF}${body}`, 'utf8');
}
