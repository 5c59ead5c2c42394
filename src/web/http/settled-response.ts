// Reading a response's body in a middleware without losing header edits. @hono/node-server answers with a
// lightweight Response that keeps header edits (set by inner middleware: CORS, security headers, a weak ETag) on
// the side; the first read of its body (arrayBuffer, clone, body) rebuilds it from its constructor's arguments and
// those edits are gone. So the headers are copied before the body is read, and the response is rebuilt from both.
import type { Context } from 'hono';

/** The current response's status, headers and body bytes; c.res is replaced by an equal response that keeps them. */
export async function settleResponse(c: Context): Promise<{ status: number; headers: Headers; body: Uint8Array<ArrayBuffer> }> {
  const headers = new Headers(c.res.headers);
  const status = c.res.status;
  const body = new Uint8Array(await c.res.arrayBuffer());
  replaceResponse(c, new Response(body, { status, headers }));
  return { status, headers, body };
}

/** Puts a new response in place; clearing first keeps Hono's setter from merging the old one's headers into it. */
export function replaceResponse(c: Context, res: Response): void {
  c.res = undefined;
  c.res = res;
}
