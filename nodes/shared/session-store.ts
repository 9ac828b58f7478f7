// How a node reaches the core: through the session-store config node it is wired to.
import type { LiveChat } from '../../src/live-chat';
import type { Node, NodeAPI } from './node-red';

export interface SessionStoreNode extends Node {
  /** Settles when the database is open and migrated (tried again until it is); rejects if the store cannot start. */
  liveChat: Promise<LiveChat>;
  /**
   * The core for a request or a msg: waits only while the first attempt to open the database
   * runs; while the store waits for its database it rejects at once (a StoreUnavailable, with
   * when to ask again).
   */
  ready(): Promise<LiveChat>;
}

export function findSessionStore(RED: NodeAPI, id: unknown): SessionStoreNode | undefined {
  if (typeof id !== 'string' || id === '') return undefined;
  const node = RED.nodes.getNode(id) as SessionStoreNode | null;
  return node && node.type === 'session-store' ? node : undefined;
}
