// The one error type that carries an HTTP status. Thrown anywhere below the edges, mapped centrally to an
// HTML error page, a JSON body `{ error: { code, message } }`, or a CLI message with an exit code.
export class AppError extends Error {
  override name = 'AppError';
  /** Fields a JSON error body carries beside `error` (a 409 names the existing thing, as Hugging Face's API does). */
  fields: Record<string, unknown> = {};
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const badRequest = (message: string, code = 'bad_request') => new AppError(400, code, message);
export const notFound = (message: string, code = 'not_found') => new AppError(404, code, message);
export const forbidden = (message: string, code = 'forbidden') => new AppError(403, code, message);
export const unauthorized = (message: string, code = 'unauthorized') => new AppError(401, code, message);
export const conflict = (message: string, code = 'conflict') => new AppError(409, code, message);
export const tooManyRequests = (message: string, retryAfterSeconds: number) =>
  new AppError(429, 'rate_limited', message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
