// The mail transport against a real SMTP server and a real outbox folder.
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser, type ParsedMail } from 'mailparser';
import { createMailTransport, MailDeliveryError, type MailTransport } from '../../src/mail/transport.ts';
import { startSmtpServer, type TestSmtpServer } from '../helpers/smtp-server.ts';
import { tempDir } from '../helpers/db.ts';

/** The unfolded value of a header as it arrived (mailparser turns List-* headers into objects). */
function headerLine(parsed: ParsedMail, name: string): string | undefined {
  const line = parsed.headerLines.find((h) => h.key === name)?.line;
  return line
    ?.slice(line.indexOf(':') + 1)
    .replace(/\r?\n[ \t]+/g, ' ')
    .trim();
}

const baseConfig = { MAIL_FROM: 'Paperfeed <digest@paperfeed.test>', baseUrl: 'https://papers.example.org' };

describe('SMTP transport', () => {
  let smtp: TestSmtpServer;
  let transport: MailTransport;
  beforeAll(async () => {
    smtp = await startSmtpServer();
    transport = createMailTransport({ ...baseConfig, SMTP_URL: smtp.url, dataDir: tempDir() });
  });
  afterAll(async () => {
    await transport.close();
    await smtp.stop();
  });

  it('delivers both parts with Message-ID, Date and extra headers', async () => {
    const before = smtp.received.length;
    const sent = await transport.send({
      to: { name: 'Ada Lovelace', address: 'ada@Example.ORG' },
      subject: 'Über diffusion models',
      text: 'plain part',
      html: '<p>html part &amp; more</p>',
      headers: { 'List-Id': 'Paperfeed digest <digest.papers.example.org>' },
    });
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail.envelopeTo).toEqual(['ada@example.org']);
    expect(mail.parsed.messageId).toBe(sent.messageId);
    expect(sent.messageId).toMatch(/^<[^@]+@papers\.example\.org>$/);
    expect(mail.parsed.date).toBeInstanceOf(Date);
    expect(mail.parsed.subject).toBe('Über diffusion models');
    expect(mail.parsed.text?.trim()).toBe('plain part');
    expect(mail.parsed.html).toContain('html part &amp; more');
    expect(headerLine(mail.parsed, 'list-id')).toBe('Paperfeed digest <digest.papers.example.org>');
    expect(mail.parsed.from?.value[0]).toMatchObject({ name: 'Paperfeed', address: 'digest@paperfeed.test' });
  });

  it('keeps a caller-chosen Message-ID', async () => {
    const before = smtp.received.length;
    const sent = await transport.send({ to: 'b@example.org', subject: 's', text: 't', messageId: '<digest.42.2026-W10@papers.example.org>' });
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(sent.messageId).toBe('<digest.42.2026-W10@papers.example.org>');
    expect(mail.parsed.messageId).toBe('<digest.42.2026-W10@papers.example.org>');
  });

  it('neutralises CR/LF injection in names, subjects and header values', async () => {
    const before = smtp.received.length;
    await transport.send({
      to: { name: 'Eve\r\nBcc: victim@example.org', address: 'eve@example.org' },
      subject: 'Topics: diffusion\r\nBcc: victim2@example.org\nX-Injected: 1',
      text: 'body',
      headers: { 'List-Id': 'x\r\nBcc: victim3@example.org' },
    });
    const [mail] = (await smtp.waitFor(before + 1)).slice(before);
    expect(mail.envelopeTo).toEqual(['eve@example.org']);
    expect(mail.parsed.bcc).toBeUndefined();
    expect(mail.parsed.headers.has('x-injected')).toBe(false);
    // No header line of the raw message starts with an injected field name.
    const headerBlock = mail.raw.split(/\r?\n\r?\n/)[0];
    expect(headerBlock).not.toMatch(/^(Bcc|X-Injected):/im);
    expect(mail.parsed.subject).toBe('Topics: diffusion Bcc: victim2@example.org X-Injected: 1');
    expect(mail.parsed.to && 'value' in mail.parsed.to ? mail.parsed.to.value : []).toEqual([
      { name: 'Eve Bcc: victim@example.org', address: 'eve@example.org' },
    ]);
  });

  it('round-trips any subject and display name, non-ASCII and long ones included, as one header each', async () => {
    const cases = [
      {
        name: 'Zoë Ångström-Łukasiewicz, “PhD”',
        subject: 'Über 日本語の拡散モデル and a very long subject line that needs folding because it goes on and on '.repeat(2).trim(),
      },
      { name: 'O\'Brien "the \\ quoter"', subject: '=?UTF-8?B?not-an-encoded-word?= 🚀 emoji' },
      // Text that looks like an encoded word arrives as typed, not decoded (this one would decode to CRLF + "Bcc: x@y.org").
      { name: '=?UTF-8?B?DQpCY2M6IHhAeS5vcmc=?=', subject: '=?UTF-8?B?DQpCY2M6IHhAeS5vcmc=?=' },
      { name: '', subject: 'plain' },
    ];
    for (const c of cases) {
      const before = smtp.received.length;
      await transport.send({ to: { name: c.name, address: 'rt@example.org' }, subject: c.subject, text: 'Grüße — ✓', html: '<p>Grüße — ✓</p>' });
      const [mail] = (await smtp.waitFor(before + 1)).slice(before);
      expect(mail.parsed.subject).toBe(c.subject);
      expect(mail.parsed.to && 'value' in mail.parsed.to ? mail.parsed.to.value : []).toEqual([{ name: c.name, address: 'rt@example.org' }]);
      expect(mail.parsed.text?.trim()).toBe('Grüße — ✓');
      expect(mail.parsed.html).toContain('<p>Grüße — ✓</p>');
      for (const line of mail.raw.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
    }
  });

  it('does not let a caller set Bcc or other addressing headers', async () => {
    for (const name of ['Bcc', 'cc', 'To', 'Content-Type']) {
      await expect(transport.send({ to: 'a@example.org', subject: 's', text: 't', headers: { [name]: 'x@example.org' } })).rejects.toThrow(/cannot be set/);
    }
  });

  it('refuses addresses that could carry a second recipient', async () => {
    for (const bad of ['a@example.org, b@example.org', 'a@example.org\r\nBcc: c@example.org', '<a@example.org>', 'no-at-sign']) {
      const err = await transport.send({ to: bad, subject: 's', text: 't' }).catch((e) => e);
      expect(err).toBeInstanceOf(MailDeliveryError);
      expect(err.temporary).toBe(false);
    }
  });

  it('calls onHandOff after the body and before the server accepts, and abandons the message if it fails', async () => {
    const before = smtp.received.length;
    let seenAtHandOff = -1;
    const sent = await transport.send(
      { to: 'h@example.org', subject: 'held', text: 'x'.repeat(100_000) },
      {
        onHandOff: () => {
          seenAtHandOff = smtp.received.length;
        },
      },
    );
    await smtp.waitFor(before + 1);
    expect(seenAtHandOff).toBe(before);
    expect(sent.response).toMatch(/^250/);
    const err = await transport
      .send(
        { to: 'h@example.org', subject: 'abandoned', text: 'y' },
        {
          onHandOff: () => {
            throw new Error('journal not writable');
          },
        },
      )
      .catch((e) => e);
    expect(err).toBeInstanceOf(MailDeliveryError);
    expect(err.handedOff).toBe(false);
    // The pool recovers: the next message goes through and the abandoned one never arrives.
    await transport.send({ to: 'h@example.org', subject: 'after', text: 'z' });
    await smtp.waitFor(before + 2);
    expect(smtp.received.slice(before).map((m) => m.parsed.subject)).toEqual(['held', 'after']);
  });

  it('tells permanent (5xx) from temporary (4xx) refusals', async () => {
    smtp.refuse.set('gone@example.org', 550);
    smtp.refuse.set('busy@example.org', 451);
    const gone = await transport.send({ to: 'gone@example.org', subject: 's', text: 't' }).catch((e) => e);
    expect(gone).toBeInstanceOf(MailDeliveryError);
    expect(gone).toMatchObject({ temporary: false, bounce: true, responseCode: 550 });
    const busy = await transport.send({ to: 'busy@example.org', subject: 's', text: 't' }).catch((e) => e);
    expect(busy).toMatchObject({ temporary: true, bounce: false, responseCode: 451 });
  });
});

describe('SMTP transport with the server down', () => {
  it('reports a refused connection as temporary, and delivers once the server is back', async () => {
    const smtp = await startSmtpServer();
    await smtp.stop();
    const transport = createMailTransport({ ...baseConfig, SMTP_URL: smtp.url, dataDir: tempDir() });
    try {
      const err = await transport.send({ to: 'a@example.org', subject: 's', text: 't' }).catch((e) => e);
      expect(err).toBeInstanceOf(MailDeliveryError);
      expect(err.temporary).toBe(true);
      expect(err.responseCode).toBeNull();
      await smtp.start();
      await transport.send({ to: 'a@example.org', subject: 'again', text: 't' });
      expect(smtp.received.map((m) => m.parsed.subject)).toEqual(['again']);
    } finally {
      await transport.close();
      await smtp.stop();
    }
  });
});

describe('outbox transport', () => {
  it('writes one complete .eml per message into <data dir>/outbox, replacing a resend of the same Message-ID', async () => {
    const dataDir = tempDir();
    const transport = createMailTransport({ ...baseConfig, dataDir });
    const outbox = path.join(dataDir, 'outbox');
    const a = await transport.send({ to: 'a@example.org', subject: 'one\nBcc: x@example.org', text: 'plain', html: '<b>rich</b>' });
    await transport.send({ to: 'b@example.org', subject: 'two', text: 'plain', messageId: '<fixed@papers.example.org>' });
    await transport.send({ to: 'b@example.org', subject: 'two', text: 'plain', messageId: '<fixed@papers.example.org>' });
    const files = fs.readdirSync(outbox).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(2);
    expect(fs.readdirSync(path.join(outbox, '.tmp'))).toEqual([]);
    const parsed = await Promise.all(files.map((f) => simpleParser(fs.readFileSync(path.join(outbox, f)))));
    const first = parsed.find((p) => p.messageId === a.messageId)!;
    expect(first.subject).toBe('one Bcc: x@example.org');
    expect(first.bcc).toBeUndefined();
    expect(first.text?.trim()).toBe('plain');
    expect(first.html).toContain('<b>rich</b>');
    expect(first.date).toBeInstanceOf(Date);
    await transport.close();
  });

  it('reports an unwritable outbox as a temporary failure', async () => {
    const dataDir = tempDir();
    fs.writeFileSync(path.join(dataDir, 'outbox'), 'a file where the folder should be');
    const transport = createMailTransport({ ...baseConfig, dataDir });
    const err = await transport.send({ to: 'a@example.org', subject: 's', text: 't' }).catch((e) => e);
    expect(err).toBeInstanceOf(MailDeliveryError);
    expect(err.temporary).toBe(true);
  });

  it('rejects a MAIL_FROM that is not an address at creation', () => {
    expect(() => createMailTransport({ ...baseConfig, MAIL_FROM: 'nobody', dataDir: tempDir() })).toThrow(/MAIL_FROM/);
  });
});
