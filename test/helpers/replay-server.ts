// A real HTTP server on 127.0.0.1 for source tests: each request is logged and answered by the test's
// handler, which replays recorded responses (or misbehaves on purpose: errors, hangs, slow answers).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReplayRequest {
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  /** Date.now() when the request arrived. */
  at: number;
}

export interface ReplayResponse {
  status?: number;
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Never answer (the connection stays open until the server closes). */
  hang?: boolean;
}

export type ReplayHandler = (req: ReplayRequest) => ReplayResponse | Promise<ReplayResponse>;

export interface ReplayServer {
  url: string;
  port: number;
  requests: ReplayRequest[];
  handler: ReplayHandler;
  close(): Promise<void>;
}

/** Starts on a free port, or on `port` (to bring a source back where a process expects it). */
export async function startReplayServer(handler: ReplayHandler, port = 0): Promise<ReplayServer> {
  const requests: ReplayRequest[] = [];
  const state = { handler };
  const server = http.createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const entry: ReplayRequest = { path: url.pathname, query: url.searchParams, headers: req.headers, at: Date.now() };
    requests.push(entry);
    try {
      const r = await state.handler(entry);
      if (r.hang) return;
      if (r.delayMs) await new Promise((resolve) => setTimeout(resolve, r.delayMs));
      res.writeHead(r.status ?? 200, r.headers ?? {});
      res.end(r.body ?? '');
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(String(e));
    }
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${bound}`,
    port: bound,
    requests,
    get handler() {
      return state.handler;
    },
    set handler(h: ReplayHandler) {
      state.handler = h;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
