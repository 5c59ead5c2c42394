// A BibTeX entry for an arXiv paper, in the @misc form arXiv suggests (eprint, archivePrefix, primaryClass).
// Written here rather than with citation-js: measured on the cases below, its name parser gives "Roberto M.
// Cesar Jr." the surname "Jr." and "Xiaomi LLM-Core Team" the surname "Team", it escapes title math into
// literal text (`\textdollar{}\textbackslash{}alpha`), and it writes no eprint fields for arXiv
// (docs/decisions/0007-bibtex-without-citation-js.md).
//
// arXiv's fields are TeX-flavoured plain text, so each is first read as such (accents, escapes, formatting
// commands, grouping braces) into Unicode, then written back as BibTeX: every special character escaped,
// math kept as math, words with capitals braced so styles that lower-case titles keep them.
import { arxivIdMonth } from './arxiv-id.ts';
import type { Paper } from './paper.ts';
import { publicationDate } from './paper.ts';
import { isTypesettableMath, splitMath, texToPlainText } from './tex.ts';

export type BibtexPaper = Pick<Paper, 'id' | 'title' | 'authors' | 'categories' | 'doi' | 'submittedAt' | 'announcedOn' | 'versions'>;

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

export function bibtexFor(p: BibtexPaper): string {
  const published = publicationDate(p);
  const idMonth = arxivIdMonth(p.id);
  const year = published ? published.slice(0, 4) : String(idMonth?.year ?? '');
  const month = published ? MONTHS[Number(published.slice(5, 7)) - 1] : null;
  const authors = p.authors.map(bibtexName).filter((a): a is BibtexName => a !== null);
  const fields: [string, string][] = [
    ['title', `{${bibtexTitle(p.title)}}`],
    ...(authors.length ? [['author', `{${authors.map((a) => a.field).join(' and ')}}`] as [string, string]] : []),
    ['year', `{${year}}`],
    ...(month ? [['month', month] as [string, string]] : []),
    ['eprint', `{${p.id}}`],
    ['archivePrefix', '{arXiv}'],
    ...(p.categories[0] ? [['primaryClass', `{${verbatim(p.categories[0])}}`] as [string, string]] : []),
    ...(p.doi && /^10\.\S+$/.test(p.doi) ? [['doi', `{${verbatim(p.doi)}}`] as [string, string]] : []),
    ['url', `{https://arxiv.org/abs/${p.id}}`],
  ];
  const key = citationKey(authors[0]?.keyName ?? 'anonymous', year, p.title);
  return [`@misc{${key},`, fields.map(([name, value]) => `  ${name} = ${value}`).join(',\n'), '}'].join('\n');
}

function citationKey(name: string, year: string, title: string): string {
  const ascii = (s: string) =>
    s
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9]/g, '')
      .toLowerCase();
  const word =
    texToPlainText(title)
      .trim()
      .split(/\s+/)
      .find((w) => ascii(w).replace(/[0-9]/g, '').length > 3) ?? 'paper';
  return `${ascii(name) || 'anonymous'}${year}${ascii(word)}`;
}

// Each special character escaped and braced: a bare `\#` followed by a space makes some readers (citation-js)
// glue the next word to it, " and " included. `<` and `>` print as ¡ and ¿ in LaTeX's default font encoding.
const SPECIALS: Record<string, string> = {
  '\\': '{\\textbackslash}',
  '{': '{\\{}',
  '}': '{\\}}',
  '%': '{\\%}',
  '&': '{\\&}',
  '#': '{\\#}',
  _: '{\\_}',
  $: '{\\$}',
  '~': '{\\textasciitilde}',
  '^': '{\\textasciicircum}',
  '<': '{\\textless}',
  '>': '{\\textgreater}',
};

/**
 * Plain text written as BibTeX: specials escaped; other characters as UTF-8 (what biber, BibTeX under LaTeX's
 * default UTF-8 input, Zotero and JabRef read), because TeX accents at the start of a name (`{\'E}mile`) make
 * citation-js take the word for a particle.
 */
export function escapeBibtex(text: string): string {
  return text.normalize('NFC').replace(/[\\{}%&#_$~^<>]/g, (ch) => SPECIALS[ch]);
}

/**
 * Math as written, braced so styles do not change its case; a comment or alignment character inside is
 * escaped so it cannot cut the entry. Math that would not typeset is not math to hand on: null.
 */
function bibtexMath(tex: string, display: boolean): string | null {
  // citation-js reads `\_` in math as a command that takes an argument: `\_{}` typesets the same for both readers.
  const safe = tex.replace(/(?<!\\)([%&#])/g, '\\$1').replace(/(?<!\\)\\_(?!\{)/g, '\\_{}');
  if (!isTypesettableMath(safe, display)) return null;
  return display ? `{$$${safe}$$}` : `{$${safe}$}`;
}

/** A title: math kept, everything else read as plain text and escaped, each word with a capital braced. */
export function bibtexTitle(title: string): string {
  return splitMath(title)
    .map((segment) => {
      if ('text' in segment) return texToPlainText(segment.text).split(/( )/).map(protectCase).join('');
      const source = segment.display ? `$$${segment.math}$$` : `$${segment.math}$`;
      return bibtexMath(segment.math, segment.display) ?? `{${escapeBibtex(source)}}`;
    })
    .join('')
    .replace(/\s+/g, ' ')
    .trim();
}

function protectCase(word: string): string {
  const escaped = escapeBibtex(word);
  return /\p{Lu}/u.test(word) ? `{${escaped}}` : escaped;
}

/** A value BibTeX styles print verbatim (a DOI, a category): braces dropped so the field stays closed. */
function verbatim(value: string): string {
  return value.replace(/[{}\\]/g, '');
}

export interface BibtexName {
  /** The name as the author field carries it. */
  field: string;
  /** The family name (or an organisation's first word), for the citation key. */
  keyName: string;
}

const SUFFIX = /^(?:Jr\.?|Sr\.?|II|III|IV|2nd|3rd)$/;
// Organisations in author lists end with, or contain, one of these words ("Xiaomi LLM-Core Team",
// "The ATLAS Collaboration", "Shanghai AI Lab"). Capitalised forms only: "Ai Chen" is a person.
const ORGANISATION =
  /(?:^|\s)(?:Team|Teams|Group|Collaboration|Consortium|Community|Committee|Council|Laboratory|Laboratories|Lab|Labs|Institute|University|Inc\.?|Ltd\.?|Corporation|Corp\.?|Company|Foundation|Project|Initiative|Association|Society|Organization|Organisation|Department|Center|Centre|Research|Academy|Alliance|AI)(?=$|[\s.,])/;

/**
 * One author for the author field. BibTeX splits "First von Last" by itself, but reads the last word as the
 * surname and " and " as the next author: a suffix needs the "Last, Jr., First" form, and an organisation
 * (or any name with "and" in it) must be braced whole so it is never split.
 */
export function bibtexName(name: string): BibtexName | null {
  // Stray commas at either end or doubled would read as empty name parts (",,,a" is a four-part name to BibTeX).
  const plain = texToPlainText(name)
    .trim()
    .replace(/^[\s,]+|[\s,]+$/g, '')
    .replace(/,(\s*,)+/g, ',');
  // A name has a letter in it; crawl debris ("%", "2)") is left out rather than passed to BibTeX as a person.
  if (!/\p{L}/u.test(plain)) return null;
  const words = plain.split(' ');
  if ((words.length > 1 && ORGANISATION.test(plain)) || /\band\b/i.test(plain)) {
    return { field: `{${escapeBibtex(plain.replace(/,/g, ''))}}`, keyName: words[0] };
  }
  const parts = plain.split(/\s*,\s*/).filter(Boolean);
  if (parts.length === 2 && SUFFIX.test(parts[1])) {
    // "Martin Luther King, Jr."
    return withSuffix(parts[0].split(' '), parts[1]);
  }
  if (parts.length >= 2) {
    // Already "Last, First" (a comma BibTeX reads the same way); extra commas would start a "Jr" part.
    const [last, ...first] = parts;
    return { field: `${nameWords(last)}, ${nameWords(first.join(' '))}`, keyName: last };
  }
  if (words.length > 2 && SUFFIX.test(words.at(-1)!)) return withSuffix(words.slice(0, -1), words.at(-1)!);
  return { field: nameWords(plain), keyName: words.at(-1)! };
}

/**
 * Name words escaped, and braced where BibTeX would misread them: it splits words at hyphens too and takes a
 * lower-case piece for a particle, so "Jean-bastien Grill", "Pérez-del-Pulgar" or "de-Dios-Flores" must stay
 * whole, and a word that starts with a hyphen ("S. -M. Niemi") would lose it.
 */
function nameWords(text: string): string {
  return text
    .split(' ')
    .map((word) => (misreadAtHyphens(word) ? `{${escapeBibtex(word)}}` : escapeBibtex(word)))
    .join(' ');
}

function misreadAtHyphens(word: string): boolean {
  return word.startsWith('-') || (word.includes('-') && word.split('-').some((piece) => /^\p{Ll}/u.test(piece)));
}

function withSuffix(words: string[], suffix: string): BibtexName {
  // The surname is the last word with any lower-case particles before it ("van Beethoven").
  let start = words.length - 1;
  while (start > 1 && /^\p{Ll}/u.test(words[start - 1])) start--;
  const last = words.slice(start).join(' ');
  const first = words.slice(0, start).join(' ');
  return { field: `${nameWords(last)}, ${escapeBibtex(suffix)}, ${nameWords(first)}`, keyName: words.at(-1)! };
}
