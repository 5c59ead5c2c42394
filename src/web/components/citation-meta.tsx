// The Highwire `citation_*` tags of a paper (domain/citation-meta.ts) as <meta> elements for the page head.
import { citationMetaTags, type CitationPaper } from '../../domain/citation-meta.ts';

export function CitationMeta(props: { paper: CitationPaper }) {
  return (
    <>
      {citationMetaTags(props.paper).map((tag) => (
        <meta name={tag.name} content={tag.content} />
      ))}
    </>
  );
}
