// A node's way to its store's core: the store's LiveChat once its database is open, or, when it
// could not be opened, an error in the node's own words (`<type>.errors.storeFailed`).
import type { LiveChat } from '../../src/live-chat';
import type { Node, NodeAPI } from './node-red';
import type { SessionStoreNode } from './session-store';

export async function runningLiveChat(RED: NodeAPI, node: Node, store: SessionStoreNode): Promise<LiveChat> {
  try {
    return await store.liveChat;
  } catch (err) {
    throw new Error(RED._(`${node.type}.errors.storeFailed`, { error: (err as Error).message }));
  }
}
