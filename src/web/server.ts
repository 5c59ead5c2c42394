// The listening HTTP server around the app. Node's parser refuses requests whose address and headers together pass
// `maxHeaderSize` before the app sees them, and by default answers with an empty body; here the answer says what
// was too large and what to do instead (414 for an address that alone fills the limit, 431 otherwise). An answer to
// an upload that is not read to its end says it closes the connection (see closingUnreadUploads).
import type { Duplex } from 'node:stream';
import { serve, type Http2Bindings, type HttpBindings, type ServerType } from '@hono/node-server';
import type { Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** The request line and headers together, as Node's default: a search query too long for this goes by POST. */
export const MAX_REQUEST_HEAD_BYTES = 16 * 1024;

export interface ListenOptions {
  hostname: string;
  port: number;
  /** Idle time before the server closes a kept-alive connection. */
  keepAliveSeconds?: number;
}

type Fetch = (request: Request, env: HttpBindings | Http2Bindings) => Response | Promise<Response>;

export function listen(fetch: Fetch, options: ListenOptions, onListening?: (info: AddressInfo) => void): ServerType {
  const server = serve(
    { fetch: closingUnreadUploads(fetch), hostname: options.hostname, port: options.port, serverOptions: { maxHeaderSize: MAX_REQUEST_HEAD_BYTES } },
    onListening,
  );
  server.on('clientError', answerClientError);
  if (options.keepAliveSeconds) (server as HttpServer).keepAliveTimeout = options.keepAliveSeconds * 1000;
  return server;
}

/**
 * A request body that has not fully arrived when its answer is ready (an upload refused before it was read: over the
 * body limit, say) is not waited for: @hono/node-server drops the connection right after the answer. The answer says
 * so (`Connection: close`); otherwise the client sends its next request down that connection and has it reset. A
 * body that is all there is drained by Node, and the connection stays open. The parser may not have reached the
 * bytes already received when the app answers without reading them, so it gets one turn of the event loop first.
 */
function closingUnreadUploads(fetch: Fetch): Fetch {
  return async (request, env) => {
    const response = await fetch(request, env);
    if (request.method === 'GET' || request.method === 'HEAD') return response;
    if (!env.incoming.complete) await new Promise((resolve) => setImmediate(resolve));
    if (!env.incoming.complete) response.headers.set('Connection', 'close');
    return response;
  };
}

const REASONS: Record<number, string> = { 400: 'Bad Request', 408: 'Request Timeout', 414: 'URI Too Long', 431: 'Request Header Fields Too Large' };

function answerClientError(err: NodeJS.ErrnoException & { rawPacket?: Buffer }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  let status = 400;
  let message = 'The request could not be read as HTTP.';
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    // The parser says only that the head overflowed. When the request line in the bytes it holds has no end yet,
    // or takes more than half the limit, the address is what was too long.
    const packet = err.rawPacket;
    const lineEnd = packet?.indexOf('\r\n') ?? -1;
    const urlTooLong = !!packet && /^[A-Z]+ /.test(packet.subarray(0, 16).toString('latin1')) && (lineEnd === -1 || lineEnd > MAX_REQUEST_HEAD_BYTES / 2);
    status = urlTooLong ? 414 : 431;
    message = urlTooLong
      ? `The address is longer than this server accepts (${MAX_REQUEST_HEAD_BYTES} bytes with the headers). Send long search queries by POST: /search takes a form, /api/papers/search a JSON body {"q": "…"}.`
      : `The request's address and headers together are larger than this server accepts (${MAX_REQUEST_HEAD_BYTES} bytes).`;
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    status = 408;
    message = 'The request took too long to arrive.';
  }
  const body = Buffer.from(`${message}\n`);
  socket.end(
    `HTTP/1.1 ${status} ${REASONS[status]}\r\nContent-Type: text/plain; charset=utf-8\r\nX-Content-Type-Options: nosniff\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
  );
}
