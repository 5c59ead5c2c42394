// Abstracts and titles are plain text with LaTeX math between $…$, $$…$$ or \(…\). Text is escaped as usual;
// each math span is rendered on the server to MathML with temml (no client bundle; browsers render MathML
// natively), keeping the source as an annotation. Anything temml cannot parse is shown as the escaped source.
import { raw } from 'hono/html';
import temml from 'temml';

// $$…$$ first so it is not read as two empty $…$; spans stay on one line and are short, so a stray
// dollar sign ("$5 million") cannot swallow a paragraph.
const MATH = /\$\$([^$\n]{1,400})\$\$|\$([^$\n]{1,400})\$|\\\(([^\n]{1,400}?)\\\)/g;

export type Segment = { text: string } | { math: string; display: boolean };

export function splitMath(input: string): Segment[] {
  const out: Segment[] = [];
  let last = 0;
  for (const m of input.matchAll(MATH)) {
    const tex = (m[1] ?? m[2] ?? m[3]).trim();
    // "$ 5 and $ 10": a span that opens or closes on a space is prose, not math.
    if (!tex || (m[2] !== undefined && (/^\s/.test(m[2]) || /\s$/.test(m[2])))) continue;
    if (m.index > last) out.push({ text: input.slice(last, m.index) });
    out.push({ math: tex, display: m[1] !== undefined });
    last = m.index + m[0].length;
  }
  if (last < input.length) out.push({ text: input.slice(last) });
  return out;
}

/** MathML for a TeX string, or null when temml cannot parse it. */
export function texToMathml(tex: string, display: boolean): string | null {
  try {
    const html = temml.renderToString(tex, { displayMode: display, throwOnError: true, trust: false, annotate: true });
    // temml marks unknown macros with inline colour styles, which the CSP forbids; the markup stays readable without them.
    return html.replace(/ style="[^"]*"/g, '');
  } catch {
    return null;
  }
}

export function MathText(props: { text: string }) {
  return (
    <>
      {splitMath(props.text).map((s) => {
        if ('text' in s) return s.text;
        const mathml = texToMathml(s.math, s.display);
        return mathml ? raw(mathml) : <code>{s.display ? `$$${s.math}$$` : `$${s.math}$`}</code>;
      })}
    </>
  );
}
