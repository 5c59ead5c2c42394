// A paper's page: everything we know about it, readable without JavaScript, with sharing metadata and a
// schema.org ScholarlyArticle description for search engines.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { HtmlEscapedString } from 'hono/utils/html';
import { absUrl, pdfUrl } from '../../domain/arxiv-id.ts';
import { publicationDate } from '../../domain/paper.ts';
import type { ListedPaper } from '../../db/listings.ts';
import type { StoredPaper } from '../../db/papers.ts';
import type { PaperPeople } from '../../db/people.ts';
import { bibtexFor } from '../../domain/bibtex.ts';
import { cardAnchor } from '../components/card-actions.tsx';
import { CitationMeta } from '../components/citation-meta.tsx';
import { jsonForScript, Layout } from '../components/layout.tsx';
import { renderedOnce } from '../components/rendered-once.ts';
import { MathText } from '../components/math-text.tsx';
import { formatCount, PaperCard } from '../components/paper-card.tsx';
import { CommentCounts } from '../components/comment-counts.tsx';
import { InShortSection } from '../components/in-short.tsx';
import { authorPath } from '../components/people-links.tsx';
import { Media, Organization, PaperAuthors, Submitter } from '../people/paper-people.tsx';
import { SHARE_IMAGE_HEIGHT, SHARE_IMAGE_WIDTH } from '../components/share-image.ts';
import { shortenText, texToUnicodeLine } from '../../domain/tex.ts';

export interface PaperPageProps {
  item: ListedPaper;
  canonical: string;
  baseUrl: string;
  /** Similar papers from search, or null when search cannot say. */
  similar: ListedPaper[] | null;
  /** Who the authors are, the organisation, the submitter's account, media. */
  people: PaperPeople;
  /** The claim form and the visitor's own claim, for signed-in visitors (people/). */
  claims?: Child;
  /** Upvote, save and collect, at the top, when that part of the product provides them. */
  actions?: Child;
  /** The community panel (comments) when that part of the product provides one. */
  community?: Child;
  /** The header's account links: a page template's hole (components/page-template.ts). */
  accountLinks: Child;
}

function day(iso: string | null): string | null {
  return iso ? iso.slice(0, 10) : null;
}

export function scholarlyArticle(item: ListedPaper, canonical: string, baseUrl: string) {
  const p = item.paper;
  return {
    '@context': 'https://schema.org',
    '@type': 'ScholarlyArticle',
    '@id': canonical,
    url: canonical,
    headline: shortenText(texToUnicodeLine(p.title), 110),
    name: texToUnicodeLine(p.title),
    abstract: texToUnicodeLine(p.abstract),
    author: p.authors.map((name) => {
      const path = authorPath(name);
      return { '@type': 'Person', name, ...(path ? { url: baseUrl + path } : {}) };
    }),
    datePublished: day(publicationDate(p)) ?? undefined,
    dateModified: day(p.updatedAt) ?? undefined,
    keywords: [...p.categories, ...p.keywords].join(', ') || undefined,
    identifier: [
      { '@type': 'PropertyValue', propertyID: 'arXiv', value: p.id },
      ...(p.doi ? [{ '@type': 'PropertyValue', propertyID: 'DOI', value: p.doi }] : []),
    ],
    sameAs: absUrl(p.id),
    ...(p.license ? { license: p.license } : {}),
    interactionStatistic: [
      { '@type': 'InteractionCounter', interactionType: 'https://schema.org/LikeAction', userInteractionCount: item.signals.upvotes },
      { '@type': 'InteractionCounter', interactionType: 'https://schema.org/CommentAction', userInteractionCount: item.signals.comments },
    ],
  };
}

// The parts that depend only on the paper record are rendered once per record (rendered-once.ts): its head (citation
// tags, JSON-LD), title, abstract, facts and BibTeX. The record is shared until the store changes.
const renderedHeads = new WeakMap<ListedPaper, { canonical: string; html: HtmlEscapedString }>();
const renderedTitles = new WeakMap<StoredPaper, HtmlEscapedString>();
const renderedAbstracts = new WeakMap<StoredPaper, HtmlEscapedString>();
const renderedFacts = new WeakMap<StoredPaper, HtmlEscapedString>();

/** Citation tags, alternate representations and JSON-LD; the canonical URL is part of them, so it is checked. */
function paperHead(item: ListedPaper, canonical: string, baseUrl: string): HtmlEscapedString {
  const known = renderedHeads.get(item);
  if (known?.canonical === canonical) return known.html;
  const { paper } = item;
  // Rendered inside <head>, then unwrapped: outside it hono/jsx keeps only one meta per name (citation_author repeats).
  const head = String(
    <head>
      <script type="application/ld+json">{raw(jsonForScript(scholarlyArticle(item, canonical, baseUrl)))}</script>
      <CitationMeta paper={paper} />
      <link rel="alternate" type="text/markdown" title="This paper as Markdown" href={`/papers/${paper.id}.md`} />
      <link rel="alternate" type="application/x-bibtex" title="BibTeX" href={`/papers/${paper.id}.bib`} />
    </head>,
  );
  const html = raw(head.slice('<head>'.length, -'</head>'.length));
  renderedHeads.set(item, { canonical, html });
  return html;
}

/** Dates, versions, journal, DOI, keywords, and the Cite box. */
function PaperFacts(props: { paper: StoredPaper }) {
  const { paper } = props;
  const bibtex = bibtexFor(paper);
  return (
    <>
      <dl class="facts">
        {paper.submittedAt && (
          <>
            <dt>Submitted</dt>
            <dd>{day(paper.submittedAt)}</dd>
          </>
        )}
        {paper.announcedOn && (
          <>
            <dt>Announced</dt>
            <dd>
              <a href={`/papers/date/${paper.announcedOn}`}>{paper.announcedOn}</a>
            </dd>
          </>
        )}
        {paper.updatedAt && paper.updatedAt !== paper.submittedAt && (
          <>
            <dt>Updated</dt>
            <dd>{day(paper.updatedAt)}</dd>
          </>
        )}
        <dt>Versions</dt>
        <dd>
          {paper.versions.length
            ? paper.versions.map((v, i) => (
                <>
                  {i > 0 && ', '}
                  <a href={absUrl(paper.id, v.version)}>v{v.version}</a>
                  {v.created && ` (${day(v.created)})`}
                </>
              ))
            : `v${paper.version}`}
        </dd>
        {paper.comments && (
          <>
            <dt>Comments</dt>
            <dd>{paper.comments}</dd>
          </>
        )}
        {paper.journalRef && (
          <>
            <dt>Journal</dt>
            <dd>{paper.journalRef}</dd>
          </>
        )}
        {paper.doi && (
          <>
            <dt>DOI</dt>
            <dd>
              <a href={`https://doi.org/${paper.doi}`}>{paper.doi}</a>
            </dd>
          </>
        )}
        {paper.keywords.length > 0 && (
          <>
            <dt>Keywords</dt>
            <dd>{paper.keywords.join(', ')}</dd>
          </>
        )}
      </dl>
      <section aria-labelledby="cite">
        <h2 id="cite">Cite</h2>
        <pre class="bibtex" id="bibtex" tabindex={0}>
          {bibtex}
        </pre>
        <div class="actions">
          <button type="button" data-copy="bibtex" hidden>
            Copy BibTeX
          </button>
          <a class="button" href={`/papers/${paper.id}.bib`} download>
            Download .bib
          </a>
          <a class="button" href={`/papers/${paper.id}.md`} type="text/markdown">
            Markdown
          </a>
        </div>
      </section>
    </>
  );
}

export function PaperPage(props: PaperPageProps) {
  const { paper, signals } = props.item;
  return (
    <Layout
      title={texToUnicodeLine(paper.title)}
      description={shortenText(texToUnicodeLine(paper.aiSummary ?? paper.tldr ?? paper.abstract), 200)}
      canonical={props.canonical}
      share={{
        type: 'article',
        image: {
          url: `${props.baseUrl}/papers/${paper.id}/thumbnail.png`,
          type: 'image/png',
          width: SHARE_IMAGE_WIDTH,
          height: SHARE_IMAGE_HEIGHT,
          alt: `${paper.title}, arXiv:${paper.id}`,
        },
      }}
      head={paperHead(props.item, props.canonical, props.baseUrl)}
      accountLinks={props.accountLinks}
    >
      <article>
        <p class="muted">
          arXiv:{paper.id}v{paper.version}
          {paper.categories.length > 0 && <> · {paper.categories.join(' · ')}</>}
        </p>
        <h1>
          {renderedOnce(renderedTitles, paper, () => (
            <MathText text={paper.title} />
          ))}
        </h1>
        <Organization people={props.people} />
        <PaperAuthors names={paper.authors} people={props.people} />
        {props.claims}
        <p>
          <strong>{signals.upvotes}</strong> upvote{signals.upvotes === 1 ? '' : 's'} ·{' '}
          <CommentCounts paperId={paper.id} signals={signals} discussionHref={`/papers/${paper.id}/discussion`} />
          {signals.day && (
            <>
              {' · '}in the Daily Papers of <a href={`/papers/date/${signals.day}`}>{signals.day}</a>
              {signals.submittedBy && (
                <>
                  {' '}
                  (submitted by <Submitter username={signals.submittedBy} source={signals.source} hf={props.people.submitter} />)
                </>
              )}
            </>
          )}
        </p>
        {/* The card anchor: the upvote and save buttons come back here. */}
        <div class="actions" id={cardAnchor(paper.id)}>
          {props.actions}
          <a class="button" href="#discussion">
            Discuss
          </a>
          <a class="button" href={absUrl(paper.id)} rel="noopener">
            arXiv page
          </a>
          <a class="button" href={pdfUrl(paper.id)} rel="noopener">
            PDF
          </a>
          {paper.codeUrl && (
            <a class="button" href={paper.codeUrl} rel="noopener nofollow">
              Code{paper.githubStars !== null ? ` · ${formatCount(paper.githubStars)} ★` : ''}
            </a>
          )}
          {paper.projectUrl && (
            <a class="button" href={paper.projectUrl} rel="noopener nofollow">
              Project page
            </a>
          )}
        </div>
        <InShortSection paper={paper} />
        <h2>Abstract</h2>
        <p class="abstract">
          {renderedOnce(renderedAbstracts, paper, () => (
            <MathText text={paper.abstract} />
          ))}
        </p>
        <Media urls={props.people.mediaUrls} />
        {renderedOnce(renderedFacts, paper, () => (
          <PaperFacts paper={paper} />
        ))}
      </article>
      {props.community}
      <section aria-labelledby="similar">
        <h2 id="similar">Similar papers</h2>
        {props.similar === null ? (
          <p class="muted">Similar papers appear here once the search index is built.</p>
        ) : props.similar.length ? (
          <ol class="papers">
            {props.similar.map((s) => (
              <PaperCard item={s} />
            ))}
          </ol>
        ) : (
          <p class="muted">No similar papers found.</p>
        )}
      </section>
    </Layout>
  );
}
