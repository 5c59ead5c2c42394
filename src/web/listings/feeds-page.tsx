// /feeds: every feed the site offers, for people whose reader does not discover them from the pages.
import { Layout } from '../components/layout.tsx';
import { FEED_FILES } from '../http/feeds.ts';

export interface FeedGroup {
  title: string;
  path: string;
}

export function FeedsPage(props: { canonical: string; groups: FeedGroup[]; categories: string[]; account?: { username: string } | null }) {
  const row = (g: FeedGroup) => (
    <li>
      {g.title}: <a href={`${g.path}/${FEED_FILES.rss}`}>RSS</a> · <a href={`${g.path}/${FEED_FILES.atom}`}>Atom</a> ·{' '}
      <a href={`${g.path}/${FEED_FILES.json}`}>JSON Feed</a>
    </li>
  );
  return (
    <Layout
      title="Feeds"
      description="RSS, Atom and JSON Feed subscriptions for daily, weekly, monthly and trending papers, and every category."
      canonical={props.canonical}
      account={props.account}
    >
      <h1>Feeds</h1>
      <p>Every list on this site is also a feed. Each listing page links its own feeds too, so a feed reader finds them from the page address.</p>
      <h2>Lists</h2>
      <ul>{props.groups.map(row)}</ul>
      <h2>Searches</h2>
      <p>
        Any search is a feed too: <code>/search/rss.xml?q=your+words</code> (or <code>atom.xml</code>, <code>feed.json</code>), optionally with{' '}
        <code>&amp;category=cs.CL</code>.
      </p>
      <h2>Categories</h2>
      <ul>{props.categories.map((category) => row({ title: category, path: `/feeds/category/${category}` }))}</ul>
    </Layout>
  );
}
