// arXiv's text fields (titles, abstracts, author names) are plain text in TeX's clothes: math between $…$,
// $$…$$ or \(…\), accents typed as TeX (Bal\'azs, M{\"u}ller). These pure helpers read that convention for
// every renderer (pages, BibTeX, Markdown).
import temml from 'temml';
import { latex2unicode } from 'unicode2latex';

// $$…$$ first so it is not read as two empty $…$; spans stay on one line and are short, so a stray
// dollar sign ("$5 million") cannot swallow a paragraph; an escaped dollar (\$) never opens or closes one.
const MATH = /(?<!\\)\$\$([^$\n]{1,400})\$\$|(?<!\\)\$([^$\n]{1,400})(?<!\\)\$|\\\(([^\n]{1,400}?)\\\)/g;

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

/**
 * Whether a math span is TeX that typesets (temml parses it as LaTeX would, near enough): "$^$" or
 * "$\frac{a}$" in a title is not math to hand on to LaTeX, but text.
 */
export function isTypesettableMath(tex: string, display = false): boolean {
  try {
    temml.renderToString(tex, { displayMode: display, throwOnError: true, trust: false });
    return true;
  } catch {
    return false;
  }
}

// TeX accent commands as arXiv authors type them (Bal\'azs, M{\"u}ller, \v{S}koda) and their combining marks.
const SYMBOL_ACCENTS: Record<string, string> = { "'": '\u0301', '`': '\u0300', '"': '\u0308', '^': '\u0302', '~': '\u0303', '=': '\u0304', '.': '\u0307' };
const LETTER_ACCENTS: Record<string, string> = { u: '\u0306', v: '\u030C', H: '\u030B', c: '\u0327', k: '\u0328' };
const SPECIAL_LETTERS: Record<string, string> = { ss: 'ß', o: 'ø', O: 'Ø', l: 'ł', L: 'Ł', ae: 'æ', AE: 'Æ', oe: 'œ', aa: 'å', AA: 'Å', i: 'ı' };

/** Turns TeX accents in a name into Unicode ("Bal\\'azs" → "Balázs"); anything unrecognised is left as typed. */
export function decodeLatexAccents(name: string): string {
  if (!name.includes('\\')) return name;
  return name
    .replace(/\{?\\(['`"^~=.])\s*\{?([A-Za-z]|\\i)\}?\}?/g, (_, accent: string, letter: string) => (letter === '\\i' ? 'i' : letter) + SYMBOL_ACCENTS[accent])
    .replace(/\{?\\([uvHck])(?:\s+|\{)([A-Za-z])\}?\}?/g, (_, accent: string, letter: string) => letter + LETTER_ACCENTS[accent])
    .replace(/\{?\\(ss|ae|AE|oe|aa|AA|o|O|l|L|i)(?![A-Za-z])(?:\{\})?\}?\s?/g, (_, letter: string) => SPECIAL_LETTERS[letter])
    .normalize('NFC');
}

/**
 * The Unicode text a TeX-flavoured string stands for: accents decoded, escaped specials (`\%`) made literal,
 * `\\` a space, formatting commands (`\emph`, `\textbf`) and grouping braces dropped with their argument kept,
 * references (`\cite{…}`, `\label{…}`) dropped whole, `\href{url}{text}` and `\textcolor{red}{text}` reduced to
 * their text, symbol commands (`\times`, `\pm`) read as their symbol, and any other command reduced to its name,
 * so that a stray `\Ajinkya` in a crawled author list reads "Ajinkya" instead of breaking LaTeX.
 * Quotes typed as `` and '' become “ ”. Whitespace is collapsed, not trimmed (a piece of a title keeps its spaces).
 */
const COMMAND_NAME = /[A-Za-z]+/y;

export function texToPlainText(tex: string): string {
  const s = decodeLatexAccents(tex);
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i];
    if (ch === '{' || ch === '}') continue;
    if (ch !== '\\') {
      out += ch;
      continue;
    }
    const next = s[i + 1] ?? '';
    if (/[A-Za-z]/.test(next)) {
      COMMAND_NAME.lastIndex = i + 1;
      const name = COMMAND_NAME.exec(s)![0];
      i += name.length;
      const hidden = HIDDEN_ARGUMENTS[name];
      if (hidden !== undefined) {
        i = skipArguments(s, i + 1, hidden) - 1;
        continue;
      }
      out += TEXT_COMMANDS[name] ?? (FORMATTING_COMMANDS.has(name) ? '' : (textSymbol(name) ?? name));
    } else if (next === '\\') {
      out += ' ';
      i++;
    } else if (next) {
      // \% \& \# \_ \$ \{ \} \, \  and any other escaped symbol stand for the symbol (or a space).
      out += /[,;: ]/.test(next) ? ' ' : next;
      i++;
    }
  }
  // TeX's quote ligatures; its dash ligatures stay, as `--` also occurs in URLs.
  return out.replace(/``/g, '“').replace(/''/g, '”').replace(/\s+/g, ' ');
}

/**
 * The index after a command's hidden arguments: an optional [option], then `count` braced groups (balanced),
 * each possibly after spaces. A group that never closes ends the text; a missing one is not looked for further.
 */
function skipArguments(s: string, from: number, count: number): number {
  let i = from;
  const skipSpaces = () => {
    while (s[i] === ' ') i++;
  };
  skipSpaces();
  if (s[i] === '[') {
    const close = s.indexOf(']', i);
    i = close < 0 ? s.length : close + 1;
  }
  for (let n = 0; n < count; n++) {
    skipSpaces();
    if (s[i] !== '{') break;
    let depth = 0;
    for (; i < s.length; i++) {
      if (s[i] === '\\') i++;
      else if (s[i] === '{') depth++;
      else if (s[i] === '}' && --depth === 0) break;
    }
    i++;
  }
  return Math.min(i, s.length);
}

/** A symbol command's character (\times → ×) from unicode2latex's table; null for names it does not know. */
function textSymbol(name: string): string | null {
  const found = unicodeFor(`\\${name}`);
  // Accents left over after decodeLatexAccents have nothing to sit on: their name reads better than a lone mark.
  return found && !/\p{M}/u.test(found) ? found : null;
}

// Commands arXiv titles and abstracts use for words and symbols, and the text they print.
const TEXT_COMMANDS: Record<string, string> = {
  LaTeX: 'LaTeX',
  TeX: 'TeX',
  ldots: '…',
  dots: '…',
  textendash: '–',
  textemdash: '—',
  textquoteright: '’',
  textquoteleft: '‘',
  textasciitilde: '~',
  textbackslash: '\\',
  textbar: '|',
  textless: '<',
  textgreater: '>',
  textregistered: '®',
  texttrademark: '™',
  textcopyright: '©',
  textdegree: '°',
  S: '§',
  P: '¶',
  ss: 'ß',
  deg: '°',
  eg: 'e.g.',
  ie: 'i.e.',
  etal: 'et al.',
  etc: 'etc.',
  vs: 'vs.',
  wrt: 'w.r.t.',
  newline: ' ',
  par: ' ',
};
// Commands whose only effect is on the look of their argument, which stays.
const FORMATTING_COMMANDS = new Set([
  'emph',
  'textit',
  'textbf',
  'texttt',
  'textsc',
  'textsf',
  'textrm',
  'textup',
  'textsl',
  'textnormal',
  'underline',
  'em',
  'it',
  'bf',
  'sc',
  'tt',
  'rm',
  'sf',
  'sl',
  'bfseries',
  'itshape',
  'scshape',
  'mbox',
  'text',
  'url',
  'uline',
  'textsuperscript',
  'textsubscript',
  'footnote',
  'small',
  'large',
  'Large',
  'normalsize',
  'footnotesize',
  'noindent',
]);
// Commands whose first N braced arguments are not text to show: references, labels, colours, link targets, spacing.
const HIDDEN_ARGUMENTS: Record<string, number> = {
  cite: 1,
  citep: 1,
  citet: 1,
  citealp: 1,
  citeauthor: 1,
  citeyear: 1,
  ref: 1,
  eqref: 1,
  autoref: 1,
  cref: 1,
  Cref: 1,
  label: 1,
  footnotemark: 0,
  href: 1,
  textcolor: 1,
  color: 1,
  colorbox: 1,
  vspace: 1,
  hspace: 1,
  includegraphics: 1,
};

// Math commands whose argument is shown as it is (\mathrm{Adam} → Adam).
const MATH_STYLES = new Set([
  'mathcal',
  'mathbb',
  'mathfrak',
  'mathscr',
  'mathrm',
  'mathbf',
  'mathit',
  'mathsf',
  'mathtt',
  'text',
  'textrm',
  'textbf',
  'textit',
  'operatorname',
  'boldsymbol',
  'bm',
  'bf',
  'rm',
  'it',
]);
const MATH_TOKEN = /\\([A-Za-z]+)(?:\s*(\{[^{}]*\}))?|\\(.)|([\^_])(\{[^{}]*\}|\\[A-Za-z]+|.)|([{}])|(\s+)|(.)/gsy;

function unicodeFor(tex: string): string | null {
  const found = (latex2unicode as Record<string, string | { math?: string; text?: string }>)[tex];
  if (found === undefined) return null;
  return typeof found === 'string' ? found : (found.math ?? found.text ?? null);
}

/**
 * A math span as readable Unicode text, for places that cannot typeset it (an image, a plain-text line):
 * symbols from unicode2latex's table (\alpha → α, \leq → ≤, ^{2} → ², \mathcal{X} → 𝒳), style commands
 * reduced to their argument, \\frac{a}{b} to a/b, anything else to its name; braces dropped.
 */
export function mathToUnicode(tex: string): string {
  let out = '';
  const flat = tex.replace(
    /\\[dt]?frac\s*\{([^{}]*)\}\s*\{([^{}]*)\}/g,
    (_, a: string, b: string) => `${a.length > 1 ? `(${a})` : a}/${b.length > 1 ? `(${b})` : b}`,
  );
  for (const m of flat.matchAll(MATH_TOKEN)) {
    const [whole, command, argument, symbol, script, scripted, brace, space, other] = m;
    if (command !== undefined) {
      const inner = argument?.slice(1, -1) ?? '';
      const withArgument = argument !== undefined ? unicodeFor(`\\${command}${argument}`) : null;
      if (withArgument !== null) out += withArgument;
      else if (MATH_STYLES.has(command)) out += mathToUnicode(inner);
      else out += (unicodeFor(`\\${command}`) ?? command) + (argument !== undefined ? mathToUnicode(inner) : '');
    } else if (symbol !== undefined) {
      // `\\` is a line break: a space, never a lone backslash that would run into the next word as a command.
      out += symbol === '\\' ? ' ' : (unicodeFor(`\\${symbol}`) ?? symbol);
    } else if (script !== undefined) {
      const body = scripted.startsWith('{') ? scripted.slice(1, -1) : scripted;
      const each = [...body].map((c) => unicodeFor(`${script}{${c}}`));
      out += each.every((c) => c !== null) ? each.join('') : `${script}(${mathToUnicode(body)})`;
    } else if (brace !== undefined) continue;
    else out += space !== undefined ? ' ' : (other ?? whole);
  }
  return out;
}

/**
 * The one reading of arXiv's TeX-flavoured text for display: text pieces as texToPlainText reads them, math spans
 * as written (a page typesets them, plain text spells them in Unicode). With `maxChars`, the pieces are cut at a
 * word boundary near that many displayed characters, with "…", never inside a math span or a command.
 */
export function displaySegments(tex: string, maxChars = Infinity): Segment[] {
  const out: Segment[] = [];
  let used = 0;
  for (const s of splitMath(tex)) {
    if ('math' in s) {
      const width = mathToUnicode(s.math).length;
      if (used + width > maxChars && used > 0) return [...out, { text: '…' }];
      out.push(s);
      used += width;
      continue;
    }
    const text = texToPlainText(s.text);
    if (used + text.length <= maxChars) {
      out.push({ text });
      used += text.length;
      continue;
    }
    out.push({ text: shortenText(text, Math.max(0, maxChars - used)) });
    return out;
  }
  return out;
}

/** Plain text cut at a word boundary near `max` characters, with "…" where it was cut. */
export function shortenText(text: string, max: number): string {
  if (text.length <= max) return text;
  const cut = text.slice(0, max);
  const space = cut.lastIndexOf(' ');
  return `${(space > max * 0.6 ? cut.slice(0, space) : cut).replace(/[\s,;:]+$/, '')}…`;
}

/** TeX-flavoured text as one line of plain Unicode: text as texToPlainText reads it, math as mathToUnicode. */
export function texToUnicodeLine(tex: string): string {
  return displaySegments(tex)
    .map((s) => ('math' in s ? mathToUnicode(s.math) : s.text))
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}
