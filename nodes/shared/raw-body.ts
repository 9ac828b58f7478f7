// LINE signs the exact bytes it sends, but in a stock Node-RED (httpAdminRoot "/") the editor's
// JSON parser runs before httpNode and consumes them. As Node-RED's own http in node does
// (rawBodyCapture in 21-httpin.js), a middleware at the top of the root express app reads the
// body of a POST to a registered webhook path before anything else; the route answers (webhook-route).
import type { Express, Request, RequestHandler } from 'express';
import { readWebhookBody, STOPPING_RETRY_AFTER_SECONDS } from '../../src/line/webhook-route';

/** An express app as Node-RED mounts them: httpNode inside the root app. */
interface MountedApp {
  parent?: MountedApp;
  path(): string;
  use: Express['use'];
  _router?: { stack: { handle: unknown }[] };
}

/** The registered paths ("/nr/line/webhook", lower case): how many webhook nodes use each, and since which registration. */
const capturedPaths = new Map<string, { nodes: number; since: number }>();
const installedOn = new WeakSet<object>();
/** Counts the registrations of paths: a POST is stamped with the count when it passes the capture. */
let registrations = 0;
const passedAt = new WeakMap<Request, number>();

/** Express matches paths without case and with or without a trailing slash; so does this. */
function pathKey(path: string): string {
  return path
    .replace(/\/{2,}/g, '/')
    .replace(/(.)\/$/, '$1')
    .toLowerCase();
}

const capture: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST') return next();
  passedAt.set(req, registrations);
  if (capturedPaths.size === 0) return next();
  // This runs before express has decorated the request, so the path comes from the raw URL.
  const path = new URL(req.url ?? '/', 'http://localhost').pathname;
  if (!capturedPaths.has(pathKey(path))) return next();
  readWebhookBody(req, res, next);
};

function rootOf(app: MountedApp): MountedApp {
  return app.parent ? rootOf(app.parent) : app;
}

function install(root: MountedApp): void {
  if (installedOn.has(root)) return;
  installedOn.add(root);
  root.use(capture);
  const stack = root._router?.stack;
  const at = stack?.findIndex((layer) => layer.handle === capture) ?? -1;
  if (stack && at > 0) stack.unshift(...stack.splice(at, 1));
}

/**
 * Has POSTs to `path` (as httpNode routes it) read raw before any other middleware of the root
 * app; call the answer to stop (a node's close). Call it when the node starts: by then Node-RED
 * has mounted httpNode at httpNodeRoot.
 */
export function captureRawBody(httpNode: MountedApp, path: string): () => void {
  install(rootOf(httpNode));
  const key = pathKey(`${httpNode.path()}/${path}`);
  const captured = capturedPaths.get(key);
  if (captured) captured.nodes++;
  else capturedPaths.set(key, { nodes: 1, since: ++registrations });
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = capturedPaths.get(key);
    if (left && --left.nodes === 0) capturedPaths.delete(key);
  };
}

/**
 * Answers 503 (with Retry-After) a POST whose body another parser read because it passed the
 * capture before its path was captured: it came in while the flows restarted (the editor's JSON
 * parser took the bytes LINE signed), so LINE is asked to deliver it again. A body read by another
 * parser after the capture was in place is the route's to answer (a setup it cannot work with).
 */
export const refuseBodyReadBeforeCapture: RequestHandler = (req, res, next) => {
  if (!readBeforeCapture(req)) return next();
  res.set('retry-after', String(STOPPING_RETRY_AFTER_SECONDS)).status(503).json({ error: 'The LINE webhook was restarting when this request came in' });
};

function readBeforeCapture(req: Request): boolean {
  const passed = passedAt.get(req);
  if (passed === undefined || Buffer.isBuffer(req.body) || !(req as Request & { _body?: boolean })._body) return false;
  const captured = capturedPaths.get(pathKey(new URL(req.originalUrl, 'http://localhost').pathname));
  return captured !== undefined && passed < captured.since;
}
