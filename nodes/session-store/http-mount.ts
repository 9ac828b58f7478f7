// Node-RED keeps routes across redeploys, so the API, the inbox and socket.io are mounted once per
// process and reach whichever session-store currently serves them.
import express from 'express';
import path from 'node:path';
import type { RequestHandler } from 'express';
import type { NodeAPI } from '../shared/node-red';
import type { SessionStoreNode } from '../shared/session-store';
import { attachSocketServer, SOCKET_PATH } from '../../src/realtime/socket-server';

class ServingStore {
  private current?: SessionStoreNode;

  claim(node: SessionStoreNode): void {
    if (this.current && this.current !== node) {
      node.warn(`the inbox and API are already served by session-store ${this.current.id}; this one serves nothing`);
      return;
    }
    this.current = node;
  }

  release(node: SessionStoreNode): void {
    if (this.current === node) this.current = undefined;
  }

  get node(): SessionStoreNode | undefined {
    return this.current;
  }
}

export const servingStore = new ServingStore();

const mountedOn = new WeakSet<object>();
const socketsOn = new WeakSet<object>();

const unavailable: RequestHandler = (_req, res) => {
  res.status(503).json({ error: 'The live chat store is not running; deploy a flow with a session-store node' });
};

const api: RequestHandler = (req, res, next) => {
  const node = servingStore.node;
  if (!node) return unavailable(req, res, next);
  node.liveChat.then(
    (liveChat) => liveChat.api()(req, res, next),
    () => unavailable(req, res, next),
  );
};

export function mountHttp(RED: NodeAPI): void {
  attachRealtime(RED);
  if (mountedOn.has(RED.httpNode)) return;
  mountedOn.add(RED.httpNode);
  RED.httpNode.use('/api/v1', api);
  // The inbox: one page for each of its paths (the app routes by path), and its bundle.
  const ui = path.join(__dirname, '..', '..', '..', 'ui', 'dist');
  RED.httpNode.use('/admin/assets', express.static(ui, { index: false, cacheControl: true, maxAge: 0 }));
  const page: RequestHandler = (_req, res) => {
    res.set('cache-control', 'no-cache').sendFile(path.join(ui, 'index.html'));
  };
  RED.httpNode.get(INBOX_PATHS, page);
}

/** The inbox's pages (the app shows the one the path names). */
export const INBOX_PATHS = ['/admin/login', '/admin/live-chat', '/admin/live-chat/analytics', '/admin/friends', '/admin/settings'];

/** socket.io on Node-RED's HTTP server, under httpNodeRoot like the API (none without a server). */
function attachRealtime(RED: NodeAPI): void {
  const server = RED.server;
  if (!server || socketsOn.has(server)) return;
  socketsOn.add(server);
  const root = typeof RED.settings.httpNodeRoot === 'string' ? RED.settings.httpNodeRoot.replace(/\/+$/, '') : '';
  attachSocketServer(server, async () => servingStore.node?.liveChat, { path: root + SOCKET_PATH, log: RED.log });
}
