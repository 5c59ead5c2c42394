// A paper as Markdown, for `/papers/{id}.md` and `Accept: text/markdown` (what huggingface_hub's read_paper()
// and LLM tools fetch): title, authors, links, abstract and a BibTeX block. Math stays as `$…$` for renderers
// with math support; the rest of arXiv's TeX-flavoured text is read as plain text, and every character
// Markdown or HTML would act on is escaped, so a title can neither inject markup nor break the layout.
import { absUrl, pdfUrl } from './arxiv-id.ts';
import { bibtexFor, type BibtexPaper } from './bibtex.ts';
import { publicationDate, type Paper } from './paper.ts';
import { splitMath, texToPlainText } from './tex.ts';

export type MarkdownPaper = BibtexPaper & Pick<Paper, 'abstract' | 'codeUrl' | 'projectUrl' | 'comments'>;

export interface PaperMarkdownOptions {
  /** This site's page for the paper, linked when given. */
  pageUrl?: string;
}

export function paperMarkdown(p: MarkdownPaper, options: PaperMarkdownOptions = {}): string {
  const links = [
    ['arXiv', absUrl(p.id)],
    ['PDF', pdfUrl(p.id)],
    ['Code', p.codeUrl],
    ['Project page', p.projectUrl],
    ['DOI', p.doi ? `https://doi.org/${p.doi}` : null],
    ['Paperfeed', options.pageUrl ?? null],
  ].flatMap(([label, url]) => {
    const target = url ? linkTarget(url) : null;
    return target ? [`[${label}](${target})`] : [];
  });
  const published = publicationDate(p)?.slice(0, 10);
  const facts = [
    `**arXiv:** ${p.id}`,
    ...(published ? [`**Published:** ${published}`] : []),
    ...(p.categories.length ? [`**Categories:** ${p.categories.map(markdownText).join(', ')}`] : []),
  ];
  const bibtex = bibtexFor(p);
  const fence = '`'.repeat(Math.max(3, ...[...bibtex.matchAll(/`+/g)].map((m) => m[0].length + 1)));
  return (
    [
      `# ${markdownWithMath(p.title)}`,
      ...(p.authors.length ? [`**Authors:** ${p.authors.map((a) => markdownText(texToPlainText(a).trim())).join(', ')}`] : []),
      facts.join(' · '),
      links.join(' · '),
      ...(p.comments ? [`**Comments:** ${markdownWithMath(p.comments)}`] : []),
      '## Abstract',
      markdownWithMath(p.abstract) || 'No abstract.',
      '## Citation',
      `${fence}bibtex\n${bibtex}\n${fence}`,
    ].join('\n\n') + '\n'
  );
}

/**
 * TeX-flavoured text as one Markdown paragraph: math spans kept as `$…$` (or `$$…$$`), everything else plain
 * and escaped, and a start that would open a list, quote or heading ("- ", "1. ", "> ") escaped too.
 */
export function markdownWithMath(tex: string): string {
  return splitMath(tex)
    .map((s) => ('math' in s ? mathSpan(s.math, s.display) : markdownText(texToPlainText(s.text))))
    .join('')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/^([-+=>])/, '\\$1')
    .replace(/^(\d+)([.)])/, '$1\\$2');
}

// A math span is inline Markdown only on one line; its content is left as TeX (renderers read it as such), but
// a `<` is written as the TeX command so that no renderer without math support sees an HTML tag.
function mathSpan(tex: string, display: boolean): string {
  const body = tex.replace(/\s+/g, ' ').replace(/</g, '\\lt ').replace(/>/g, '\\gt ');
  return display ? `$$${body}$$` : `$${body}$`;
}

/**
 * Plain text with the characters Markdown acts on inside a line backslash-escaped: emphasis, code, links,
 * raw HTML and entities, table pipes, strikethrough, math dollars and heading hashes.
 */
export function markdownText(text: string): string {
  return text.replace(/[\\`*_[\]<>&|~$#]/g, (ch) => `\\${ch}`);
}

/** An absolute http(s) URL as a link destination in angle brackets, or null for anything else. */
function linkTarget(raw: string): string | null {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  return `<${url.href.replace(/[<> ]/g, encodeURIComponent)}>`;
}
