// Parts of a page that depend only on one record (a paper's title with MathML, its abstract, its citation tags)
// are rendered once per record object and reused by every later request and every person: memoised reads
// (src/db/memo.ts) hand out the same record objects until the store changes, so each part is rendered once per
// version. Keyed by the object, so nothing outlives the read it came from.
import { raw } from 'hono/html';
import type { Child } from 'hono/jsx';
import type { HtmlEscapedString } from 'hono/utils/html';

/** `render()` for `record`, from `cache` when this object was rendered before; `render` must be synchronous. */
export function renderedOnce<T extends object>(cache: WeakMap<T, HtmlEscapedString>, record: T, render: () => Child): HtmlEscapedString {
  let html = cache.get(record);
  if (!html) {
    // Synchronous components, so toString() gives the string itself.
    html = raw(String(render()));
    cache.set(record, html);
  }
  return html;
}
