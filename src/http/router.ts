// express 4 does not catch a rejected promise from a handler; this Router does, so handlers can
// be async and simply throw an HttpError. It also notes the routes declared on it (and on the
// Routers mounted in it), so that the API can let a request it has no route for pass on
// untouched (handlesRoute): the API shares Node-RED's httpNode with the user's own routes.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { noNul } from './validation';

type Handler = (req: Request, res: Response, next: NextFunction) => unknown;

const ROUTE_METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface RoutePattern {
  method: string;
  pattern: RegExp;
}

const declaredRoutes = new WeakMap<object, RoutePattern[]>();

function caught(handler: Handler): RequestHandler {
  return (req, res, next) => {
    try {
      for (const [name, value] of Object.entries(req.params ?? {})) if (typeof value === 'string') noNul(value, name);
      const result = handler(req, res, next);
      if (result instanceof Promise) result.catch(next);
    } catch (err) {
      next(err);
    }
  };
}

/** A path as express 4 matches a route: ":name" is one segment, no case, an optional trailing slash. */
function compile(path: string): RegExp {
  const body = path
    .split('/')
    .map((segment) => (segment.startsWith(':') ? '[^/]+?' : segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${body.replace(/\/$/, '')}/?$`, 'i');
}

function prefixed(prefix: string, routes: RoutePattern[]): RoutePattern[] {
  if (prefix === '' || prefix === '/') return routes;
  const head = compile(prefix)
    .source.replace(/\/\?\$$/, '')
    .replace(/^\^/, '');
  return routes.map((r) => ({ method: r.method, pattern: new RegExp(`^${head}${r.pattern.source.slice(1)}`, 'i') }));
}

export function Router(): express.Router {
  const router = express.Router();
  const routes: RoutePattern[] = [];
  declaredRoutes.set(router, routes);
  for (const method of [...ROUTE_METHODS, 'use'] as const) {
    const original = router[method].bind(router) as (...args: unknown[]) => express.Router;
    (router as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
      const path = typeof args[0] === 'string' ? args[0] : undefined;
      if (method !== 'use' && path !== undefined) routes.push({ method, pattern: compile(path) });
      if (method === 'use') {
        for (const arg of args) {
          const inner = typeof arg === 'function' ? declaredRoutes.get(arg) : undefined;
          if (inner) routes.push(...prefixed(path ?? '', inner));
        }
      }
      return original(...args.map((a) => (typeof a === 'function' && a.length < 4 && !declaredRoutes.has(a) ? caught(a as Handler) : a)));
    };
  }
  return router;
}

/** Whether a route declared on `router` (a Router from here) answers this method and path. */
export function handlesRoute(router: express.Router, method: string, path: string): boolean {
  const wanted = method.toLowerCase() === 'head' ? ['head', 'get'] : [method.toLowerCase()];
  return (declaredRoutes.get(router) ?? []).some((r) => wanted.includes(r.method) && r.pattern.test(path));
}
