// The Markdown subset comments may use: paragraphs, line breaks, **strong**, *emphasis* / _emphasis_,
// `code`, fenced code blocks, [links](https://…) and bare http(s) URLs. Safety comes from the order of
// work: every piece of text is HTML-escaped first, and the only markup in the output is the fixed set of
// tags written below. No attribute but href (http/https only) and rel is ever produced.

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (ch) => ESCAPES[ch]);
}

/** Renders a comment to HTML that is safe to insert into a page as is. */
export function renderCommentMarkdown(source: string): string {
  const out: string[] = [];
  const lines = source.replace(/\r\n?/g, '\n').split('\n');
  let paragraph: string[] = [];
  const flush = () => {
    if (paragraph.length) out.push(`<p>${paragraph.map(renderInline).join('<br>')}</p>`);
    paragraph = [];
  };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^\s*```/.test(line)) {
      flush();
      const code: string[] = [];
      for (i++; i < lines.length && !/^\s*```\s*$/.test(lines[i]); i++) code.push(lines[i]);
      out.push(`<pre><code>${escapeHtml(code.join('\n'))}</code></pre>`);
    } else if (line.trim() === '') {
      flush();
    } else {
      paragraph.push(line);
    }
  }
  flush();
  return out.join('\n');
}

// Code spans first (their content is never formatted), then links, then emphasis on what is left.
function renderInline(line: string): string {
  return line
    .split(/(`[^`]+`)/)
    .map((part, i) => (i % 2 === 1 ? `<code>${escapeHtml(part.slice(1, -1))}</code>` : renderLinks(part)))
    .join('');
}

const LINK = /\[([^\]]+)\]\(([^()\s]+)\)|(https?:\/\/[^\s<>()"']+[^\s<>()"'.,;:!?])/g;

function renderLinks(text: string): string {
  let html = '';
  let last = 0;
  for (const m of text.matchAll(LINK)) {
    const [whole, label, target, bare] = m;
    const href = safeHref(target ?? bare);
    html += renderEmphasis(escapeHtml(text.slice(last, m.index)));
    html += href
      ? `<a href="${escapeHtml(href)}" rel="nofollow ugc noopener">${renderEmphasis(escapeHtml(label ?? bare))}</a>`
      : renderEmphasis(escapeHtml(whole));
    last = m.index + whole.length;
  }
  return html + renderEmphasis(escapeHtml(text.slice(last)));
}

/** Only absolute http(s) URLs become links: no javascript:, data:, relative or protocol-relative targets. */
function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

// Runs on already escaped text: it only wraps existing characters in <strong>/<em>. The only < and > in it are
// the tags added here, and no span may contain one, so emphasis never straddles another span's edge: tags
// always nest ("_**a_**" stays partly literal instead of becoming <em><strong>a</em></strong>).
function renderEmphasis(escaped: string): string {
  return escaped
    .replace(/\*\*(?=[^\s<>])([^*<>]*?[^\s<>])\*\*/g, '<strong>$1</strong>')
    .replace(/(^|[^\w*])\*(?=[^\s<>])([^*<>]*?[^\s<>])\*(?![\w*])/g, '$1<em>$2</em>')
    .replace(/(^|[^\w])_(?=[^\s<>])([^_<>]*?[^\s<>])_(?!\w)/g, '$1<em>$2</em>');
}
