// The shape of a route table: one line per route, method, path and the handlers that answer it (guards first).
// Each area module (listings/, papers/, accounts/, …) returns its lines from a routes.ts; app.tsx registers the
// areas in order.
import type { Context, Handler, Hono, MiddlewareHandler } from 'hono';
import { FEED_FILES, type FeedFormat } from './feeds.ts';

export interface Route {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  handlers: (Handler | MiddlewareHandler)[];
}

export const get = (path: string, ...handlers: Route['handlers']): Route => ({ method: 'GET', path, handlers });
export const post = (path: string, ...handlers: Route['handlers']): Route => ({ method: 'POST', path, handlers });
/** PATCH and DELETE serve the Hugging Face-shaped JSON API only; pages change things with POST forms. */
export const patch = (path: string, ...handlers: Route['handlers']): Route => ({ method: 'PATCH', path, handlers });
export const del = (path: string, ...handlers: Route['handlers']): Route => ({ method: 'DELETE', path, handlers });

/** `${path}/rss.xml`, `${path}/atom.xml` and `${path}/feed.json`, all built by one loader. */
export function feeds(path: string, load: (c: Context, format: FeedFormat) => Promise<Response>): Route[] {
  return (Object.keys(FEED_FILES) as FeedFormat[]).map((format) => get(`${path}/${FEED_FILES[format]}`, (c) => load(c, format)));
}

export function register(app: Hono, routes: Route[]): void {
  for (const route of routes) app.on(route.method, route.path, ...(route.handlers as [Handler]));
}
