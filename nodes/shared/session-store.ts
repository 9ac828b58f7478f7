// How a node reaches the core: through the session-store config node it is wired to.
import type { LiveChat } from '../../src/live-chat';
import type { Node, NodeAPI } from './node-red';

export interface SessionStoreNode extends Node {
  /** Settles when the database is open and migrated; rejects if it could not be. */
  liveChat: Promise<LiveChat>;
}

export function findSessionStore(RED: NodeAPI, id: unknown): SessionStoreNode | undefined {
  if (typeof id !== 'string' || id === '') return undefined;
  const node = RED.nodes.getNode(id) as SessionStoreNode | null;
  return node && node.type === 'session-store' ? node : undefined;
}
