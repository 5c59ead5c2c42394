// paperMarkdown read back by commonmark.js (the CommonMark reference implementation): the structure a reader
// such as huggingface_hub's read_paper() gets, and that no text of the paper becomes markup.
import { HtmlRenderer, Parser, type Node } from 'commonmark';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bibtexFor } from '../../src/domain/bibtex.ts';
import { paperMarkdown, type MarkdownPaper } from '../../src/domain/paper-markdown.ts';

const paper = (over: Partial<MarkdownPaper> = {}): MarkdownPaper => ({
  id: '2504.17343',
  title: 'TimeChat-Online: 80% Visual Tokens are Naturally Redundant',
  authors: ['Linli Yao', 'Roberto M. Cesar Jr.'],
  categories: ['cs.CV', 'cs.AI'],
  doi: null,
  submittedAt: '2025-04-24T09:00:00Z',
  announcedOn: '2025-04-25',
  versions: [],
  abstract: 'We find that $O(n^2)$ tokens are redundant; 15\\% of them suffice.',
  codeUrl: 'https://github.com/yaolinli/TimeChat-Online',
  projectUrl: 'https://timechat-online.github.io/',
  comments: null,
  ...over,
});

function blocks(markdown: string): Node[] {
  const out: Node[] = [];
  for (let n = new Parser().parse(markdown).firstChild; n; n = n.next) out.push(n);
  return out;
}

function textOf(node: Node): string {
  let s = '';
  const walker = node.walker();
  for (let e = walker.next(); e; e = walker.next()) if (e.entering && (e.node.type === 'text' || e.node.type === 'code')) s += e.node.literal;
  return s;
}

function linksOf(markdown: string): [string, string][] {
  const out: [string, string][] = [];
  const walker = new Parser().parse(markdown).walker();
  for (let e = walker.next(); e; e = walker.next()) if (e.entering && e.node.type === 'link') out.push([textOf(e.node), e.node.destination ?? '']);
  return out;
}

describe('paperMarkdown', () => {
  it('has the title as heading, authors, links, the abstract with its math and a BibTeX block', () => {
    const p = paper();
    const md = paperMarkdown(p, { pageUrl: 'https://papers.example.org/papers/2504.17343' });
    const [heading, authors, , , abstractHeading, abstract, citationHeading, code] = blocks(md);
    expect(heading.type).toBe('heading');
    expect(textOf(heading)).toBe(p.title);
    expect(textOf(authors)).toBe('Authors: Linli Yao, Roberto M. Cesar Jr.');
    expect(linksOf(md)).toEqual([
      ['arXiv', 'https://arxiv.org/abs/2504.17343'],
      ['PDF', 'https://arxiv.org/pdf/2504.17343'],
      ['Code', 'https://github.com/yaolinli/TimeChat-Online'],
      ['Project page', 'https://timechat-online.github.io/'],
      ['Paperfeed', 'https://papers.example.org/papers/2504.17343'],
    ]);
    expect(md).toContain('**Published:** 2025-04-24');
    expect([textOf(abstractHeading), textOf(citationHeading)]).toEqual(['Abstract', 'Citation']);
    expect(textOf(abstract)).toBe('We find that $O(n^2)$ tokens are redundant; 15% of them suffice.');
    expect(code.type).toBe('code_block');
    expect(code.info).toBe('bibtex');
    expect(code.literal).toBe(`${bibtexFor(p)}\n`);
  });

  it('keeps text that looks like Markdown or HTML as text', () => {
    const title = '<script>alert(1)</script> **bold** [x](javascript:alert(1)) `code` & &amp; #tag | ~~gone~~ $5 and $6';
    const md = paperMarkdown(paper({ title, abstract: '- not a list\n1. nor this', authors: ['<img src=x onerror=alert(1)>'] }));
    const html = new HtmlRenderer().render(new Parser().parse(md));
    expect(html).not.toMatch(/<(script|img|em|del)\b/);
    // The only strong text is the labels this module writes.
    expect([...html.matchAll(/<strong>([^<]*)<\/strong>/g)].map((m) => m[1])).toEqual(['Authors:', 'arXiv:', 'Published:', 'Categories:']);
    expect(linksOf(md).map(([, href]) => href)).not.toContain('javascript:alert(1)');
    const [heading, authors, , , , abstract] = blocks(md);
    expect(textOf(heading)).toBe(title);
    expect(textOf(authors)).toBe('Authors: <img src=x onerror=alert(1)>');
    expect(abstract.type).toBe('paragraph');
  });

  it('links only http(s) URLs and survives backticks in the BibTeX block', () => {
    const md = paperMarkdown(paper({ codeUrl: 'javascript:alert(1)', projectUrl: 'https://x.org/a b(c)', title: 'A ```` fence' }));
    expect(linksOf(md).map(([label]) => label)).toEqual(['arXiv', 'PDF', 'Project page']);
    expect(linksOf(md)[2][1]).toBe('https://x.org/a%20b(c)');
    expect(blocks(md).at(-1)!.literal).toContain('fence');
  });

  // Math spans are handed on as written, for renderers with math support; a renderer without it may read
  // `$*a*$` as emphasis, never as HTML. Outside math no character of the paper becomes markup.
  const alphabet = 'aZ 0\\{}%&#_~^*`[]()<>!|-+=.\n'.split('');
  const text = (withMath: boolean) =>
    fc.string({ unit: fc.constantFrom(...alphabet, ...(withMath ? ['$', '$x$'] : []), '```', '\\emph{', 'javascript:'), maxLength: 80 });
  const sections = (md: string) => {
    const types = blocks(md).map((b) => b.type);
    expect(types[0]).toBe('heading');
    expect(types.slice(-4)).toEqual(['heading', 'paragraph', 'heading', 'code_block']);
    return new HtmlRenderer().render(new Parser().parse(md));
  };

  it('always parses into the same sections with no HTML from the text, math or not', () => {
    fc.assert(
      fc.property(
        text(true).filter((t) => /\S/.test(t)),
        text(true),
        fc.array(text(true), { maxLength: 3 }),
        (title, abstract, authors) => {
          expect(sections(paperMarkdown(paper({ title, abstract, authors })))).not.toMatch(/<(?!\/?(h1|h2|p|strong|em|a|pre|code)\b)[a-z]/i);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
  });

  it('turns no text outside math into emphasis, links or code', () => {
    fc.assert(
      fc.property(
        text(false).filter((t) => /\S/.test(t)),
        text(false),
        fc.array(text(false), { maxLength: 3 }),
        (title, abstract, authors) => {
          const html = sections(paperMarkdown(paper({ title, abstract, authors, codeUrl: null, projectUrl: null })));
          expect(html).not.toMatch(/<(?!\/?(h1|h2|p|strong|a|pre|code)\b)[a-z]/i);
          expect(html.match(/<a /g)).toHaveLength(2);
          expect(html.match(/<code/g)).toHaveLength(1);
        },
      ),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 200) },
    );
  });
});
