// express 4 does not catch a rejected promise from a handler; this Router does, so handlers can
// be async and simply throw an HttpError.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';

type Handler = (req: Request, res: Response, next: NextFunction) => unknown;

function caught(handler: Handler): RequestHandler {
  return (req, res, next) => {
    try {
      const result = handler(req, res, next);
      if (result instanceof Promise) result.catch(next);
    } catch (err) {
      next(err);
    }
  };
}

export function Router(): express.Router {
  const router = express.Router();
  for (const method of ['get', 'post', 'put', 'patch', 'delete', 'use'] as const) {
    const original = router[method].bind(router) as (...args: unknown[]) => express.Router;
    (router as unknown as Record<string, unknown>)[method] = (...args: unknown[]) =>
      original(...args.map((a) => (typeof a === 'function' && a.length < 4 ? caught(a as Handler) : a)));
  }
  return router;
}
