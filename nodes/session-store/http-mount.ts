// What the session-stores serve over HTTP, each under httpNodeRoot + its own base path. Node-RED
// keeps routes across redeploys, so one dispatcher is mounted once per httpNode and hands each
// request to the site of the base it falls under (src/http/site), else lets it pass; socket.io
// gets one server per path on Node-RED's HTTP server, created once and kept. Both ask this
// registry, at each request, which store serves that base now.
import express, { type RequestHandler } from 'express';
import type { LiveChat } from '../../src/live-chat';
import { createSite } from '../../src/http/site';
import { attachSocketServer, SOCKET_PATH, type SocketServer } from '../../src/realtime/socket-server';
import type { NodeAPI } from '../shared/node-red';
import type { SessionStoreNode } from '../shared/session-store';

interface ServedBase {
  /** The stores that asked for this base, in order: the first serves it, the others wait. */
  claimants: { node: SessionStoreNode; onServing(): void }[];
  /** Kept while its store restarts (a redeploy): the API answers 503 meanwhile, not 404. */
  router: express.Router;
}

class ServedBases {
  private readonly bases = new Map<string, ServedBase>();
  /** Longest base first, so that "/a/b" is asked before "/a" and "" last. */
  private order: ServedBase[] = [];

  /** The store serving `base` ("" or "/live-chat") now. */
  holder(base: string): SessionStoreNode | undefined {
    return this.bases.get(base)?.claimants[0]?.node;
  }

  /**
   * Serves `base` for `node`, unless another store already does: then that store is answered and
   * `node` waits; `onServing` is called if it takes over later (the other one is removed).
   */
  claim(base: string, node: SessionStoreNode, onServing: () => void): SessionStoreNode | undefined {
    const entry = this.entry(base);
    entry.claimants.push({ node, onServing });
    const holder = entry.claimants[0].node;
    return holder === node ? undefined : holder;
  }

  /**
   * `node` stops serving `base`. A store that is only restarting (a redeploy) leaves the base
   * known until the flows have started again; a removed one forgets it at once.
   */
  release(base: string, node: SessionStoreNode, removed: boolean): void {
    const entry = this.bases.get(base);
    if (!entry) return;
    const wasHolder = entry.claimants[0]?.node === node;
    entry.claimants = entry.claimants.filter((c) => c.node !== node);
    if (wasHolder) entry.claimants[0]?.onServing();
    if (removed) this.forgetUnserved();
  }

  /** Makes `base` known before any store serves it (npm start, before its flow is up): 503, not 404. */
  expect(base: string): void {
    this.entry(base);
  }

  /** The flows have started: a base no store serves now is no longer answered at all. */
  forgetUnserved(): void {
    for (const [base, entry] of this.bases) if (entry.claimants.length === 0) this.bases.delete(base);
    this.sort();
  }

  /** The one middleware on httpNode: the site of the base the path falls under, else the next route. */
  readonly dispatch: RequestHandler = (req, res, next) => {
    const sites = this.order;
    let i = 0;
    const step = (err?: unknown) => {
      if (err && err !== 'router') return next(err);
      const site = sites[i++];
      if (!site) return next();
      site.router(req, res, step);
    };
    step();
  };

  private entry(base: string): ServedBase {
    let entry = this.bases.get(base);
    if (!entry) {
      const router = express.Router();
      router.use(
        base || '/',
        createSite(() => this.liveChatAt(base)),
      );
      entry = { claimants: [], router };
      this.bases.set(base, entry);
      this.sort();
    }
    return entry;
  }

  private liveChatAt(base: string): Promise<LiveChat> {
    return this.holder(base)?.ready() ?? Promise.reject(new Error(`no session-store serves ${base || '/'}`));
  }

  private sort(): void {
    this.order = [...this.bases.entries()].sort(([a], [b]) => b.length - a.length).map(([, entry]) => entry);
  }
}

export const servedBases = new ServedBases();

const mountedOn = new WeakSet<object>();
const listenedTo = new WeakSet<object>();
const socketServers = new WeakMap<object, Map<string, SocketServer>>();

/** httpNodeRoot as a path prefix ("" for "/", "/nr" for "/nr/"); null when Node-RED serves no HTTP nodes. */
export function httpNodeRoot(RED: NodeAPI): string | null {
  const root: unknown = RED.settings.httpNodeRoot;
  if (root === false) return null;
  if (typeof root !== 'string') return '';
  const trimmed = root.replace(/\/+$/, '');
  return trimmed === '' ? '' : trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** Mounts the dispatcher on this httpNode (once: routes survive redeploys). */
export function mountHttp(RED: NodeAPI): void {
  if (!listenedTo.has(RED.events)) {
    listenedTo.add(RED.events);
    RED.events.on('flows:started', () => servedBases.forgetUnserved());
  }
  if (mountedOn.has(RED.httpNode)) return;
  mountedOn.add(RED.httpNode);
  RED.httpNode.use(servedBases.dispatch);
}

/** socket.io for `base` on Node-RED's server (made once per path, then kept); none without a server. */
export function attachRealtime(RED: NodeAPI, nodeRoot: string, base: string): SocketServer | undefined {
  const server = RED.server;
  if (!server) return undefined;
  const path = nodeRoot + base + SOCKET_PATH;
  const paths = socketServers.get(server) ?? new Map<string, SocketServer>();
  socketServers.set(server, paths);
  let sockets = paths.get(path);
  if (!sockets) {
    sockets = attachSocketServer(server, async () => servedBases.holder(base)?.ready(), { path, log: RED.log });
    paths.set(path, sockets);
  }
  return sockets;
}
