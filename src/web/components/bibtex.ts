// A BibTeX entry for an arXiv paper, in the @misc form arXiv itself suggests (eprint, archivePrefix, primaryClass).
import type { StoredPaper } from '../../db/papers.ts';

/** Braces must balance inside a BibTeX field; unbalanced ones (rare, from broken LaTeX) are dropped. */
function field(value: string): string {
  let depth = 0;
  let out = '';
  for (const ch of value) {
    if (ch === '{') depth++;
    if (ch === '}') {
      if (depth === 0) continue;
      depth--;
    }
    out += ch;
  }
  return out + '}'.repeat(depth);
}

function citationKey(p: StoredPaper, year: string): string {
  const last = (p.authors[0] ?? 'anonymous').split(/\s+/).at(-1) ?? 'anonymous';
  const word = p.title.split(/\s+/).find((w) => w.replace(/[^A-Za-z]/g, '').length > 3) ?? 'paper';
  const clean = (s: string) => s.normalize('NFKD').replace(/[^A-Za-z0-9]/g, '').toLowerCase();
  return `${clean(last) || 'anonymous'}${year}${clean(word)}`;
}

export function bibtexFor(p: StoredPaper): string {
  const year = (p.submittedAt ?? p.announcedOn ?? '').slice(0, 4) || 'n.d.';
  const lines = [
    `@misc{${citationKey(p, year)},`,
    `  title = {${field(p.title)}},`,
    `  author = {${field(p.authors.join(' and '))}},`,
    `  year = {${year}},`,
    `  eprint = {${p.id}},`,
    `  archivePrefix = {arXiv},`,
    ...(p.categories[0] ? [`  primaryClass = {${p.categories[0]}},`] : []),
    ...(p.doi ? [`  doi = {${field(p.doi)}},`] : []),
    `  url = {https://arxiv.org/abs/${p.id}}`,
    '}',
  ];
  return lines.join('\n');
}
