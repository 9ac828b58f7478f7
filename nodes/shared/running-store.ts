// A node's way to its store's core. Every node that points at a session-store starts the same
// way (its config lifted to the current version, its store found, a red status without one) and
// meets each input the same way (no config or no store is an error in the node's own words, for
// Catch nodes); the texts are the node's `<type>.status.noStore`, `<type>.errors.notConfigured`,
// `<type>.errors.noStore` and `<type>.errors.storeFailed`.
import type { LiveChat } from '../../src/live-chat';
import { withDetail } from '../../src/live-chat-startup';
import { type ConfigMigrations, readNodeConfig } from './config-version';
import type { Node, NodeAPI, NodeDefinition } from './node-red';
import { findSessionStore, type SessionStoreNode } from './session-store';

/** What such a node found when it started: no config when it was saved by a newer release. */
export interface StoreNodeStart<T> {
  config?: T;
  store?: SessionStoreNode;
}

export function startStoreNode<T extends NodeDefinition & { store?: string }>(
  RED: NodeAPI,
  node: Node,
  saved: NodeDefinition,
  version: number,
  migrations?: ConfigMigrations,
): StoreNodeStart<T> {
  const config = readNodeConfig<T>(RED, node, saved, version, migrations);
  const store = config && findSessionStore(RED, config.store);
  if (config && !store) node.status({ fill: 'red', shape: 'ring', text: RED._(`${node.type}.status.noStore`) });
  return { config, store };
}

/** The config and store for an input, or the reason there are none. */
export function readyStoreNode<T>(RED: NodeAPI, node: Node, start: StoreNodeStart<T>): { config: T; store: SessionStoreNode } {
  if (!start.config) throw new Error(RED._(`${node.type}.errors.notConfigured`));
  if (!start.store) throw new Error(RED._(`${node.type}.errors.noStore`));
  return { config: start.config, store: start.store };
}

/** The store's LiveChat once its database is open, or, when it could not be opened, an error in the node's own words. */
export async function runningLiveChat(RED: NodeAPI, node: Node, store: SessionStoreNode): Promise<LiveChat> {
  try {
    return await store.ready();
  } catch (err) {
    throw new Error(RED._(`${node.type}.errors.storeFailed`, { error: withDetail(err as Error) }));
  }
}
