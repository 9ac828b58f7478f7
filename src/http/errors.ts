// Errors that the API turns into answers: a status, a message, the field at fault if any, and a
// stable `code` that the inbox translates (the message is English, for logs and API users).
import type { ErrorRequestHandler, Request } from 'express';

/** The code of an error that names none: one per status. */
const STATUS_CODES: Record<number, string> = {
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  413: 'too_large',
  429: 'too_many_requests',
  500: 'internal',
};

export class HttpError extends Error {
  readonly code: string;
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
    readonly details?: Record<string, unknown>,
    code?: string,
  ) {
    super(message);
    this.code = code ?? STATUS_CODES[status] ?? 'error';
  }
}

export const badRequest = (message: string, field?: string, code?: string) => new HttpError(400, message, field, undefined, code);
export const notFound = (what: string) => new HttpError(404, `${what} not found`);
export const conflict = (message: string, details?: Record<string, unknown>, code?: string) => new HttpError(409, message, undefined, details, code);

/** The API's last handler: known errors become `{error, field?}`, anything else a logged 500. */
export function errorHandler(log: (err: unknown, req: Request) => void): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof HttpError) {
      const retryAfter = err.details?.retry_after;
      if (typeof retryAfter === 'number') res.set('retry-after', String(retryAfter));
      res.status(err.status).json({ error: err.message, code: err.code, ...(err.field ? { field: err.field } : {}), ...err.details });
      return;
    }
    // body-parser's own errors: malformed JSON, too large
    const status = (err as { status?: number; type?: string }).status;
    if (status === 400 && (err as { type?: string }).type === 'entity.parse.failed') {
      res.status(400).json({ error: 'The request body is not valid JSON', code: 'invalid_json' });
      return;
    }
    if (status === 413) {
      res.status(413).json({ error: 'The request body is too large', code: 'too_large' });
      return;
    }
    // express's own: a path parameter that is not valid percent-encoding ("%E0%A4%A")
    if (err instanceof URIError) {
      res.status(400).json({ error: 'The request path is not valid percent-encoding', code: 'invalid' });
      return;
    }
    // other client errors raised by express or body-parser (an unsupported charset, an aborted body)
    if (typeof status === 'number' && status >= 400 && status < 500) {
      res
        .status(status)
        .json({ error: (err as { expose?: boolean }).expose ? (err as Error).message : 'Bad request', code: STATUS_CODES[status] ?? 'invalid' });
      return;
    }
    log(err, req);
    res.status(500).json({ error: 'Internal server error', code: 'internal' });
  };
}
