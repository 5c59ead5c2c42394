// One place turns failures into responses: AppError keeps its status, code and message; anything else is a
// logged 500 whose details stay in the log. API paths and clients asking for JSON get `{error:{code,message}}`;
// browsers get an HTML page in the site's frame.
import type { Context } from 'hono';
import { AppError } from '../../errors.ts';
import type { Logger } from '../../log.ts';
import { htmlDocument, Layout } from '../components/layout.tsx';
import { MAX_BODY_BYTES } from '../security/csrf.ts';

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Sign in required',
  403: 'Not allowed',
  404: 'Not found',
  405: 'Method not allowed',
  409: 'Conflict',
  413: 'Too large',
  414: 'Address too long',
  431: 'Request headers too large',
  429: 'Too many requests',
  500: 'Something went wrong',
};

/** JSON for API paths, feeds' JSON variants and clients that prefer JSON over HTML. */
export function wantsJson(c: Context): boolean {
  if (c.req.path.startsWith('/api/') || c.req.path === '/api') return true;
  const accept = c.req.header('accept') ?? '';
  return accept.includes('application/json') && !accept.includes('text/html');
}

export function errorResponse(c: Context, error: AppError, baseUrl: string): Response {
  const headers = { ...error.headers, 'Cache-Control': 'no-store' };
  if (wantsJson(c)) {
    return new Response(JSON.stringify({ ...error.fields, error: { code: error.code, message: error.message } }), {
      status: error.status,
      headers: { ...headers, 'Content-Type': 'application/json; charset=utf-8' },
    });
  }
  const title = TITLES[error.status] ?? 'Error';
  const page = (
    <Layout title={title} canonical={baseUrl + c.req.path} noindex>
      <h1>{title}</h1>
      <p>{error.message}</p>
      <p>
        <a href="/">Back to today's papers</a>
      </p>
    </Layout>
  );
  return new Response(htmlDocument(page), {
    status: error.status,
    headers: { ...headers, 'Content-Type': 'text/html; charset=utf-8' },
  });
}

export function handleError(err: unknown, c: Context, logger: Logger, baseUrl: string): Response {
  if (err instanceof AppError) return errorResponse(c, err, baseUrl);
  // A body sent without Content-Length fails while it is read once it passes the cap (src/web/security/csrf.ts).
  if ((err as Error | null)?.name === 'BodyLimitError')
    return errorResponse(c, new AppError(413, 'too_large', `request bodies are limited to ${MAX_BODY_BYTES} bytes`), baseUrl);
  logger.error({ err, path: c.req.path }, 'unhandled error');
  return errorResponse(c, new AppError(500, 'internal', 'internal server error'), baseUrl);
}

export function notFoundResponse(c: Context, baseUrl: string): Response {
  return errorResponse(c, new AppError(404, 'not_found', `no page at ${c.req.path}`), baseUrl);
}

/** A form handler's AppError (4xx but 403) goes back to the form with its message; anything else propagates. */
export function formProblem(e: unknown): AppError {
  if (e instanceof AppError && e.status >= 400 && e.status < 500 && e.status !== 403) return e;
  throw e;
}
