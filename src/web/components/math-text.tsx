// Abstracts and titles are plain text with LaTeX math between $…$, $$…$$ or \(…\). Text is escaped as usual;
// each math span is rendered on the server to MathML with temml (no client bundle; browsers render MathML
// natively), keeping the source as an annotation. Anything temml cannot parse is shown as the escaped source.
import { raw } from 'hono/html';
import temml from 'temml';
import { splitMath } from '../../domain/tex.ts';

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
