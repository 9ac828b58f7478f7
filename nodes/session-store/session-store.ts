// The session-store config node: owns the product's database and core (LiveChat), and serves
// the inbox page and the REST API from Node-RED's HTTP server. Every other node points at one.
import path from 'node:path';
import { readEnvironment } from '../../src/config/environment';
import { resolveBootstrapAdmin } from '../../src/auth/bootstrap-admin';
import { resolveEncryptionKey } from '../../src/credentials/encryption-key';
import { environmentCredentials } from '../../src/credentials/credential-service';
import { LiveChat } from '../../src/live-chat';
import type { Logger } from '../../src/logger';
import type { Node, NodeAPI, NodeDefinition } from '../shared/node-red';
import type { SessionStoreNode } from '../shared/session-store';
import { mountHttp, servingStore } from './http-mount';

interface SessionStoreCredentials {
  databaseUrl?: string;
  encryptionKey?: string;
}

interface SessionStoreConfig extends NodeDefinition {
  dataDir?: string;
  serveHttp?: boolean;
}

export = function register(RED: NodeAPI) {
  function SessionStore(this: Node<SessionStoreCredentials>, config: SessionStoreConfig) {
    RED.nodes.createNode(this, config);
    // The core is hung on the node for the nodes that point at this store (findSessionStore).
    const node = this as SessionStoreNode & Node<SessionStoreCredentials>;
    const env = readEnvironment();
    // DATA_DIR names the product's folder in the standalone; inside someone's own Node-RED
    // the folder is Node-RED's user directory.
    const dataDir = path.resolve(config.dataDir || (process.env.DATA_DIR ? env.dataDir : (RED.settings.userDir ?? env.dataDir)));
    const log: Logger = {
      info: (m) => node.log(m),
      warn: (m) => node.warn(m),
      error: (m) => node.error(m),
    };
    const databaseUrl = node.credentials?.databaseUrl || env.databaseUrl;

    node.liveChat = (async () =>
      LiveChat.start({
        database: databaseUrl ? { url: databaseUrl } : { embeddedDir: path.join(dataDir, 'live-chat-db') },
        encryptionKey: resolveEncryptionKey({ configured: node.credentials?.encryptionKey || env.encryptionKey, dataDir, log }),
        environmentCredentials: environmentCredentials(env),
        adminUrl: env.adminUrl,
        bootstrapAdmin: resolveBootstrapAdmin({ username: env.adminUsername, password: env.adminPassword, dataDir, log }),
        lineApiBaseUrl: env.lineApiBaseUrl,
        lineDataApiBaseUrl: env.lineDataApiBaseUrl,
        telegramApiRoot: env.telegramApiRoot,
        sweepIntervalMs: env.sweepIntervalMs,
        log,
      }))();
    // Nodes that await liveChat see the failure; this keeps an unobserved one from crashing.
    node.liveChat.catch((err: Error) => node.error(`database could not be opened: ${err.message}`));

    if (config.serveHttp !== false) {
      mountHttp(RED);
      servingStore.claim(node);
    }

    node.on('close', (_removed: boolean, done: () => void) => {
      servingStore.release(node);
      node.liveChat
        .then((liveChat) => liveChat.close())
        .catch((err: Error) => node.error(`closing the database failed: ${err.message}`))
        .finally(done);
    });
  }

  RED.nodes.registerType<Node<SessionStoreCredentials>, SessionStoreConfig, unknown, SessionStoreCredentials>('session-store', SessionStore, {
    credentials: {
      databaseUrl: { type: 'password' },
      encryptionKey: { type: 'password' },
    },
  });
};
