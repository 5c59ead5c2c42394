// A cookie-keeping client for tests that check status codes and headers exactly: for a Hono app called in process
// (app.request), or for a listening server given by its URL (real HTTP through fetch). The Chromium tests cover
// the same flows as a person would use them.
import type { Hono } from 'hono';

export class WebClient {
  readonly cookies = new Map<string, string>();
  private readonly origin: string;
  private readonly send: (url: string, init: RequestInit) => Promise<Response>;

  /** `target` is an app (requests stay in process) or a server's base URL (requests go over a socket). */
  constructor(target: Hono | string, origin = 'http://localhost:3000') {
    if (typeof target === 'string') {
      this.origin = target;
      this.send = (url, init) => fetch(url, init);
    } else {
      this.origin = origin;
      this.send = async (url, init) => target.request(url, init);
    }
  }

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookies.size && !headers.has('cookie')) headers.set('cookie', [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; '));
    const res = await this.send(this.origin + path, { ...init, headers, redirect: 'manual' });
    for (const line of res.headers.getSetCookie()) {
      const [pair, ...attrs] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = pair.slice(eq + 1).trim();
      const expired = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a)) || value === '';
      if (expired) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return res;
  }

  get(path: string, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { headers });
  }

  post(path: string, form: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, {
      method: 'POST',
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  postJson(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', ...headers } });
  }

  /** The CSRF token from a page with a form (and the pf_csrf cookie it comes with). */
  async csrf(path = '/signin'): Promise<string> {
    const html = await (await this.get(path)).text();
    const m = /name="_csrf" value="([^"]+)"/.exec(html);
    if (!m) throw new Error(`no CSRF field on ${path}`);
    return m[1];
  }
}
