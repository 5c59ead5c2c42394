// The one reading of arXiv's TeX-flavoured titles and abstracts for display (src/domain/tex.ts displaySegments),
// as HTML (MathText: cards, paper page) and as plain text (texToUnicodeLine: feeds, mail, share images, titles
// and meta descriptions): formatting commands and escapes never reach the reader as raw TeX, markup characters
// are escaped, and math stays math.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displaySegments, shortenText, texToPlainText, texToUnicodeLine } from '../../src/domain/tex.ts';
import { MathText } from '../../src/web/components/math-text.tsx';

const html = (text: string, maxChars?: number) => String(<MathText text={text} maxChars={maxChars} />);
/** The HTML with every MathML element removed: what is left is escaped text and nothing else. */
const outsideMath = (s: string) => s.replace(/<math\b[\s\S]*?<\/math>/g, '');
const RAW_TEX = /\\(?:textbf|textit|emph|texttt|textsc|underline|href|cite|citep|textcolor|footnote|url)\b|\\[%&#_$]/;
const RUNS = Number(process.env.FUZZ_RUNS ?? 300);

describe('TeX in arXiv text, read for display', () => {
  it('reads the commands the real data carries', () => {
    expect(texToUnicodeLine('We release \\textbf{MiMo-VL-Miloco-7B}, 15\\% better')).toBe('We release MiMo-VL-Miloco-7B, 15% better');
    expect(texToUnicodeLine('\\emph{Code} at \\href{https://github.com/x/y}{our repository}.')).toBe('Code at our repository.');
    expect(texToUnicodeLine('as shown \\cite{smith2020, doe2021} and \\citep[p.~3]{x} in Fig.~\\ref{fig:a}')).toBe('as shown and in Fig.~');
    expect(texToUnicodeLine('\\textcolor{red}{Warning}: 3$\\times$ faster, 90\\deg, \\eg this')).toBe('Warning: 3× faster, 90°, e.g. this');
    expect(texToUnicodeLine('1\\textsuperscript{st} place \\& more \\pm 2')).toBe('1st place & more ± 2');
    expect(texToPlainText('\\Ajinkya')).toBe('Ajinkya');
  });

  it('keeps math: MathML on pages, Unicode in plain text', () => {
    const text = 'Error $\\mathcal{O}(n^{2})$ when \\(\\alpha \\geq 1\\) and 15\\% of $x < y$';
    expect(texToUnicodeLine(text)).toBe('Error O(n²) when α ≥ 1 and 15% of x < y');
    const out = html(text);
    expect(out.match(/<math\b/g)).toHaveLength(3);
    expect(outsideMath(out)).toBe('Error  when  and 15% of ');
  });

  it('spells math that does not typeset in Unicode instead of showing its source', () => {
    const out = html('A $\\frac{a}$ and $\\undefinedmacro{x}$ span');
    expect(out).not.toContain('\\frac');
    expect(out).not.toContain('\\undefinedmacro');
  });

  it('cuts at a word boundary near the length asked for, never inside math or a command', () => {
    const abstract = `${'word '.repeat(60)}then $\\sum_{i=1}^{n} x_i$ and \\textbf{bold words here} end`;
    const cut = displaySegments(abstract, 300);
    const shown = cut.map((s) => ('math' in s ? `[${s.math}]` : s.text)).join('');
    expect(shown.endsWith('…')).toBe(true);
    expect(shown).not.toContain('$');
    expect(shown.length).toBeLessThanOrEqual(302);
    // A span that would pass the limit is left out whole, never split.
    expect(displaySegments('a b c $x^2 + y^2 = z^2$ d', 8).map((s) => ('math' in s ? 'M' : s.text))).toEqual(['a b c ', '…']);
    expect(shortenText('one two three four', 15)).toBe('one two three…');
    expect(shortenText('short', 12)).toBe('short');
  });

  // Arbitrary mixes of prose, markup characters, formatting commands, escapes and math spans.
  const piece = fc.oneof(
    fc.constantFrom('word', ' ', 'and', '<b>', '</script>', '&', '&amp;', '"', "'", '<', '>', '15\\%', '\\&', '\\#', '\\_', '\\$'),
    fc.constantFrom(
      '\\textbf{',
      '\\emph{',
      '\\textit{',
      '\\texttt{',
      '\\underline{',
      '}',
      '{',
      '\\href{https://a.example/?q=1&b=2}{',
      '\\cite{key}',
      '\\citep[see]{a,b}',
      '\\textcolor{blue}{',
      '\\footnote{',
      '\\url{',
    ),
    fc.constantFrom('$x^2$', '$\\alpha < \\beta$', '$$\\sum_i a_i$$', '\\(\\mathcal{O}(n)\\)', '$\\frac{1}{2}$', '$', '\\(', '\\)', '$\\textbf{v}$'),
    fc.string({ maxLength: 6 }),
  );
  const texText = fc.array(piece, { maxLength: 40 }).map((parts) => parts.join(''));

  it('reads a line break in math as a space, not a backslash that joins the next word (a fuzz counterexample)', () => {
    const line = texToUnicodeLine('$\\\\textbf{$$\\sum_i a_i$$');
    expect(line).not.toMatch(RAW_TEX);
    expect(line).toContain('textbf');
  });

  it('never shows raw formatting commands or escapes in plain text', () => {
    fc.assert(
      fc.property(texText, (text) => {
        expect(texToUnicodeLine(text)).not.toMatch(RAW_TEX);
      }),
      { numRuns: RUNS },
    );
  });

  it('never shows raw TeX outside math in HTML, and escapes every markup character of the text', () => {
    fc.assert(
      fc.property(texText, fc.option(fc.integer({ min: 1, max: 400 }), { nil: undefined }), (text, maxChars) => {
        const out = html(text, maxChars);
        const rest = outsideMath(out);
        expect(rest).not.toMatch(RAW_TEX);
        // Outside MathML there is no tag at all, and every & starts an entity.
        expect(rest).not.toMatch(/[<>]/);
        expect(rest).not.toMatch(/&(?!(?:amp|lt|gt|quot|#39);)/);
      }),
      { numRuns: RUNS },
    );
  });

  it('keeps every well-formed math span as math', () => {
    const span = fc.constantFrom('x^2', '\\alpha + \\beta', 'a_i < b_i', '\\mathcal{O}(n)', 'e^{i\\pi} = -1');
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom('We ', 'show \\textbf{that} ', '15\\% of ', 'a & b '), span), { minLength: 1, maxLength: 6 }), (pairs) => {
        const text = pairs.map(([prose, math]) => `${prose}$${math}$ `).join('');
        expect(html(text).match(/<math\b/g)).toHaveLength(pairs.length);
        expect(texToUnicodeLine(text)).not.toContain('$');
      }),
      { numRuns: RUNS },
    );
  });
});
