// "Follow: RSS · Atom · JSON Feed" under a list.
import type { FeedLink } from '../components/layout.tsx';

export function FeedLinks(props: { feeds: FeedLink[] }) {
  return (
    <p class="feeds">
      Follow these papers:{' '}
      {props.feeds.map((f, i) => (
        <>
          {i > 0 && ' · '}
          <a href={f.href} type={f.type}>
            {f.title.replace(/^.*\((.*)\)$/, '$1')}
          </a>
        </>
      ))}
    </p>
  );
}
