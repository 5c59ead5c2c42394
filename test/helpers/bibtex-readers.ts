// Two independent BibTeX readers for checking what bibtexFor writes: @retorquere/bibtex-parser (the reader of
// Better BibTeX for Zotero) and citation-js's BibTeX input plugin. Both decode LaTeX to Unicode and split
// names by BibTeX's rules, each with its own grammar.
import { Cite } from '@citation-js/core';
import '@citation-js/plugin-bibtex';
import { parse as retorquereParse } from '@retorquere/bibtex-parser';

export interface ReadEntry {
  key: string;
  title: string;
  /** Each author as its words: a person's given, particle, family and suffix; an organisation's name. */
  authors: { family: string; given: string; suffix: string; literal: string }[];
  fields: Record<string, string>;
}

/** Reads a .bib text with @retorquere/bibtex-parser; throws on any parse error. */
export function readWithRetorquere(bib: string, options: { sentenceCase?: boolean } = {}): ReadEntry[] {
  const library = retorquereParse(bib, {
    // Math commands it does not know (\mathtt) are TeX's business, not a fault of the entry: keep their source.
    unsupported: (_node, tex) => tex,
    ...(options.sentenceCase ? {} : { english: false }),
  });
  if (library.errors.length) throw new Error(`@retorquere/bibtex-parser: ${JSON.stringify(library.errors.slice(0, 3))}`);
  return library.entries.map((e) => ({
    key: e.key,
    title: stripMarkup(String(e.fields.title ?? '')),
    authors: (e.fields.author ?? []).map((a) => ({
      family: nfc([a.prefix, a.lastName].filter(Boolean).join(' ')),
      given: nfc(a.firstName),
      suffix: nfc(a.suffix),
      literal: nfc(a.name),
    })),
    fields: Object.fromEntries(Object.entries(e.fields).filter(([, v]) => typeof v === 'string')) as Record<string, string>,
  }));
}

/** Reads a .bib text with citation-js. */
export function readWithCitationJs(bib: string): ReadEntry[] {
  return new Cite(bib).data.map((item) => {
    const authors = (item.author as Record<string, string>[] | undefined) ?? [];
    return {
      key: String(item['citation-key'] ?? item.id),
      title: stripMarkup(String(item.title ?? '')),
      authors: authors.map((a) => ({
        family: nfc([a['non-dropping-particle'], a['dropping-particle'], a.family].filter(Boolean).join(' ')),
        given: nfc(a.given),
        suffix: nfc(a.suffix),
        literal: nfc(a.literal),
      })),
      fields: { year: String((item.issued as { 'date-parts'?: number[][] } | undefined)?.['date-parts']?.[0]?.[0] ?? '') },
    };
  });
}

/** The readers mark case-protected and formatted spans with HTML-like tags; only the text matters here. */
function stripMarkup(s: string): string {
  return nfc(s.replace(/<\/?(?:span|i|b|sup|sub|sc)(?: [^>]*)?>/g, ''));
}

/** The readers differ in Unicode normalisation (é as one character or two); compare composed forms. */
function nfc(s: string | undefined): string {
  return (s ?? '').normalize('NFC');
}

/** All the words of a read author, in BibTeX's order-free sense (an organisation's are its name's). */
export function authorWords(a: ReadEntry['authors'][number]): string[] {
  return [a.given, a.family, a.suffix, a.literal].join(' ').split(/\s+/).filter(Boolean).sort();
}
