// The home page's tabs for signed-in people: the day's papers, and their own "For you" list.
export function HomeTabs(props: { current: 'daily' | 'for-you' }) {
  return (
    <nav class="tabs home-tabs" aria-label="Home">
      <a href="/" aria-current={props.current === 'daily' ? 'page' : undefined}>
        Daily papers
      </a>
      <a href="/for-you" aria-current={props.current === 'for-you' ? 'page' : undefined}>
        For you
      </a>
    </nav>
  );
}
