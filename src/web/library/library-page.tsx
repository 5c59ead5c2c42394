// The person's library: the papers they saved, newest first, with the address of its private feed.
import type { ListedPaper } from '../../db/listings.ts';
import { Layout, type FeedLink } from '../components/layout.tsx';
import { PaperCard } from '../components/paper-card.tsx';
import { Pager } from '../components/pager.tsx';

export function LibraryPage(props: {
  canonical: string;
  account: { username: string };
  items: ListedPaper[];
  total: number;
  page: number;
  limit: number;
  feeds: FeedLink[];
}) {
  return (
    <Layout title="Your library" current="library" canonical={props.canonical} account={props.account} feeds={props.feeds} noindex>
      <h1>Your library</h1>
      <p class="muted">
        {props.total} saved paper{props.total === 1 ? '' : 's'}. Only you can see them; they teach your <a href="/for-you">For you</a> list. Collect papers to
        share in a <a href="/collections/new">collection</a>.
      </p>
      <h2 class="visually-hidden">Saved papers</h2>
      {props.items.length ? (
        <ol class="papers">
          {props.items.map((item) => (
            <PaperCard item={item} />
          ))}
        </ol>
      ) : (
        <p>Nothing saved yet: press “Save” on any paper.</p>
      )}
      <Pager path="/library" params={{}} page={props.page} limit={props.limit} total={props.total} />
      <h2>Your library as a feed</h2>
      <p class="muted small">Private addresses: anyone who has one can read your library, so keep them to yourself.</p>
      <ul>
        {props.feeds.map((f) => (
          <li>
            <a href={f.href}>{f.title}</a>
          </li>
        ))}
      </ul>
    </Layout>
  );
}
