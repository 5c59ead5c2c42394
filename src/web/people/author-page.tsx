// An author's page: every paper filed under the name's key, newest first, with the co-authors, the categories, the
// spellings the name appears in, and the people who claimed papers under it (namesakes are told apart this way).
import type { AuthorSummary, Claimant, CoAuthor } from '../../db/authors.ts';
import type { ListedPaper } from '../../db/listings.ts';
import { authorSlug } from '../../domain/author-name.ts';
import { Avatar } from '../components/avatar.tsx';
import { Layout, type FeedLink } from '../components/layout.tsx';
import { PaperCard } from '../components/paper-card.tsx';
import { Pager } from '../components/pager.tsx';
import { hfProfileUrl, profilePath } from '../components/people-links.tsx';
import { FeedLinks } from './feed-links.tsx';

export interface AuthorPageProps {
  author: AuthorSummary;
  items: ListedPaper[];
  page: number;
  limit: number;
  path: string;
  canonical: string;
  feeds: FeedLink[];
  coauthors: CoAuthor[];
  categories: { category: string; count: number }[];
  claimants: Claimant[];
  account?: { username: string } | null;
}

const keyPath = (key: string) => `/authors/${encodeURIComponent(authorSlug(key))}`;

function ClaimantItem(props: { claimant: Claimant }) {
  const c = props.claimant;
  return (
    <li>
      {c.kind === 'local' ? (
        <a href={profilePath(c.username)}>
          <Avatar text={c.username} size={20} /> {c.username}
        </a>
      ) : (
        <a href={hfProfileUrl(c.username)} rel="noopener nofollow">
          <Avatar text={c.fullname ?? c.username} size={20} /> {c.fullname && c.fullname !== c.username ? `${c.fullname} (@${c.username})` : `@${c.username}`}{' '}
          on Hugging Face
        </a>
      )}{' '}
      <span class="muted">
        {c.papers} paper{c.papers === 1 ? '' : 's'}
      </span>
      {c.otherNames.length > 0 && (
        <>
          {' · also claimed papers as '}
          {c.otherNames.map((o, i) => (
            <>
              {i > 0 && ', '}
              <a href={keyPath(o.key)}>{o.name}</a>
            </>
          ))}
        </>
      )}
    </li>
  );
}

export function AuthorPage(props: AuthorPageProps) {
  const { author } = props;
  const others = author.spellings.filter((s) => s.name !== author.name);
  return (
    <Layout
      title={author.name}
      description={`${author.papers} paper${author.papers === 1 ? '' : 's'} by ${author.name} on Paperfeed.`}
      canonical={props.canonical}
      feeds={props.feeds}
      account={props.account}
    >
      <header class="person">
        <Avatar text={author.name} size={64} class="large" />
        <div>
          <h1>{author.name}</h1>
          <p class="muted">
            {author.papers} paper{author.papers === 1 ? '' : 's'} · {author.upvotes} upvote{author.upvotes === 1 ? '' : 's'}
            {others.length > 0 && <> · also written {others.map((s) => s.name).join(', ')}</>}
          </p>
        </div>
      </header>
      <section aria-labelledby="claimed-by" class="claimants">
        <h2 id="claimed-by">Who this is</h2>
        {props.claimants.length ? (
          <>
            <p class="muted">People who claimed papers under this name. Several people can share a name: each claimed only the papers they wrote.</p>
            <ul>
              {props.claimants.map((c) => (
                <ClaimantItem claimant={c} />
              ))}
            </ul>
          </>
        ) : (
          <p class="muted">
            Nobody has claimed these papers yet. Everything written by this name is listed here, and people who share the name are not told apart until they
            claim their papers. Are you {author.name}? Claim your papers from their pages.
          </p>
        )}
      </section>
      {props.categories.length > 0 && (
        <nav aria-label="Categories">
          <ul class="chips">
            {props.categories.map((c) => (
              <li>
                <a href={`/papers/trending?category=${encodeURIComponent(c.category)}`}>
                  {c.category} <span class="muted">({c.count})</span>
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <div class="two-columns">
        <section aria-labelledby="papers">
          <h2 id="papers">Papers, newest first</h2>
          <ol class="papers" start={props.page * props.limit + 1}>
            {props.items.map((item) => (
              <PaperCard item={item} />
            ))}
          </ol>
          <Pager path={props.path} params={{}} page={props.page} limit={props.limit} total={author.papers} />
        </section>
        {props.coauthors.length > 0 && (
          <aside aria-labelledby="coauthors">
            <h2 id="coauthors">Co-authors</h2>
            <ul class="coauthors">
              {props.coauthors.map((co) => (
                <li>
                  <a href={keyPath(co.key)}>{co.name}</a> <span class="muted">({co.papers})</span>
                </li>
              ))}
            </ul>
          </aside>
        )}
      </div>
      <FeedLinks feeds={props.feeds} />
    </Layout>
  );
}
