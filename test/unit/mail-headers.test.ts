import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { buildMime } from '../../src/mail/mime.ts';
import { headerText, normalizeAddress, parseMailbox } from '../../src/mail/headers.ts';

describe('headerText', () => {
  it('never lets a line break or control character through', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        expect(headerText(s)).not.toMatch(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/);
      }),
    );
  });
  it('keeps the words readable and caps the length', () => {
    expect(headerText('Ada\r\nBcc: x@example.org\u2028 Lovelace')).toBe('Ada Bcc: x@example.org Lovelace');
    expect(headerText('x'.repeat(500), 10)).toBe('xxxxxxxxx…');
  });
});

describe('normalizeAddress', () => {
  it('accepts plain addresses and lower-cases the domain only', () => {
    expect(normalizeAddress(' Ada.L+digest@Example.ORG ')).toBe('Ada.L+digest@example.org');
  });
  it('refuses anything that could hold a second address or a header', () => {
    for (const bad of [
      'a@b.org,c@d.org',
      'a@b.org\nBcc: c@d.org',
      '"a b"@c.org',
      'a@b.org>',
      'a..b@c.org',
      '@c.org',
      'a@',
      'a@-c.org',
      'x'.repeat(65) + '@c.org',
    ]) {
      expect(normalizeAddress(bad), bad).toBeNull();
    }
  });
});

describe('parseMailbox', () => {
  it('reads "Name <address>" and bare addresses', () => {
    expect(parseMailbox('Paperfeed <digest@example.org>')).toEqual({ name: 'Paperfeed', address: 'digest@example.org' });
    expect(parseMailbox('"Paper, feed" <d@example.org>')).toEqual({ name: 'Paper, feed', address: 'd@example.org' });
    expect(parseMailbox('d@example.org')).toEqual({ name: '', address: 'd@example.org' });
    expect(parseMailbox('nobody')).toBeNull();
  });
});

describe('buildMime display names', () => {
  it('a long non-ASCII name folds without an empty line, so the header section stays whole', () => {
    // 45 UTF-8 bytes fill the first encoded word exactly; the ";" starts a second one.
    const name = '¡]]>ࠀ𐀀𐀀𐀀𐀀𐀀𐀀𐀀ࠀ]]>&#0;';
    const raw = buildMime({
      from: { name: 'Paperfeed', address: 'd@papers.example' },
      to: { name, address: 'reader@example.org' },
      subject: 's',
      messageId: '<a@b>',
      date: new Date(0),
      headers: {},
      text: 'x',
    });
    const head = raw.toString('latin1').split('\r\n\r\n')[0];
    expect(head).toContain('<reader@example.org>');
    expect(head).toMatch(/\r\nSubject: s\r\n/);
  });
});
