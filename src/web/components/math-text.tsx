// arXiv's titles and abstracts as HTML, through the one reading of their TeX (src/domain/tex.ts displaySegments):
// text pieces with their TeX commands read (\textbf{X} → X, 15\% → 15%) and escaped as usual; each math span
// rendered on the server to MathML with temml (no client bundle; browsers render MathML natively), keeping the
// source as an annotation. A span temml cannot parse is spelled in Unicode instead, never shown as raw TeX.
import { raw } from 'hono/html';
import temml from 'temml';
import { displaySegments, mathToUnicode } from '../../domain/tex.ts';

// temml shows an unknown macro (a paper's own \ours) as its source in this colour rather than failing.
const UNKNOWN_MACRO_COLOUR = '#b22222';

/** MathML for a TeX string, or null when temml cannot parse it or meets a macro it does not know. */
export function texToMathml(tex: string, display: boolean): string | null {
  try {
    const html = temml.renderToString(tex, { displayMode: display, throwOnError: true, trust: false, annotate: true, errorColor: UNKNOWN_MACRO_COLOUR });
    if (html.includes(`color:${UNKNOWN_MACRO_COLOUR}`)) return null;
    // Colours (\color{red}) come as inline styles, which the CSP forbids; the markup stays readable without them.
    return html.replace(/ style="[^"]*"/g, '');
  } catch {
    return null;
  }
}

/** TeX-flavoured text for a page; with `maxChars`, cut near that many displayed characters (never inside math). */
export function MathText(props: { text: string; maxChars?: number }) {
  return (
    <>
      {displaySegments(props.text, props.maxChars).map((s) => {
        if ('text' in s) return s.text;
        const mathml = texToMathml(s.math, s.display);
        return mathml ? raw(mathml) : mathToUnicode(s.math);
      })}
    </>
  );
}
