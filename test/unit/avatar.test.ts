// Drawn avatars: initials or an identicon for any text, deterministic, well-formed SVG with the text escaped.
import fc from 'fast-check';
import { XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import { avatarSvg, initialsOf } from '../../src/domain/avatar.ts';

const textOf = (svg: string) => /<text[^>]*>(.*)<\/text>/.exec(svg)?.[1] ?? null;

describe('avatars', () => {
  it('shows the first and last initials of a name', () => {
    expect(initialsOf('Yann LeCun')).toBe('YL');
    expect(initialsOf('alice')).toBe('A');
    expect(initialsOf('Jean-Pierre de la Fontaine')).toBe('JF');
    expect(initialsOf('  ByteDance  Seed ')).toBe('BS');
    expect(textOf(avatarSvg('Yann LeCun'))).toBe('YL');
  });

  it('draws odd names: empty, emoji, right-to-left, markup, combining marks, very long', () => {
    expect(textOf(avatarSvg(''))).toBeNull(); // identicon
    expect(textOf(avatarSvg('🙂🎉'))).toBeNull();
    expect(textOf(avatarSvg('محمد علي'))).toBe('مع');
    expect(textOf(avatarSvg('<script>alert(1)</script>'))).toBe('SS');
    expect(avatarSvg('<script>alert(1)</script>')).not.toContain('<script');
    expect(textOf(avatarSvg('"><img src=x onerror=alert(1)>'))).toBe('I1');
    expect(textOf(avatarSvg('Zoë Ŝ̷̢'))).toBe('ZŜ̷̢');
    expect(textOf(avatarSvg('अमित शर्मा'))).toBe('अश');
    expect(avatarSvg('x'.repeat(100_000)).length).toBeLessThan(2_000);
  });

  it('draws an identicon for Hugging Face default-avatar hashes', () => {
    const svg = avatarSvg('d3f68c2eba04f2698402cc532779a549');
    expect(textOf(svg)).toBeNull();
    expect(svg).toContain('<rect x=');
  });

  it('gives every text a well-formed SVG, the same one each time, with only our own elements', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (s) => {
        const svg = avatarSvg(s);
        expect(svg).toBe(avatarSvg(s));
        expect(XMLValidator.validate(svg)).toBe(true);
        const tags = new Set([...svg.matchAll(/<([a-zA-Z]+)/g)].map((m) => m[1]));
        for (const t of tags) expect(['svg', 'rect', 'text', 'g']).toContain(t);
      }),
      { numRuns: 2000 },
    );
  });

  it('colours differ between names', () => {
    const fills = new Set(['Ada', 'Alan', 'Grace', 'Edsger', 'Barbara', 'Donald'].map((n) => /fill="(hsl[^"]+)"/.exec(avatarSvg(n))![1]));
    expect(fills.size).toBeGreaterThan(3);
  });
});
