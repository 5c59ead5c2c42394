// Everything that goes into a mail header passes through here. Names, subjects and topics come from
// users and from paper metadata; a CR or LF in them would let the sender of a form start a new header
// (Bcc:, a second Content-Type, a forged body). They are neutralised, not rejected, so a harmless
// name such as "Ada\nLovelace" still arrives readable.

/** Control characters, including CR/LF, NUL, DEL and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g;

/** A header value on one line: control characters become a space, runs of spaces collapse, length capped. */
export function headerText(value: string, maxLength = 300): string {
  const oneLine = value.replace(CONTROL, ' ').replace(/\s+/g, ' ').trim();
  return oneLine.length > maxLength ? oneLine.slice(0, maxLength - 1).trimEnd() + '…' : oneLine;
}

/** Header names we accept from callers: RFC 5322 field names, restricted to letters, digits and '-'. */
const HEADER_NAME = /^[A-Za-z][A-Za-z0-9-]{0,76}$/;

export function isHeaderName(name: string): boolean {
  return HEADER_NAME.test(name);
}

// A deliberately plain address grammar: local@domain with no spaces, quotes, brackets, commas or
// control characters. Quoted local parts are legal in RFC 5321 but never needed by a subscriber,
// and refusing them removes every way an address could carry a second recipient or a header.
const ADDRESS = /^[A-Za-z0-9.!#$%&'*+/=?^_`{|}~-]{1,64}@[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** The canonical form of an email address (domain lower-cased), or null when it is not one we accept. */
export function normalizeAddress(raw: string): string | null {
  const value = raw.trim();
  if (value.length > 254 || !ADDRESS.test(value)) return null;
  const at = value.lastIndexOf('@');
  const local = value.slice(0, at);
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  return `${local}@${value.slice(at + 1).toLowerCase()}`;
}

export interface Mailbox {
  name: string;
  address: string;
}

/**
 * Parses `Name <addr@host>` or a bare address (the MAIL_FROM setting) into a mailbox whose parts are
 * each safe on their own; nodemailer then quotes or encodes the name.
 */
export function parseMailbox(raw: string): Mailbox | null {
  const m = /^\s*(.*?)\s*<([^<>]+)>\s*$/.exec(raw);
  const address = normalizeAddress(m ? m[2] : raw);
  if (!address) return null;
  return { name: m ? headerText(m[1].replace(/^"(.*)"$/, '$1')) : '', address };
}
