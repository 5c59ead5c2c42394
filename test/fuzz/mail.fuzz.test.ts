// Fuzz: mail rendering and the bytes that leave (src/mail/render.ts, headers.ts, mime.ts through the outbox
// transport). For any paper titles, abstracts, authors, topics, names and subjects: the HTML part never carries
// markup from the input, and the raw message has exactly our header lines — one To holding one address, no Bcc or
// Cc, the subject on one logical line — whatever CR, LF or header text the input held; a real MIME parser
// (mailparser) reads it back.
import fs from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import { simpleParser } from 'mailparser';
import { afterAll, describe, expect, it } from 'vitest';
import type { DigestPaper } from '../../src/mail/digest-content.ts';
import { DEFAULT_PREFERENCES, parsePreferences } from '../../src/mail/preferences.ts';
import { renderConfirmation, renderDigest } from '../../src/mail/render.ts';
import { periodForDate } from '../../src/mail/schedule.ts';
import { createMailTransport } from '../../src/mail/transport.ts';
import { tempDir } from '../helpers/db.ts';
import { bounded, boundedAsync, HOSTILE_PIECES } from './bounds.ts';

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 120 }),
  fc
    .array(
      fc.oneof(
        fc.constantFrom(...HOSTILE_PIECES, '\r\nBcc: x@evil.example', '\nSubject: forged', '=?utf-8?q?x?='),
        fc.string({ unit: 'grapheme', maxLength: 15 }),
      ),
      { maxLength: 20 },
    )
    .map((p) => p.join('')),
);

const paper: fc.Arbitrary<DigestPaper> = fc.record({
  id: fc.constantFrom('2506.00001', 'hep-th/9901001'),
  title: text,
  authors: fc.array(text, { maxLength: 3 }),
  abstract: text,
  categories: fc.array(fc.constantFrom('cs.CL', 'cs.CV'), { maxLength: 2 }),
  upvotes: fc.nat(1000),
  comments: fc.nat(100),
  stars: fc.option(fc.nat(100_000), { nil: null }),
  codeUrl: fc.option(fc.constantFrom('https://github.com/a/b', 'javascript:alert(1)'), { nil: null }),
  score: fc.double({ min: 0, max: 100, noNaN: true }),
  firstSeen: fc.constant('2025-06-02'),
});

const period = periodForDate('daily', '2025-06-03')!;
const links = {
  paper: (id: string) => `https://papers.example/papers/${id}`,
  unsubscribe: 'https://papers.example/unsubscribe?token=a.b',
  manage: 'https://papers.example/subscription?token=a.b',
  site: 'https://papers.example/',
};

describe('mail rendering', () => {
  const outbox = tempDir('paperfeed-fuzz-mail-');
  const transport = createMailTransport({
    SMTP_URL: undefined,
    MAIL_FROM: 'Paperfeed <digest@papers.example>',
    dataDir: outbox,
    baseUrl: 'https://papers.example',
  });
  afterAll(() => transport.close());

  it('digest HTML never carries markup or script from titles, abstracts, authors or topics', () => {
    fc.assert(
      fc.property(fc.array(paper, { minLength: 1, maxLength: 4 }), fc.array(text, { maxLength: 3 }), (papers, interests) => {
        const parsed = parsePreferences({ ...DEFAULT_PREFERENCES, interests: interests.map((i) => i.slice(0, 80)) });
        const preferences = parsed.ok ? parsed.preferences : DEFAULT_PREFERENCES;
        const input = JSON.stringify([papers, interests]);
        const mail = bounded(
          input,
          { ms: 1_000, perInputChar: 12, constant: 20_000 },
          () => renderDigest(period, preferences, [{ kind: 'trending', title: 'Trending', papers }], links),
          (m) => m.html.length + m.text.length,
        );
        expect(mail.html).not.toMatch(/<script|<img|<iframe|javascript:/i);
        expect(mail.subject).not.toMatch(/[\r\n]/);
      }),
      { numRuns: 300 },
    );
  });

  it('the message on the wire has exactly our headers, one recipient and a one-line subject, for any subject and name', async () => {
    await fc.assert(
      fc.asyncProperty(text, text, text, async (subject, name, interest) => {
        const confirmation = renderConfirmation(
          'subscribe',
          { ...DEFAULT_PREFERENCES, interests: [interest] },
          'https://papers.example/subscribe/confirm?token=a.b',
          48,
        );
        // The time bound covers the outbox's fsync on a shared disk.
        const sent = await boundedAsync(
          subject + name + interest,
          { ms: 30_000, perInputChar: 0, constant: 1 },
          async () => transport.send({ to: { name, address: 'reader@example.org' }, subject, text: confirmation.text, html: confirmation.html }),
          () => 0,
        );
        const file = path.join(outbox, 'outbox', /written to outbox as (\S+)/.exec(sent.response)![1]);
        const raw = fs.readFileSync(file);
        fs.rmSync(file);
        const head = raw.toString('latin1').split('\r\n\r\n')[0];
        // Header fields as the wire has them: a line that does not start with a space or tab starts a field.
        const fields = head.split(/\r\n(?![ \t])/).map((f) => f.slice(0, f.indexOf(':')).toLowerCase());
        expect(fields.filter((f) => f === 'to')).toHaveLength(1);
        expect(fields.filter((f) => f === 'subject').length).toBeLessThanOrEqual(1);
        expect(fields).not.toContain('bcc');
        expect(fields).not.toContain('cc');
        const to = head.split(/\r\n(?![ \t])/).find((f) => /^to:/i.test(f))!;
        // The one address outside the (encoded or quoted) display name is the recipient's.
        expect(
          to
            .replace(/=\?[^?]+\?[BQ]\?[^?]*\?=/g, '')
            .replace(/"(?:[^"\\]|\\.)*"/g, '')
            .match(/[^\s<>@]+@[^\s<>]+/g),
        ).toEqual(['reader@example.org']);
        for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
        const mail = await simpleParser(raw);
        expect(mail.subject ?? '').not.toMatch(/[\r\n]/);
        expect(mail.text).toContain('Confirm: https://papers.example/subscribe/confirm?token=a.b');
      }),
      // Each case writes and fsyncs an .eml file, which is slow on a busy disk.
      { numRuns: 50 },
    );
  });
});
