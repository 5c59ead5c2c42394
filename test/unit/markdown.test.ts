// The comment renderer: the supported subset renders, and no input whatsoever produces markup beyond the
// fixed set of tags, or an href that is not http(s).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { renderCommentMarkdown } from '../../src/domain/markdown.ts';

const ALLOWED_TAG = /<\/?(p|br|strong|em|code|pre)>|<a href="https?:\/\/[^"<>]*" rel="nofollow ugc noopener">|<\/a>/g;

function stripAllowed(html: string): string {
  return html.replace(ALLOWED_TAG, '');
}

describe('renderCommentMarkdown', () => {
  it('renders paragraphs, line breaks, emphasis, code and links', () => {
    expect(renderCommentMarkdown('Nice **result** and *method* and _idea_.\nSee `x < y`.\n\nSecond [paper](https://arxiv.org/abs/2406.01234).')).toBe(
      '<p>Nice <strong>result</strong> and <em>method</em> and <em>idea</em>.<br>See <code>x &lt; y</code>.</p>\n' +
        '<p>Second <a href="https://arxiv.org/abs/2406.01234" rel="nofollow ugc noopener">paper</a>.</p>',
    );
    expect(renderCommentMarkdown('```\n<b>bold?</b>\n  indented\n```')).toBe('<pre><code>&lt;b&gt;bold?&lt;/b&gt;\n  indented</code></pre>');
    expect(renderCommentMarkdown('bare https://example.org/a_b_c.')).toBe(
      '<p>bare <a href="https://example.org/a_b_c" rel="nofollow ugc noopener">https://example.org/a_b_c</a>.</p>',
    );
  });

  it('renders script and HTML inert', () => {
    const html = renderCommentMarkdown('<script>alert(1)</script><img src=x onerror=alert(2)> "quoted" & \'single\'');
    expect(html).toBe('<p>&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror=alert(2)&gt; &quot;quoted&quot; &amp; &#39;single&#39;</p>');
  });

  it('links only absolute http(s) URLs', () => {
    for (const target of ['javascript:alert(1)', 'data:text/html,x', '//evil.example/x', '/relative', 'JaVaScRiPt:alert(1)']) {
      expect(renderCommentMarkdown(`[click](${target})`)).not.toContain('<a ');
    }
    // A quote in the URL cannot close the attribute.
    expect(renderCommentMarkdown('[x](https://a.example/"onmouseover="alert(1))')).not.toMatch(/"\s*onmouseover/);
  });

  it('never emits other markup, whatever the input', () => {
    const pieces = fc.constantFrom(
      '<',
      '>',
      '"',
      "'",
      '&',
      '*',
      '_',
      '`',
      '```',
      '[',
      ']',
      '(',
      ')',
      '\n',
      '\n\n',
      'https://x.org/',
      'javascript:',
      'a',
      ' ',
      'script',
      'onerror=',
    );
    fc.assert(
      fc.property(fc.array(fc.oneof(pieces, fc.string()), { maxLength: 40 }), (parts) => {
        const html = renderCommentMarkdown(parts.join(''));
        const rest = stripAllowed(html);
        expect(rest).not.toMatch(/[<>]/);
        expect(rest).not.toMatch(/"/);
      }),
      { numRuns: 2000 },
    );
  });
});
