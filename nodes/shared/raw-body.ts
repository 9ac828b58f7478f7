// LINE signs the exact bytes it sends, but in a stock Node-RED (httpAdminRoot "/") the editor's
// JSON parser runs before httpNode and consumes them. As Node-RED's own http in node does
// (rawBodyCapture in 21-httpin.js), a middleware at the top of the root express app reads the
// body of a POST to a registered webhook path before anything else; the route answers (webhook-route).
import type { Express, RequestHandler } from 'express';
import { readWebhookBody } from '../../src/line/webhook-route';

/** An express app as Node-RED mounts them: httpNode inside the root app. */
interface MountedApp {
  parent?: MountedApp;
  path(): string;
  use: Express['use'];
  _router?: { stack: { handle: unknown }[] };
}

/** The registered paths ("/nr/line/webhook", lower case) and how many webhook nodes use each. */
const capturedPaths = new Map<string, number>();
const installedOn = new WeakSet<object>();

/** Express matches paths without case and with or without a trailing slash; so does this. */
function pathKey(path: string): string {
  return path
    .replace(/\/{2,}/g, '/')
    .replace(/(.)\/$/, '$1')
    .toLowerCase();
}

const capture: RequestHandler = (req, res, next) => {
  if (req.method !== 'POST' || capturedPaths.size === 0) return next();
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
  capturedPaths.set(key, (capturedPaths.get(key) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (capturedPaths.get(key) ?? 1) - 1;
    if (left > 0) capturedPaths.set(key, left);
    else capturedPaths.delete(key);
  };
}
