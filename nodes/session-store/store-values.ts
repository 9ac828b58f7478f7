// A session-store's settings as its node holds them: plain properties and credentials, with
// ${ENV} applied to every one (Node-RED itself only replaces a plain property whose whole value
// is ${NAME}), over the environment variables; and the address Node-RED listens on, for links.
import type { Environment } from '../../src/config/environment';
import { substituteEnv } from '../../src/config/env-substitution';
import type { ListeningAddress } from '../../src/config/public-url';
import { resolveStoreSettings, type StoreSettings, type StoreValues } from '../../src/config/store-config';
import type { Node, NodeAPI, NodeDefinition } from '../shared/node-red';

export interface SessionStoreCredentials {
  databaseUrl?: string;
  encryptionKey?: string;
  lineChannelSecret?: string;
  lineChannelAccessToken?: string;
  telegramBotToken?: string;
}

export interface SessionStoreConfig extends NodeDefinition {
  basePath?: string;
  publicUrl?: string;
  dataDir?: string;
  sweepInterval?: string;
  lineSendBudget?: string;
  telegramBudget?: string;
  telegramChatId?: string;
  trustProxy?: string;
  serveHttp?: boolean;
}

/** The store's settings; throws a StoreConfigError for a value that cannot be used. */
export function storeSettings(RED: NodeAPI, node: Node<SessionStoreCredentials>, config: SessionStoreConfig, env: Environment): StoreSettings {
  const lookup = (name: string) => RED.util.getSetting(node, name) as string | undefined;
  const credentials = node.credentials ?? {};
  const values: StoreValues = {
    basePath: config.basePath,
    publicUrl: config.publicUrl,
    dataDir: config.dataDir,
    sweepInterval: config.sweepInterval,
    lineSendBudget: config.lineSendBudget,
    telegramBudget: config.telegramBudget,
    telegramChatId: config.telegramChatId,
    trustProxy: config.trustProxy,
    databaseUrl: credentials.databaseUrl,
    encryptionKey: credentials.encryptionKey,
    lineChannelSecret: credentials.lineChannelSecret,
    lineChannelAccessToken: credentials.lineChannelAccessToken,
    telegramBotToken: credentials.telegramBotToken,
  };
  for (const [key, value] of Object.entries(values)) {
    if (typeof value === 'string') values[key as keyof StoreValues] = substituteEnv(value, lookup);
  }
  // DATA_DIR names the product's folder in the standalone; inside someone's own Node-RED the
  // folder is Node-RED's user directory.
  const dataDir = process.env.DATA_DIR?.trim() ? env.dataDir : (RED.settings.userDir ?? env.dataDir);
  return resolveStoreSettings(values, env, { dataDir });
}

/** Where Node-RED listens, `path` on it: https when set, uiHost, the real port once it listens (else uiPort). */
export function listeningAddress(RED: NodeAPI, path: string): ListeningAddress {
  const address = RED.server?.address();
  const configured = Number(RED.settings.uiPort);
  const port = address && typeof address === 'object' ? address.port : Number.isInteger(configured) && configured > 0 ? configured : 1880;
  return { https: Boolean(RED.settings.https), host: RED.settings.uiHost, port, path };
}
