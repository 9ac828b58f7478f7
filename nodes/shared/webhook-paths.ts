// LINE redelivers a webhook answered 5xx, never one answered 404, so a webhook path must not
// vanish while Node-RED stops or redeploys its flows. Unlike Node-RED's own http in node (which
// takes its route out on close), a path's route is registered on httpNode once and kept: it hands
// each POST to the line-webhook node that owns the path now (the first one started), answers 503
// with Retry-After while none does (the flows are stopping or starting), and lets the request
// pass (404, or another route) once the flows have started again without an owner.
import express, { type ErrorRequestHandler, type RequestHandler } from 'express';
import { STOPPING_RETRY_AFTER_SECONDS } from '../../src/line/webhook-route';
import type { NodeAPI } from './node-red';

interface WebhookPath {
  /** The handlers of the nodes that asked for the path, in order: the first answers. */
  owners: express.Router[];
  /** Answered (503 while ownerless) until the flows have started again without an owner. */
  known: boolean;
}

/** Express matches paths without case and with or without a trailing slash; so does this key. */
function pathKey(path: string): string {
  return path.replace(/(.)\/$/, '$1').toLowerCase();
}

const pathsOf = new WeakMap<object, Map<string, WebhookPath>>();
/** Every path of every httpNode (a test runtime makes a new httpNode per load). */
const everyPath = new Set<WebhookPath>();
const listenedTo = new WeakSet<object>();

/**
 * Has `handlers` answer POSTs to `path` on RED.httpNode from now on; call the answer when the node
 * closes (the path then answers 503 until another node owns it or the flows have started).
 */
export function ownWebhookPath(RED: NodeAPI, path: string, handlers: (RequestHandler | ErrorRequestHandler)[]): () => void {
  const entry = webhookPath(RED, path);
  const owner = express.Router();
  owner.use(...handlers);
  entry.owners.push(owner);
  return () => {
    entry.owners = entry.owners.filter((o) => o !== owner);
  };
}

/** Answers 503 at `path` until the flows have started (npm start, before its flow is up: not 404). */
export function expectWebhookPath(RED: NodeAPI, path: string): void {
  webhookPath(RED, path);
}

/** The path's entry, known from now until the flows start without an owner; its route made once. */
function webhookPath(RED: NodeAPI, path: string): WebhookPath {
  const paths = pathsOf.get(RED.httpNode) ?? new Map<string, WebhookPath>();
  pathsOf.set(RED.httpNode, paths);
  if (!listenedTo.has(RED.events)) {
    listenedTo.add(RED.events);
    RED.events.on('flows:started', () => {
      for (const entry of everyPath) if (entry.owners.length === 0) entry.known = false;
    });
  }
  const key = pathKey(path);
  const found = paths.get(key);
  if (found) {
    found.known = true;
    return found;
  }
  const entry: WebhookPath = { owners: [], known: true };
  paths.set(key, entry);
  everyPath.add(entry);
  RED.httpNode.post(path, (req, res, next) => {
    const owner = entry.owners[0];
    if (owner) return owner(req, res, next);
    if (!entry.known) return next();
    res.set('retry-after', String(STOPPING_RETRY_AFTER_SECONDS)).status(503).json({ error: 'The LINE webhook is stopping or starting' });
  });
  return entry;
}
