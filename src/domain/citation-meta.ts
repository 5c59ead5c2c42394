// Highwire Press `citation_*` meta tags for a paper's page, which Google Scholar and Zotero read to index and
// import it: title, one citation_author per author, dates, the arXiv id and the PDF. Text is plain Unicode
// (math as readable symbols), since these are attribute values, not TeX; the page escapes them.
import { absUrl, pdfUrl } from './arxiv-id.ts';
import { publicationDate, type Paper } from './paper.ts';
import { texToUnicodeLine } from './tex.ts';

export interface MetaTag {
  name: string;
  content: string;
}

export type CitationPaper = Pick<Paper, 'id' | 'title' | 'authors' | 'abstract' | 'doi' | 'submittedAt' | 'announcedOn' | 'versions' | 'updatedAt'>;

/** Highwire dates are YYYY/MM/DD. */
function highwireDate(iso: string | null): string | null {
  return iso && /^\d{4}-\d{2}-\d{2}/.test(iso) ? iso.slice(0, 10).replace(/-/g, '/') : null;
}

export function citationMetaTags(p: CitationPaper): MetaTag[] {
  const tags: MetaTag[] = [{ name: 'citation_title', content: texToUnicodeLine(p.title) }];
  for (const author of p.authors) {
    const name = texToUnicodeLine(author);
    if (name) tags.push({ name: 'citation_author', content: name });
  }
  const published = highwireDate(publicationDate(p));
  if (published) tags.push({ name: 'citation_publication_date', content: published }, { name: 'citation_date', content: published });
  const online = highwireDate(p.updatedAt);
  if (online) tags.push({ name: 'citation_online_date', content: online });
  tags.push(
    { name: 'citation_arxiv_id', content: p.id },
    { name: 'citation_pdf_url', content: pdfUrl(p.id) },
    { name: 'citation_abstract_html_url', content: absUrl(p.id) },
    { name: 'citation_publisher', content: 'arXiv' },
  );
  if (p.doi) tags.push({ name: 'citation_doi', content: p.doi });
  if (p.abstract) tags.push({ name: 'citation_abstract', content: texToUnicodeLine(p.abstract) });
  return tags;
}
