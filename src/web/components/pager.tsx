// Previous/next page links for a long list; the query string keeps its other parameters.
export function pageHref(path: string, params: Record<string, string | undefined>, page: number): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v) q.set(k, v);
  if (page > 0) q.set('p', String(page));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export function Pager(props: { path: string; params: Record<string, string | undefined>; page: number; limit: number; total: number }) {
  const pages = Math.max(1, Math.ceil(props.total / props.limit));
  if (pages <= 1) return null;
  return (
    <nav class="pager" aria-label="Pages">
      {props.page > 0 ? (
        <a rel="prev" href={pageHref(props.path, props.params, props.page - 1)}>
          ← Previous page
        </a>
      ) : (
        <span />
      )}
      <span>
        Page {props.page + 1} of {pages}
      </span>
      {props.page + 1 < pages ? (
        <a rel="next" href={pageHref(props.path, props.params, props.page + 1)}>
          Next page →
        </a>
      ) : (
        <span />
      )}
    </nav>
  );
}

export function CategoryChips(props: { path: string; current: string | null; categories: { category: string; count: number }[] }) {
  if (!props.categories.length) return null;
  return (
    <nav aria-label="Filter by category">
      <ul class="chips">
        <li>
          <a href={props.path} aria-current={props.current ? undefined : 'true'}>
            All
          </a>
        </li>
        {props.categories.map((c) => (
          <li>
            <a href={pageHref(props.path, { category: c.category }, 0)} aria-current={props.current === c.category ? 'true' : undefined}>
              {c.category} <span class="muted">({c.count})</span>
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
